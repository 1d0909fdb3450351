/**
 * Neutral answers → OpenAI Responses API `response` objects, for a Responses client whose answer
 * comes from a connection of another format: reasoning items, one assistant message with the text,
 * function calls, status (`incomplete` when cut by max_output_tokens or a content filter) and usage.
 * The stream encoder (responsesStreamEncoder.ts) builds the same objects piece by piece.
 */
import type { Usage } from '../../shared/protocol';
import type { NeutralAnswer } from './neutral';
import { encryptedContentOf, summaryOf } from './responsesReasoning';

/** What the answer echoes of the request and how it is named. */
export interface ResponsesIdentity {
  id: string;
  /** The model id the client asked for. */
  model: string;
  /** Unix seconds. */
  createdAt: number;
  /** The request fields a `response` object repeats (instructions, tools, tool_choice, …), as sent. */
  echo: Record<string, unknown>;
}

/** The request fields a `response` echoes, with the API's defaults for those not sent. */
export function responsesEcho(body: Record<string, unknown>): Record<string, unknown> {
  return {
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: body.reasoning ?? { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    user: body.user ?? null,
  };
}

/** Neutral usage → the Responses API's `usage`. */
export function usageToResponses(u: Usage | undefined): Record<string, unknown> {
  const input = u?.inputTokens ?? 0;
  const output = u?.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u?.cachedInputTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u?.reasoningTokens ?? 0 },
    total_tokens: input + output,
  };
}

/** `completed`, or `incomplete` with the reason, from a neutral finish reason. */
export function responseStatusOf(finishReason: string): {
  status: 'completed' | 'incomplete';
  incomplete_details: { reason: string } | null;
} {
  if (finishReason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter')
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** The `response` object around `output` (`status` in_progress while streaming). */
export function responseObject(
  who: ResponsesIdentity,
  output: unknown[],
  state: { status: string; incomplete_details?: unknown; usage?: unknown },
): Record<string, unknown> {
  return {
    id: who.id,
    object: 'response',
    created_at: who.createdAt,
    status: state.status,
    error: null,
    incomplete_details: state.incomplete_details ?? null,
    model: who.model,
    output,
    ...who.echo,
    usage: state.usage ?? null,
  };
}

/** Item ids: the response's id with a per-item suffix, unique within the daemon run. */
export function itemId(who: ResponsesIdentity, kind: 'msg' | 'rs' | 'fc', n: number): string {
  return `${kind}_${who.id.slice('resp_'.length)}_${n}`;
}

export const messageItem = (id: string, text: string, status = 'completed') => ({
  id,
  type: 'message',
  status,
  role: 'assistant',
  content: status === 'completed' ? [outputText(text)] : [],
});
export const outputText = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] });
export const functionCallItem = (
  id: string,
  call: { id: string; name: string; arguments: string },
  status = 'completed',
) => ({
  id,
  type: 'function_call',
  status,
  call_id: call.id,
  name: call.name,
  arguments: call.arguments,
});
export const reasoningItem = (id: string, summary: string | undefined, encrypted: string | undefined) => ({
  id,
  type: 'reasoning',
  summary: summary === undefined || summary === '' ? [] : [{ type: 'summary_text', text: summary }],
  ...(encrypted !== undefined && { encrypted_content: encrypted }),
});

/** A whole neutral answer as a `response`: reasoning items, the message, then function calls. */
export function toResponsesObject(answer: NeutralAnswer, who: ResponsesIdentity): Record<string, unknown> {
  const output: unknown[] = [];
  let n = 0;
  let text = '';
  for (const p of answer.content) {
    if (p.type === 'text') text += p.text;
    else output.push(reasoningItem(itemId(who, 'rs', n++), summaryOf(p), encryptedContentOf(p)));
  }
  if (text !== '' || answer.toolCalls.length === 0) output.push(messageItem(itemId(who, 'msg', n++), text));
  for (const c of answer.toolCalls) output.push(functionCallItem(itemId(who, 'fc', n++), c));
  return responseObject(who, output, {
    ...responseStatusOf(answer.finishReason),
    usage: usageToResponses(answer.usage),
  });
}
