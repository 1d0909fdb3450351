/**
 * Golden cases for the Responses API translation: a Codex-shaped request body → the neutral model,
 * and neutral answers → `response` objects and events, checked by replaying the events through the
 * openai SDK's own accumulator (what `responses.stream()` builds a final response with).
 */
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import { describe, expect, it } from 'vitest';
import {
  fromResponsesRequest,
  ResponsesStreamEncoder,
  toResponsesObject,
  type NeutralRequest,
  type ResponsesIdentity,
  type StreamDelta,
} from '../../../daemon/translate';
import { ErrorCode, type SwitchboardError } from '../../../shared/errors';

const SHELL = {
  type: 'object',
  properties: { command: { type: 'array', items: { type: 'string' } } },
  required: ['command'],
};

/** Codex's second request of a tool loop (store = false: the whole history every time). */
const codexTurn = {
  model: 'claude/claude-sonnet-4-6',
  instructions: 'You are Codex.',
  input: [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions>…</permissions>' }] },
    {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: 'List the files' },
        { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'low' },
      ],
    },
    {
      type: 'reasoning',
      id: 'rs_1',
      summary: [{ type: 'summary_text', text: 'Run ls.' }],
      encrypted_content: 'sb-signature:sig-1',
    },
    {
      type: 'message',
      role: 'assistant',
      id: 'msg_1',
      status: 'completed',
      content: [{ type: 'output_text', text: 'Listing.', annotations: [] }],
    },
    { type: 'function_call', id: 'fc_1', call_id: 'toolu_1', name: 'shell', arguments: '{"command":["ls"]}' },
    { type: 'function_call_output', call_id: 'toolu_1', output: 'README.md' },
  ],
  tools: [{ type: 'function', name: 'shell', description: 'Runs a command', strict: false, parameters: SHELL }],
  tool_choice: 'auto',
  parallel_tool_calls: false,
  reasoning: { effort: 'medium', summary: 'auto' },
  store: false,
  stream: true,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: 'abc',
  text: { verbosity: 'medium', format: { type: 'text' } },
};

const neutralCodexTurn: NeutralRequest = {
  model: 'claude/claude-sonnet-4-6',
  stream: true,
  messages: [
    { role: 'system', content: 'You are Codex.' },
    { role: 'system', content: [{ type: 'text', text: '<permissions>…</permissions>' }], developer: true },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'List the files' },
        { type: 'image', url: 'https://example.com/a.png', detail: 'low' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Run ls.', signature: 'sig-1' },
        { type: 'text', text: 'Listing.' },
      ],
      toolCalls: [{ id: 'toolu_1', name: 'shell', arguments: '{"command":["ls"]}' }],
    },
    { role: 'tool', toolCallId: 'toolu_1', content: 'README.md' },
  ],
  options: {
    tools: [{ name: 'shell', description: 'Runs a command', parameters: SHELL, strict: false }],
    toolChoice: 'auto',
    parallelToolCalls: false,
    reasoning: { effort: 'medium' },
  },
};

function refusal(body: unknown): SwitchboardError {
  try {
    fromResponsesRequest(body);
  } catch (error) {
    return error as SwitchboardError;
  }
  throw new Error('expected a refusal');
}

describe('Responses request → neutral', () => {
  it('reads a Codex tool-loop turn: instructions, developer text, images, signed reasoning, calls and outputs', () => {
    expect(fromResponsesRequest(codexTurn)).toEqual(neutralCodexTurn);
  });

  it('reads a plain string input and text.format json_schema', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(
      fromResponsesRequest({
        model: 'm',
        input: 'hi',
        max_output_tokens: 9,
        text: { format: { type: 'json_schema', name: 'out', schema, strict: true } },
      }),
    ).toEqual({
      model: 'm',
      stream: false,
      messages: [{ role: 'user', content: 'hi' }],
      options: { maxTokens: 9, responseFormat: { type: 'json_schema', name: 'out', schema, strict: true } },
    });
  });

  it('drops a tool_choice sent with no tools (chat completions refuse one), still checking it', () => {
    expect(fromResponsesRequest({ model: 'm', input: 'hi', tools: [], tool_choice: 'auto' }).options).toEqual({});
    expect(refusal({ model: 'm', input: 'hi', tool_choice: { type: 'file_search' } }).data.field).toBe('tool_choice');
  });

  it('keeps reasoning of another origin as unsigned text, and redacted reasoning as it came', () => {
    const neutral = fromResponsesRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'q' },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: 'a' }],
          encrypted_content: 'gAAAA-openai-blob',
        },
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'sb-redacted:opaque' },
        { role: 'assistant', content: 'ok' },
      ],
    });
    expect(neutral.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'a' },
        { type: 'redactedReasoning', data: 'opaque' },
        { type: 'text', text: 'ok' },
      ],
    });
  });

  it.each([
    [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ background: true }, 'background'],
    [{ tools: [{ type: 'custom', name: 'apply_patch' }] }, 'tools[0].type'],
    [{ input: [{ type: 'local_shell_call', call_id: 'c' }] }, 'input[0].type'],
    [{ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }, 'input[0].content[0].type'],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'f' }] }] }, 'input[0].content[0].file_id'],
    [{ text: { format: { type: 'grammar' } } }, 'text.format.type'],
    [{ reasoning: { effort: 'huge' } }, 'reasoning.effort'],
    [{ include: ['message.output_text.logprobs'] }, 'include'],
  ])('refuses %j naming %s', (extra, field) => {
    const error = refusal({ model: 'm', input: 'x', ...extra });
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });
});

const WHO: ResponsesIdentity = { id: 'resp_sbX', model: 'claude', createdAt: 1, echo: {} };

/** Replays encoded events through the openai SDK's accumulator; returns the events and the final snapshot. */
function replay(sse: string) {
  const events = sse
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      const data = JSON.parse(dataLine!.slice('data: '.length));
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
  let snapshot: ReturnType<typeof accumulateResponse> | undefined;
  let built: unknown[] = [];
  for (const e of events) {
    // The output as the item and delta events built it, before the final event hands over the whole response.
    if (e.type === 'response.completed' || e.type === 'response.incomplete') built = structuredClone(snapshot!.output);
    snapshot = accumulateResponse(e, snapshot);
  }
  return { events, snapshot: snapshot!, built };
}

describe('neutral answer → Responses events', () => {
  it('encodes reasoning, text and interleaved parallel calls so the SDK accumulates the same response as the whole encoder', () => {
    const deltas: StreamDelta[] = [
      { type: 'reasoning', reasoning: 'Think' },
      { type: 'reasoning', reasoning: 'ing.' },
      { type: 'reasoningSignature', signature: 'sig' },
      { type: 'text', text: 'Calling ' },
      { type: 'text', text: 'tools.' },
      { type: 'toolCall', toolCall: 0, id: 'call_a', name: 'weather' },
      { type: 'toolArguments', toolCall: 0, arguments: '{"city":' },
      { type: 'toolCall', toolCall: 1, id: 'call_b', name: 'time' },
      { type: 'toolArguments', toolCall: 1, arguments: '{"tz":"UTC"}' },
      { type: 'toolArguments', toolCall: 0, arguments: '"Oslo"}' },
    ];
    const encoder = new ResponsesStreamEncoder(WHO);
    const usage = { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 2 };
    const sse = encoder.start() + deltas.map((d) => encoder.delta(d)).join('') + encoder.end('tool_calls', usage);
    const { events, snapshot, built } = replay(sse);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.at(-1).type).toBe('response.completed');
    const whole = toResponsesObject(
      {
        content: [
          { type: 'reasoning', text: 'Thinking.', signature: 'sig' },
          { type: 'text', text: 'Calling tools.' },
        ],
        toolCalls: [
          { id: 'call_a', name: 'weather', arguments: '{"city":"Oslo"}' },
          { id: 'call_b', name: 'time', arguments: '{"tz":"UTC"}' },
        ],
        finishReason: 'tool_calls',
        usage,
      },
      WHO,
    );
    expect(snapshot).toEqual({ ...whole, output_text: 'Calling tools.' });
    expect(built).toEqual(whole.output);
    expect(whole.usage).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 15,
    });
  });

  it('ends an answer cut by the token limit with response.incomplete', () => {
    const encoder = new ResponsesStreamEncoder(WHO);
    const { events, snapshot } = replay(
      encoder.start() + encoder.delta({ type: 'text', text: 'a' }) + encoder.end('length', undefined),
    );
    expect(events.at(-1).type).toBe('response.incomplete');
    expect(snapshot).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output_text: 'a',
    });
  });
});
