/** Usage objects of both wire formats ⇄ the neutral `Usage` (all input counted in `inputTokens`). */
import type { Usage } from '../../shared/protocol';
import { isObject } from './errors';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** OpenAI `usage` → neutral (cached and reasoning tokens from the details objects). */
export function usageFromOpenAI(u: unknown): Usage | undefined {
  if (!isObject(u)) return undefined;
  const usage: Usage = { inputTokens: num(u.prompt_tokens) ?? 0, outputTokens: num(u.completion_tokens) ?? 0 };
  const cached = isObject(u.prompt_tokens_details) ? num(u.prompt_tokens_details.cached_tokens) : undefined;
  if (cached) usage.cachedInputTokens = cached;
  const reasoning = isObject(u.completion_tokens_details)
    ? num(u.completion_tokens_details.reasoning_tokens)
    : undefined;
  if (reasoning) usage.reasoningTokens = reasoning;
  return usage;
}

/** Neutral → OpenAI `usage`. */
export function usageToOpenAI(u: Usage | undefined): Record<string, unknown> {
  const prompt = u?.inputTokens ?? 0;
  const completion = u?.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: u?.cachedInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: u?.reasoningTokens ?? 0 },
  };
}

/**
 * Anthropic `usage` → neutral. Anthropic counts cached prompt tokens apart from `input_tokens`;
 * they are billed input too, so the neutral `inputTokens` is their sum.
 */
export function usageFromAnthropic(u: unknown, previous?: Usage): Usage | undefined {
  if (!isObject(u)) return previous;
  const read = num(u.cache_read_input_tokens);
  const written = num(u.cache_creation_input_tokens);
  const input = num(u.input_tokens);
  const usage: Usage = { ...(previous ?? { inputTokens: 0, outputTokens: 0 }) };
  if (input !== undefined)
    usage.inputTokens =
      input + (written ?? previous?.cacheCreationInputTokens ?? 0) + (read ?? previous?.cachedInputTokens ?? 0);
  const output = num(u.output_tokens);
  if (output !== undefined) usage.outputTokens = output; // cumulative in message_delta
  if (read) usage.cachedInputTokens = read;
  if (written) usage.cacheCreationInputTokens = written;
  return usage;
}

/** Neutral → Anthropic `usage` (uncached input apart from cache reads and writes). */
export function usageToAnthropic(u: Usage | undefined): Record<string, number> {
  const read = u?.cachedInputTokens ?? 0;
  const written = u?.cacheCreationInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, (u?.inputTokens ?? 0) - read - written),
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
    output_tokens: u?.outputTokens ?? 0,
  };
}
