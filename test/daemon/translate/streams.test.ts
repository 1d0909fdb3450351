/**
 * Golden cases for answers, both directions: non-streamed bodies ⇄ neutral, and streams — wire
 * chunks/events decoded to neutral deltas, neutral deltas encoded to the other format's SSE frames,
 * read back by that format's decoder (and by the official SDK's own event order rules).
 */
import { describe, expect, it } from 'vitest';
import {
  AnswerBuilder,
  AnthropicStreamDecoder,
  AnthropicStreamEncoder,
  fromAnthropicMessage,
  fromOpenAICompletion,
  OpenAIStreamDecoder,
  OpenAIStreamEncoder,
  toAnthropicMessage,
  toOpenAICompletion,
  type NeutralAnswer,
} from '../../../daemon/translate';
import type { StreamDelta } from '../../../shared/protocol';

/** SSE frames → their parsed data (and event names). */
function frames(text: string): Array<{ event?: string; data: string }> {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((f) => {
      const event = /^event: (.*)$/m.exec(f)?.[1];
      const data = /^data: (.*)$/m.exec(f)![1]!;
      return { ...(event !== undefined && { event }), data };
    });
}

/** OpenAI chunks with two parallel calls whose arguments arrive split and interleaved. */
function parallelCallChunks(): unknown[] {
  const chunk = (delta: unknown, finish: string | null = null, usage: unknown = null) => ({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt',
    choices: [{ index: 0, delta, finish_reason: finish }],
    usage,
  });
  return [
    chunk({ role: 'assistant', content: null }),
    chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
    chunk({
      tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'time', arguments: '{"tz"' } }],
    }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: ':"CET"}' } }] }),
    chunk({}, 'tool_calls'),
    {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt',
      choices: [],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 20,
        total_tokens: 120,
        prompt_tokens_details: { cached_tokens: 64 },
        completion_tokens_details: { reasoning_tokens: 8 },
      },
    },
  ];
}

/** Anthropic events: thinking with a signature, text, then a tool call with split input. */
function thinkingToolEvents(): unknown[] {
  return [
    {
      type: 'message_start',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude',
        content: [],
        usage: { input_tokens: 10, cache_read_input_tokens: 90, cache_creation_input_tokens: 5, output_tokens: 1 },
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me ' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'check.' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'SIG==' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Checking.' } },
    { type: 'content_block_stop', index: 1 },
    {
      type: 'content_block_start',
      index: 2,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'weather', input: {} },
    },
    { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } },
    { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
    { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Oslo"}' } },
    { type: 'content_block_stop', index: 2 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 42 } },
    { type: 'message_stop' },
  ];
}

const thinkingToolDeltas: StreamDelta[] = [
  { type: 'reasoning', reasoning: 'Let me ' },
  { type: 'reasoning', reasoning: 'check.' },
  { type: 'reasoningSignature', signature: 'SIG==' },
  { type: 'text', text: 'Checking.' },
  { type: 'toolCall', toolCall: 0, id: 'toolu_1', name: 'weather' },
  { type: 'toolArguments', toolCall: 0, arguments: '{"city":' },
  { type: 'toolArguments', toolCall: 0, arguments: '"Oslo"}' },
];

function decodeOpenAI(chunks: unknown[]) {
  const d = new OpenAIStreamDecoder();
  const out: StreamDelta[] = [];
  for (const c of chunks) d.push(c, out);
  return { deltas: out, finish: d.finishReason, usage: d.usage };
}

function decodeAnthropic(events: unknown[], responseTool?: string) {
  const d = new AnthropicStreamDecoder(responseTool);
  const out: StreamDelta[] = [];
  for (const e of events) d.push(e, out);
  return { deltas: out, finish: d.finishReason, usage: d.usage, stopped: d.stopped };
}

function build(deltas: StreamDelta[]) {
  const b = new AnswerBuilder();
  for (const d of deltas) b.add(d);
  return { content: b.parts(), toolCalls: b.toolCalls };
}

describe('OpenAI stream → neutral deltas', () => {
  it('numbers parallel calls in order and keeps every argument piece with its call', () => {
    const { deltas, finish, usage } = decodeOpenAI(parallelCallChunks());
    expect(deltas).toEqual([
      { type: 'toolCall', toolCall: 0, id: 'call_a', name: 'weather' },
      { type: 'toolArguments', toolCall: 0, arguments: '{"ci' },
      { type: 'toolCall', toolCall: 1, id: 'call_b', name: 'time' },
      { type: 'toolArguments', toolCall: 1, arguments: '{"tz"' },
      { type: 'toolArguments', toolCall: 0, arguments: 'ty":"Oslo"}' },
      { type: 'toolArguments', toolCall: 1, arguments: ':"CET"}' },
    ]);
    expect(finish).toBe('tool_calls');
    expect(usage).toEqual({ inputTokens: 100, outputTokens: 20, cachedInputTokens: 64, reasoningTokens: 8 });
    expect(build(deltas).toolCalls).toEqual([
      { id: 'call_a', name: 'weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_b', name: 'time', arguments: '{"tz":"CET"}' },
    ]);
  });

  it('reads reasoning_content / reasoning and thinking_blocks signatures', () => {
    const c = (delta: unknown) => ({ choices: [{ index: 0, delta, finish_reason: null }] });
    const { deltas } = decodeOpenAI([
      c({ reasoning_content: 'a' }),
      c({ reasoning: 'b' }),
      c({ thinking_blocks: [{ type: 'thinking', thinking: 'ab', signature: 'S' }] }),
      c({ content: 'x' }),
    ]);
    expect(deltas).toEqual([
      { type: 'reasoning', reasoning: 'a' },
      { type: 'reasoning', reasoning: 'b' },
      { type: 'reasoningSignature', signature: 'S' },
      { type: 'text', text: 'x' },
    ]);
  });
});

describe('Anthropic stream → neutral deltas', () => {
  it('decodes thinking with its signature, text and a tool call, with cache usage', () => {
    const { deltas, finish, usage, stopped } = decodeAnthropic(thinkingToolEvents());
    expect(deltas).toEqual(thinkingToolDeltas);
    expect(finish).toBe('tool_calls');
    expect(stopped).toBe(true);
    expect(usage).toEqual({ inputTokens: 105, outputTokens: 42, cachedInputTokens: 90, cacheCreationInputTokens: 5 });
    expect(build(deltas)).toEqual({
      content: [
        { type: 'reasoning', text: 'Let me check.', signature: 'SIG==' },
        { type: 'text', text: 'Checking.' },
      ],
      toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Oslo"}' }],
    });
  });

  it('turns the forced response tool back into answer text with finish stop', () => {
    const events = [
      { type: 'message_start', message: { usage: { input_tokens: 3, output_tokens: 1 } } },
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 't', name: 'answer', input: {} },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"ok":' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: 'true}' } },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 5 } },
      { type: 'message_stop' },
    ];
    const { deltas, finish } = decodeAnthropic(events, 'answer');
    expect(deltas).toEqual([
      { type: 'text', text: '{"ok":' },
      { type: 'text', text: 'true}' },
    ]);
    expect(finish).toBe('stop');
  });
});

describe('neutral deltas → Anthropic SSE', () => {
  it('encodes interleaved parallel calls as whole blocks in order, with tool_use stop and usage', () => {
    const { deltas, finish, usage } = decodeOpenAI(parallelCallChunks());
    const enc = new AnthropicStreamEncoder({ id: 'msg_x', model: 'gpt' });
    let sse = enc.start();
    for (const d of deltas) sse += enc.delta(d);
    sse += enc.end(finish!, usage);
    const events = frames(sse).map((f) => ({ event: f.event, ...JSON.parse(f.data) }));
    expect(events.map((e) => `${e.type}${e.index !== undefined ? `#${e.index}` : ''}`)).toEqual([
      'message_start',
      'content_block_start#0',
      'content_block_delta#0',
      'content_block_delta#0',
      'content_block_stop#0',
      'content_block_start#1',
      'content_block_delta#1',
      'content_block_delta#1',
      'content_block_stop#1',
      'message_delta',
      'message_stop',
    ]);
    for (const e of events) expect(e.event).toBe(e.type);
    // Read back as an Anthropic client would.
    const back = decodeAnthropic(events);
    expect(build(back.deltas).toolCalls).toEqual([
      { id: 'call_a', name: 'weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_b', name: 'time', arguments: '{"tz":"CET"}' },
    ]);
    expect(events.at(-2)).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { input_tokens: 36, cache_read_input_tokens: 64, output_tokens: 20 },
    });
  });

  it('round-trips Anthropic thinking, signature, text and tool input through the neutral model', () => {
    const { deltas, finish, usage } = decodeAnthropic(thinkingToolEvents());
    const enc = new AnthropicStreamEncoder({ id: 'msg_1', model: 'claude' });
    let sse = enc.start(usage);
    for (const d of deltas) sse += enc.delta(d);
    sse += enc.end(finish, usage);
    const events = frames(sse).map((f) => JSON.parse(f.data));
    const again = decodeAnthropic(events);
    expect(again.deltas).toEqual(thinkingToolDeltas);
    expect(again.finish).toBe('tool_calls');
    expect(again.usage).toEqual(usage);
    expect(events[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    });
  });

  it('ends with stop_sequence when the answer stopped on one', () => {
    const enc = new AnthropicStreamEncoder({ id: 'm', model: 'x' });
    const tail = frames(enc.start() + enc.delta({ type: 'text', text: 'hi' }) + enc.end('stop', undefined, 'END')).map(
      (f) => JSON.parse(f.data),
    );
    expect(tail.at(-2).delta).toEqual({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });
});

describe('neutral deltas → OpenAI SSE', () => {
  it('encodes thinking, its signature (thinking_blocks), text and tool calls that an OpenAI decoder reads back', () => {
    const { deltas, usage } = decodeAnthropic(thinkingToolEvents());
    const enc = new OpenAIStreamEncoder({ id: 'chatcmpl-1', model: 'claude', created: 5 });
    let sse = enc.start();
    for (const d of deltas) sse += enc.delta(d);
    sse += enc.end('tool_calls', usage, true);
    const list = frames(sse);
    expect(list.at(-1)!.data).toBe('[DONE]');
    const chunks = list.slice(0, -1).map((f) => JSON.parse(f.data));
    for (const c of chunks)
      expect(c).toMatchObject({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 5, model: 'claude' });
    const sig = chunks.find((c) => c.choices[0]?.delta?.thinking_blocks);
    expect(sig.choices[0].delta.thinking_blocks).toEqual([
      { type: 'thinking', thinking: 'Let me check.', signature: 'SIG==' },
    ]);
    const back = decodeOpenAI(chunks);
    expect(back.deltas).toEqual(thinkingToolDeltas);
    expect(back.finish).toBe('tool_calls');
    expect(back.usage).toEqual({ inputTokens: 105, outputTokens: 42, cachedInputTokens: 90 });
  });

  it('sends the usage chunk only when the client asked for it', () => {
    const enc = new OpenAIStreamEncoder({ id: 'i', model: 'm', created: 1 });
    expect(
      frames(enc.end('stop', { inputTokens: 1, outputTokens: 2 }, false))
        .map((f) => f.data)
        .at(-1),
    ).toBe('[DONE]');
    expect(frames(enc.end('stop', { inputTokens: 1, outputTokens: 2 }, false))).toHaveLength(2);
    expect(frames(enc.end('stop', { inputTokens: 1, outputTokens: 2 }, true))).toHaveLength(3);
  });
});

describe('non-streamed answers', () => {
  const answer: NeutralAnswer = {
    content: [
      { type: 'reasoning', text: 'think', signature: 'S' },
      { type: 'redactedReasoning', data: 'R' },
      { type: 'text', text: 'Here.' },
    ],
    toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }],
    finishReason: 'tool_calls',
    usage: { inputTokens: 50, outputTokens: 9, cachedInputTokens: 40, reasoningTokens: 3 },
  };

  it('neutral → OpenAI chat.completion → neutral', () => {
    const json = toOpenAICompletion(answer, { id: 'chatcmpl-1', model: 'm', created: 1 });
    expect((json.choices as Array<{ message: unknown }>)[0]!.message).toEqual({
      role: 'assistant',
      content: 'Here.',
      refusal: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
      reasoning_content: 'think',
      thinking_blocks: [
        { type: 'thinking', thinking: 'think', signature: 'S' },
        { type: 'redacted_thinking', data: 'R' },
      ],
    });
    expect(json.usage).toEqual({
      prompt_tokens: 50,
      completion_tokens: 9,
      total_tokens: 59,
      prompt_tokens_details: { cached_tokens: 40 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
    expect(fromOpenAICompletion(json)).toEqual(answer);
  });

  it('neutral → Anthropic message → neutral (reasoning tokens have no Anthropic field)', () => {
    const json = toAnthropicMessage(answer, { id: 'msg_1', model: 'm' });
    expect(json).toMatchObject({
      content: [
        { type: 'thinking', thinking: 'think', signature: 'S' },
        { type: 'redacted_thinking', data: 'R' },
        { type: 'text', text: 'Here.' },
        { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Oslo' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 10, cache_read_input_tokens: 40, cache_creation_input_tokens: 0, output_tokens: 9 },
    });
    const { reasoningTokens: _r, ...usage } = answer.usage!;
    expect(fromAnthropicMessage(json)).toEqual({ ...answer, usage });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'refusal'],
  ])('maps finish reason %s ⇄ stop reason %s', (finish, stop) => {
    const json = toAnthropicMessage(
      { content: [{ type: 'text', text: 'x' }], toolCalls: [], finishReason: finish },
      { id: 'm', model: 'x' },
    );
    expect(json.stop_reason).toBe(stop);
    expect(fromAnthropicMessage(json).finishReason).toBe(finish);
  });

  it('reads a structured answer (forced response tool) as JSON text', () => {
    const json = {
      content: [{ type: 'tool_use', id: 't', name: 'answer', input: { ok: true } }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 1, output_tokens: 1 },
    };
    expect(fromAnthropicMessage(json, 'answer')).toMatchObject({
      content: [{ type: 'text', text: '{"ok":true}' }],
      toolCalls: [],
      finishReason: 'stop',
    });
  });
});
