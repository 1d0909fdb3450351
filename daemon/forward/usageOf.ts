/**
 * Usage and stop reasons read out of the provider's own JSON (a whole answer or one stream event),
 * in the daemon's terms. Pure functions over parsed JSON; anything missing or malformed reads as
 * "not reported" rather than failing the relay.
 */
import type { Usage } from '../../shared/protocol';

type Json = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** OpenAI chat completions `usage` (`prompt_tokens` already counts cached tokens). */
export function openaiUsage(usage: unknown): Usage | undefined {
  const u = obj(usage);
  if (!u) return undefined;
  const input = num(u['prompt_tokens']);
  const output = num(u['completion_tokens']);
  if (input === undefined && output === undefined) return undefined;
  return { inputTokens: input ?? 0, outputTokens: output ?? 0 };
}

/**
 * Anthropic `usage`, as a message (or `message_start`) carries it, or a `message_delta` with its
 * cumulative counts. Cached prompt tokens are billed input too: the API counts them apart from
 * `input_tokens`. `previous` is what earlier events of the stream reported.
 */
export function anthropicUsage(usage: unknown, previous?: Usage): Usage | undefined {
  const u = obj(usage);
  if (!u) return previous;
  const input = num(u['input_tokens']);
  const cached = (num(u['cache_creation_input_tokens']) ?? 0) + (num(u['cache_read_input_tokens']) ?? 0);
  const output = num(u['output_tokens']);
  if (input === undefined && output === undefined) return previous;
  return {
    inputTokens: input !== undefined ? input + cached : (previous?.inputTokens ?? 0),
    outputTokens: output ?? previous?.outputTokens ?? 0,
  };
}

/** Usage of a whole (non-streamed) answer in the wire format it came in. */
export function usageOfAnswer(wire: 'openai' | 'anthropic', answer: unknown): Usage | undefined {
  const a = obj(answer);
  if (!a) return undefined;
  return wire === 'openai' ? openaiUsage(a['usage']) : anthropicUsage(a['usage']);
}

/** The stop reason of a whole answer: OpenAI `choices[0].finish_reason`, Anthropic `stop_reason`. */
export function finishOfAnswer(wire: 'openai' | 'anthropic', answer: unknown): string | undefined {
  const a = obj(answer);
  if (!a) return undefined;
  if (wire === 'anthropic') return typeof a['stop_reason'] === 'string' ? a['stop_reason'] : undefined;
  const choices = a['choices'];
  const first = Array.isArray(choices) ? obj(choices[0]) : undefined;
  return typeof first?.['finish_reason'] === 'string' ? (first['finish_reason'] as string) : undefined;
}
