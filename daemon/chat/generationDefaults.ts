/**
 * A connection's generation defaults (temperature, max tokens) on a request that does not set them
 * itself. The request's own value always wins, on every path:
 * - the neutral options (JSON-RPC `chat/stream`, and every translated HTTP request) get the missing
 *   fields set before the adapter builds its body;
 * - a forwarded body gets only the missing members added, as raw JSON (jsonSplice.ts), every other
 *   byte as the client sent it. A request that names its limit either way (`max_tokens` or
 *   `max_completion_tokens`) has one.
 * Defaults are per connection: a fallback applies its own, not the first connection's.
 */
import type { ChatOptions, GenerationDefaults } from '../../shared/protocol';
import type { ForwardEndpoint } from '../forward/upstreamTarget';
import type { MissingMember } from '../forward/jsonSplice';
import { maxTokensFieldFor } from '../providers/openaiAdapter';

/** The options with the connection's defaults where they are absent (the same object when nothing is added). */
export function withGenerationDefaults(
  options: ChatOptions | undefined,
  defaults: GenerationDefaults | undefined,
): ChatOptions | undefined {
  if (!defaults) return options;
  const add: ChatOptions = {};
  if (defaults.temperature !== undefined && options?.temperature === undefined) add.temperature = defaults.temperature;
  if (defaults.maxTokens !== undefined && options?.maxTokens === undefined) add.maxTokens = defaults.maxTokens;
  return Object.keys(add).length === 0 ? options : { ...options, ...add };
}

/**
 * API versions of Anthropic's from which `temperature` is refused (see SAMPLING_API_VERSION in
 * anthropicAdapter.ts): a default must not turn a request that works into a 400.
 */
const ANTHROPIC_NO_SAMPLING_FROM = '2026-10-21';

/**
 * The members a forwarded body gets when it lacks them. `anthropicVersion` is the version the
 * request goes upstream with (the client's, or the daemon's default).
 */
export function forwardedDefaults(
  endpoint: ForwardEndpoint,
  providerId: string,
  defaults: GenerationDefaults | undefined,
  anthropicVersion?: string,
): MissingMember[] {
  if (!defaults) return [];
  const out: MissingMember[] = [];
  const temperature = defaults.temperature === undefined ? undefined : JSON.stringify(defaults.temperature);
  const maxTokens = defaults.maxTokens === undefined ? undefined : JSON.stringify(defaults.maxTokens);
  switch (endpoint) {
    case 'chat/completions':
      if (temperature) out.push({ key: 'temperature', value: temperature, unless: ['temperature'] });
      if (maxTokens)
        out.push({
          key: maxTokensFieldFor(providerId),
          value: maxTokens,
          unless: ['max_tokens', 'max_completion_tokens'],
        });
      break;
    case 'responses':
      if (temperature) out.push({ key: 'temperature', value: temperature, unless: ['temperature'] });
      if (maxTokens) out.push({ key: 'max_output_tokens', value: maxTokens, unless: ['max_output_tokens'] });
      break;
    case 'messages':
      if (temperature && (anthropicVersion === undefined || anthropicVersion < ANTHROPIC_NO_SAMPLING_FROM))
        out.push({ key: 'temperature', value: temperature, unless: ['temperature'] });
      // Anthropic requires `max_tokens`, so a client sends it; one that did not gets the default rather than a 400.
      if (maxTokens) out.push({ key: 'max_tokens', value: maxTokens, unless: ['max_tokens'] });
      break;
    default:
      // Embeddings and token counts generate nothing.
      break;
  }
  return out;
}
