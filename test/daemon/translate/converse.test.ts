/**
 * Golden cases for the Bedrock Converse translation: a neutral tool turn (system, images, tool
 * calls and results, reasoning with its signature) → Converse input; Converse answers and stream
 * events → the neutral answer and deltas; and the refusals that name their field.
 */
import { describe, expect, it } from 'vitest';
import {
  AnswerBuilder,
  ConverseStreamDecoder,
  fromConverseResponse,
  toConverseRequest,
} from '../../../daemon/translate';
import { ErrorCode, SwitchboardError } from '../../../shared/errors';
import type { ChatMessage, ChatOptions, StreamDelta } from '../../../shared/protocol';

const WEATHER = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const PNG = 'iVBORw0KGgo=';
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

const toolTurn: ChatMessage[] = [
  { role: 'system', content: 'Be brief.', developer: true },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Weather here and there?' },
      { type: 'image', url: `data:image/png;base64,${PNG}` },
    ],
  },
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'Two cities.', signature: 'sig-1' },
      { type: 'reasoning', text: 'unsigned, from elsewhere' },
      { type: 'text', text: 'Checking.' },
    ],
    toolCalls: [
      { id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_2', name: 'weather', arguments: '{"city":"Rome"}' },
    ],
  },
  { role: 'tool', toolCallId: 'call_1', content: 'Snow, -3 C' },
  { role: 'tool', toolCallId: 'call_2', content: 'No such city', isError: true },
  { role: 'user', content: 'And tomorrow?' },
];
const toolOptions: ChatOptions = {
  system: 'You are a weather bot.',
  maxTokens: 500,
  temperature: 0.2,
  topP: 0.9,
  topK: 40,
  stop: ['END'],
  tools: [{ name: 'weather', description: 'Weather in a city', parameters: WEATHER }],
  toolChoice: 'required',
};

describe('neutral → Converse', () => {
  it('maps system, images as bytes, signed reasoning, tool uses and merged tool results, options', () => {
    const input = toConverseRequest({ model: 'm', messages: toolTurn, options: toolOptions });
    expect(input).toEqual({
      system: [{ text: 'You are a weather bot.' }, { text: 'Be brief.' }],
      messages: [
        {
          role: 'user',
          content: [{ text: 'Weather here and there?' }, { image: { format: 'png', source: { bytes: bytes(PNG) } } }],
        },
        {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'Two cities.', signature: 'sig-1' } } },
            { text: 'Checking.' },
            { toolUse: { toolUseId: 'call_1', name: 'weather', input: { city: 'Oslo' } } },
            { toolUse: { toolUseId: 'call_2', name: 'weather', input: { city: 'Rome' } } },
          ],
        },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 'call_1', content: [{ text: 'Snow, -3 C' }] } },
            { toolResult: { toolUseId: 'call_2', content: [{ text: 'No such city' }], status: 'error' } },
            { text: 'And tomorrow?' },
          ],
        },
      ],
      inferenceConfig: { maxTokens: 500, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
      additionalModelRequestFields: { top_k: 40 },
      toolConfig: {
        tools: [{ toolSpec: { name: 'weather', description: 'Weather in a city', inputSchema: { json: WEATHER } } }],
        toolChoice: { any: {} },
      },
    });
  });

  it('maps tool choices and reasoning (thinking budget, max tokens above it)', () => {
    const one = (toolChoice: ChatOptions['toolChoice']) =>
      toConverseRequest({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        options: { tools: [{ name: 'weather' }], toolChoice },
      }).toolConfig;
    expect(one('auto')?.toolChoice).toEqual({ auto: {} });
    expect(one({ name: 'weather' })?.toolChoice).toEqual({ tool: { name: 'weather' } });
    expect(one('none')).toBeUndefined();
    const thinking = toConverseRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      options: { reasoning: { effort: 'medium' } },
    });
    expect(thinking.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 8192 } });
    expect(thinking.inferenceConfig).toEqual({ maxTokens: 8192 + 4096 });
  });

  it('sends structured output as a forced tool', () => {
    const input = toConverseRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      options: { responseFormat: { type: 'json_schema', name: 'answer', schema: WEATHER } },
    });
    expect(input.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'answer', description: expect.any(String), inputSchema: { json: WEATHER } } }],
      toolChoice: { tool: { name: 'answer' } },
    });
  });

  it('refuses what Converse cannot carry, naming the field', () => {
    const refused = (options: ChatOptions, messages: ChatMessage[] = [{ role: 'user', content: 'hi' }]) => {
      try {
        toConverseRequest({ model: 'm', messages, options });
      } catch (e) {
        expect(e).toBeInstanceOf(SwitchboardError);
        expect((e as SwitchboardError).code).toBe(ErrorCode.VALIDATION);
        return (e as SwitchboardError).data?.field;
      }
      throw new Error('not refused');
    };
    expect(refused({ seed: 1 })).toBe('seed');
    expect(refused({ presencePenalty: 0.5 })).toBe('presence_penalty');
    expect(refused({ parallelToolCalls: false })).toBe('parallel_tool_calls');
    expect(refused({}, [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/cat.png' }] }])).toBe(
      'messages[0].content[0].url',
    );
    expect(refused({}, [{ role: 'user', content: [{ type: 'image', data: PNG, mediaType: 'image/bmp' }] }])).toBe(
      'messages[0].content[0].mediaType',
    );
    expect(refused({ reasoning: { budgetTokens: 2000 }, maxTokens: 1000 })).toBe('options.maxTokens');
    expect(refused({ tools: [{ name: 'weather' }], toolChoice: 'none' }, toolTurn.slice(1, 4))).toBe('tool_choice');
  });
});

describe('Converse → neutral', () => {
  it('reads a whole answer: reasoning with signature, redacted reasoning, text, tool use, stop and cache usage', () => {
    const answer = fromConverseResponse({
      output: {
        message: {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'Hmm.', signature: 'sig-9' } } },
            { reasoningContent: { redactedContent: bytes('c2VjcmV0') } },
            { text: 'Calling.' },
            { toolUse: { toolUseId: 'tu_1', name: 'weather', input: { city: 'Oslo' } } },
          ],
        },
      },
      stopReason: 'tool_use',
      usage: { inputTokens: 10, outputTokens: 7, totalTokens: 22, cacheReadInputTokens: 3, cacheWriteInputTokens: 2 },
    });
    expect(answer).toEqual({
      content: [
        { type: 'reasoning', text: 'Hmm.', signature: 'sig-9' },
        { type: 'redactedReasoning', data: 'c2VjcmV0' },
        { type: 'text', text: 'Calling.' },
      ],
      toolCalls: [{ id: 'tu_1', name: 'weather', arguments: '{"city":"Oslo"}' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 15, outputTokens: 7, cachedInputTokens: 3, cacheCreationInputTokens: 2 },
    });
  });

  it('maps every stop reason', () => {
    const finish = (stopReason: string) =>
      fromConverseResponse({ output: { message: { content: [] } }, stopReason }).finishReason;
    expect(
      [
        'end_turn',
        'stop_sequence',
        'max_tokens',
        'model_context_window_exceeded',
        'tool_use',
        'guardrail_intervened',
        'content_filtered',
      ].map(finish),
    ).toEqual(['stop', 'stop', 'length', 'length', 'tool_calls', 'content_filter', 'content_filter']);
  });

  it('decodes a stream: reasoning ended by its signature, text, a tool use in pieces, stop and usage', () => {
    const events = [
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Let me ' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'think.' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig-2' } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { text: 'Sure' } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
      { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tu_1', name: 'weather' } } } },
      { contentBlockDelta: { contentBlockIndex: 2, delta: { toolUse: { input: '{"city":' } } } },
      { contentBlockDelta: { contentBlockIndex: 2, delta: { toolUse: { input: '"Oslo"}' } } } },
      { contentBlockStop: { contentBlockIndex: 2 } },
      { messageStop: { stopReason: 'tool_use' } },
      { metadata: { usage: { inputTokens: 5, outputTokens: 9, cacheReadInputTokens: 4 }, metrics: { latencyMs: 1 } } },
    ];
    const decoder = new ConverseStreamDecoder();
    const deltas: StreamDelta[] = [];
    for (const e of events) decoder.push(e, deltas);
    expect(decoder.stopped).toBe(true);
    expect(decoder.finishReason).toBe('tool_calls');
    expect(decoder.usage).toEqual({ inputTokens: 9, outputTokens: 9, cachedInputTokens: 4 });
    const answer = new AnswerBuilder();
    for (const d of deltas) answer.add(d);
    expect(answer.message()).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Let me think.', signature: 'sig-2' },
        { type: 'text', text: 'Sure' },
      ],
      toolCalls: [{ id: 'tu_1', name: 'weather', arguments: '{"city":"Oslo"}' }],
    });
    // The assistant turn goes back to Converse with its signature and its tool input as an object.
    const next = toConverseRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }, answer.message()] });
    expect(next.messages[1]!.content).toEqual([
      { reasoningContent: { reasoningText: { text: 'Let me think.', signature: 'sig-2' } } },
      { text: 'Sure' },
      { toolUse: { toolUseId: 'tu_1', name: 'weather', input: { city: 'Oslo' } } },
    ]);
  });

  it('turns the forced response tool back into answer text with finish stop', () => {
    const decoder = new ConverseStreamDecoder('answer');
    const deltas: StreamDelta[] = [];
    decoder.push(
      { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tu', name: 'answer' } } } },
      deltas,
    );
    decoder.push(
      { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"city":"Oslo"}' } } } },
      deltas,
    );
    decoder.push({ messageStop: { stopReason: 'tool_use' } }, deltas);
    expect(deltas).toEqual([{ type: 'text', text: '{"city":"Oslo"}' }]);
    expect(decoder.finishReason).toBe('stop');
  });
});
