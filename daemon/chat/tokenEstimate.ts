/**
 * What a request is expected to cost in tokens before the upstream says: about four characters per
 * input token (the usual rule of thumb for English and code), plus the output it may generate. The
 * estimate is reserved while the request runs and replaced by the reported usage when it ends.
 */
import type { Usage } from '../../shared/protocol';
import type { ChatInput } from './ports';

/**
 * Output tokens assumed when a request sets no `maxTokens`. Most answers are far shorter than a
 * model's maximum, and the reservation is corrected to the reported usage when the request ends;
 * reserving much more (it was 1,024, at the output price) made token limits refuse a second small
 * request and budgets refuse at a fifth spent. A request that sets max_tokens reserves exactly that.
 */
export const DEFAULT_OUTPUT_ESTIMATE = 256;

export interface TokenEstimate {
  input: number;
  output: number;
  total: number;
  /** Where `output` comes from: the request's own max_tokens, or {@link DEFAULT_OUTPUT_ESTIMATE}. Refusals say which. */
  outputFrom?: 'maxTokens' | 'default';
}

/** The rule of thumb: characters per token. */
const CHARS_PER_TOKEN = 4;

export function estimateTokens(input: Pick<ChatInput, 'messages' | 'options' | 'estimate'>): TokenEstimate {
  if (input.estimate) return input.estimate;
  const inputTokens = promptTokens(input);
  const maxTokens = input.options?.maxTokens;
  const output = maxTokens ?? DEFAULT_OUTPUT_ESTIMATE;
  return {
    input: inputTokens,
    output,
    total: inputTokens + output,
    outputFrom: maxTokens === undefined ? 'default' : 'maxTokens',
  };
}

/**
 * The estimate for a body forwarded as sent, from its size: its JSON syntax and field names count
 * as characters too, so this errs high, which is the safe side for a reservation.
 */
export function estimateFromBody(bodyBytes: number, maxTokens: number | undefined): TokenEstimate {
  const input = Math.ceil(bodyBytes / 4);
  const output = maxTokens ?? DEFAULT_OUTPUT_ESTIMATE;
  return { input, output, total: input + output, outputFrom: maxTokens === undefined ? 'default' : 'maxTokens' };
}

/**
 * Usage an answer reported only in part before it stopped (Anthropic's `message_start` gives the
 * input and a token or two of output; the final count comes with `message_delta`): the reported
 * input, and the output estimated from the characters that reached the client if that is more.
 */
export function completeStoppedUsage(partial: Usage, outputChars: number): Usage {
  return {
    ...partial,
    outputTokens: Math.max(partial.outputTokens, Math.ceil(outputChars / CHARS_PER_TOKEN)),
    estimated: true,
  };
}

/**
 * Usage of an answer the upstream reported none for (stopped by the client, cut short, or a server
 * that does not report it), from the prompt and the characters of text that reached the client;
 * marked `estimated`.
 */
export function estimateStreamedUsage(
  input: Pick<ChatInput, 'messages' | 'options' | 'estimate'>,
  outputChars: number,
): Usage {
  return {
    inputTokens: input.estimate?.input ?? promptTokens(input),
    outputTokens: Math.ceil(outputChars / CHARS_PER_TOKEN),
    estimated: true,
  };
}

function promptTokens(input: Pick<ChatInput, 'messages' | 'options'>): number {
  let chars = input.options?.system?.length ?? 0;
  // Text counts by length; image parts, tool calls and tool definitions by their serialized size (a rough upper bound).
  for (const message of input.messages) {
    chars += typeof message.content === 'string' ? message.content.length : JSON.stringify(message.content).length;
    if (message.role === 'assistant' && message.toolCalls) chars += JSON.stringify(message.toolCalls).length;
  }
  if (input.options?.tools) chars += JSON.stringify(input.options.tools).length;
  return Math.ceil(chars / CHARS_PER_TOKEN);
}
