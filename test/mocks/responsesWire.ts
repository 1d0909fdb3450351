/**
 * OpenAI's Responses API (`POST /v1/responses`) as api.openai.com answers it, for a text answer:
 * the `response` object when not streaming; when streaming, SSE frames with an `event:` line and a
 * `data:` object carrying the same `type` and a `sequence_number`:
 *
 *   response.created → response.in_progress → response.output_item.added → response.content_part.added
 *   → response.output_text.delta × chunks → response.output_text.done → response.content_part.done
 *   → response.output_item.done → response.completed (usage inside; `response.incomplete` when cut
 *   by max_output_tokens)
 *
 * There is no `[DONE]`: `response.completed` is the terminator (a `truncate` fault leaves it out).
 * A failure mid-stream is an `error` event. Errors before the stream use openaiWire's bodies.
 */
import type { ReplyPlan, StreamFrames } from './types';
import { randomHex, sseEvent } from './wireUtil';

export function newResponseId(): string {
  return `resp_${randomHex(48)}`;
}

/** Validates a body as the API does (the cases a client can get wrong); messages are OpenAI's. */
export function checkResponsesBody(body: any): { ok: true } | { ok: false; message: string; param: string | null } {
  if (body === undefined || typeof body !== 'object')
    return {
      ok: false,
      message:
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      param: null,
    };
  if (typeof body.model !== 'string' || !body.model)
    return { ok: false, message: "Missing required parameter: 'model'.", param: 'model' };
  if (body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input))
    return {
      ok: false,
      message:
        "Invalid type for 'input': expected one of a string or an array of input items, but got an object instead.",
      param: 'input',
    };
  if (body.max_output_tokens != null && (!Number.isInteger(body.max_output_tokens) || body.max_output_tokens < 16)) {
    return {
      ok: false,
      message: `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${String(body.max_output_tokens)} instead.`,
      param: 'max_output_tokens',
    };
  }
  return { ok: true };
}

function usageOf(plan: ReplyPlan) {
  return {
    input_tokens: plan.usage.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: plan.usage.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: plan.usage.input + plan.usage.output,
  };
}

/** The `response` object at a stage of its life. */
function responseObject(
  plan: ReplyPlan,
  body: any,
  status: 'in_progress' | 'completed' | 'incomplete',
  output: unknown[],
) {
  return {
    id: plan.id,
    object: 'response',
    created_at: plan.created,
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    model: plan.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1.0,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: body.top_p ?? 1.0,
    truncation: 'disabled',
    usage: status === 'in_progress' ? null : usageOf(plan),
    user: null,
    metadata: body.metadata ?? {},
  };
}

function messageItem(id: string, text: string, status: 'in_progress' | 'completed' | 'incomplete') {
  const content = status === 'in_progress' ? [] : [{ type: 'output_text', annotations: [], logprobs: [], text }];
  return { id, type: 'message', status, content, role: 'assistant' };
}

const finalStatus = (plan: ReplyPlan) => (plan.finishReason === 'length' ? 'incomplete' : 'completed');

/** The non-streaming answer. `plan.id` must come from {@link newResponseId}. */
export function responsesAnswer(plan: ReplyPlan, body: any): unknown {
  const status = finalStatus(plan);
  return responseObject(plan, body, status, [messageItem(`msg_${randomHex(48)}`, plan.chunks.join(''), status)]);
}

/** The streamed answer as SSE frames, numbered in order. */
export function responsesStream(plan: ReplyPlan, body: any): StreamFrames {
  let seq = 0;
  const frame = (type: string, fields: Record<string, unknown>) =>
    sseEvent(type, { type, sequence_number: seq++, ...fields });
  const itemId = `msg_${randomHex(48)}`;
  const text = plan.chunks.join('');
  const status = finalStatus(plan);
  const at = { item_id: itemId, output_index: 0, content_index: 0 };
  const part = { type: 'output_text', annotations: [], logprobs: [], text };

  const head = [
    frame('response.created', { response: responseObject(plan, body, 'in_progress', []) }),
    frame('response.in_progress', { response: responseObject(plan, body, 'in_progress', []) }),
    frame('response.output_item.added', { output_index: 0, item: messageItem(itemId, '', 'in_progress') }),
    frame('response.content_part.added', { ...at, part: { ...part, text: '' } }),
  ];
  const content = plan.chunks.map((delta) => frame('response.output_text.delta', { ...at, delta, logprobs: [] }));
  const tail = [
    frame('response.output_text.done', { ...at, text, logprobs: [] }),
    frame('response.content_part.done', { ...at, part }),
    frame('response.output_item.done', { output_index: 0, item: messageItem(itemId, text, status) }),
  ];
  const terminator = frame(`response.${status}`, {
    response: responseObject(plan, body, status, [messageItem(itemId, text, status)]),
  });
  return { head, content, tail, terminator };
}

/** A failure in the middle of a stream: the `error` event. */
export function responsesStreamError(status: number): string {
  const code = status === 429 ? 'rate_limit_exceeded' : 'server_error';
  const message =
    status === 429
      ? 'Rate limit reached. Please try again later.'
      : 'The server had an error while processing your request. Sorry about that!';
  return sseEvent('error', { type: 'error', code, message, param: null, sequence_number: 9999 });
}
