/**
 * Golden cases for request translation, both directions: OpenAI chat completions and Anthropic
 * Messages bodies ⇄ the neutral model, plus round trips and the refusals that name their field.
 */
import { describe, expect, it } from 'vitest';
import {
  fromAnthropicRequest,
  fromOpenAIRequest,
  toAnthropicRequest,
  toOpenAIRequest,
  type NeutralRequest,
} from '../../../daemon/translate';
import { forcedResponseTool } from '../../../daemon/translate/anthropicBody';
import { ErrorCode, SwitchboardError } from '../../../shared/errors';

const WEATHER = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const PNG = 'iVBORw0KGgo=';

/** An OpenAI agent's second turn: tools, a parallel call answered (one result an error), an image. */
const openaiToolTurn = {
  model: 'claude-sonnet-4-6',
  messages: [
    { role: 'developer', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather here and there?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'low' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
        { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'Snow, -3 C' },
    { role: 'tool', tool_call_id: 'call_2', content: 'Sun, 18 C' },
  ],
  tools: [{ type: 'function', function: { name: 'weather', description: 'Weather in a city', parameters: WEATHER } }],
  tool_choice: 'required',
  parallel_tool_calls: false,
  max_completion_tokens: 500,
  stop: 'END',
  temperature: 0.2,
  user: 'u-42',
  stream: true,
  stream_options: { include_usage: true },
};

const neutralToolTurn: NeutralRequest = {
  model: 'claude-sonnet-4-6',
  messages: [
    { role: 'system', content: 'Be brief.', developer: true },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather here and there?' },
        { type: 'image', url: `data:image/png;base64,${PNG}`, detail: 'low' },
      ],
    },
    {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
        { id: 'call_2', name: 'weather', arguments: '{"city":"Rome"}' },
      ],
    },
    { role: 'tool', toolCallId: 'call_1', content: 'Snow, -3 C' },
    { role: 'tool', toolCallId: 'call_2', content: 'Sun, 18 C' },
  ],
  options: {
    temperature: 0.2,
    maxTokens: 500,
    stop: ['END'],
    user: 'u-42',
    tools: [{ name: 'weather', description: 'Weather in a city', parameters: WEATHER }],
    toolChoice: 'required',
    parallelToolCalls: false,
  },
  stream: true,
  includeUsage: true,
};

const anthropicToolTurn = {
  model: 'claude-sonnet-4-6',
  max_tokens: 500,
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather here and there?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Oslo' } },
        { type: 'tool_use', id: 'call_2', name: 'weather', input: { city: 'Rome' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_1', content: 'Snow, -3 C' },
        { type: 'tool_result', tool_use_id: 'call_2', content: 'Sun, 18 C' },
      ],
    },
  ],
  stream: true,
  system: 'Be brief.',
  temperature: 0.2,
  stop_sequences: ['END'],
  metadata: { user_id: 'u-42' },
  tools: [{ type: 'custom', name: 'weather', description: 'Weather in a city', input_schema: WEATHER }],
  tool_choice: { type: 'any', disable_parallel_tool_use: true },
};

/** A Claude Code style turn: thinking with its signature replayed, a failed tool, a budget. */
const anthropicThinkingTurn = {
  model: 'claude-sonnet-4-6',
  max_tokens: 20000,
  system: [{ type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral' } }],
  thinking: { type: 'enabled', budget_tokens: 10000 },
  messages: [
    { role: 'user', content: 'List the files.' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should run ls.', signature: 'sig-abc' },
        { type: 'redacted_thinking', data: 'ENCRYPTED' },
        { type: 'text', text: 'Running ls.' },
        { type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'ls' } },
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_1',
          content: [{ type: 'text', text: 'permission denied' }],
          is_error: true,
        },
        { type: 'text', text: 'Try again.' },
      ],
    },
  ],
  tools: [
    {
      name: 'bash',
      description: 'Run a command',
      input_schema: { type: 'object', properties: { command: { type: 'string' } } },
    },
  ],
  stream: true,
};

const neutralThinkingTurn: NeutralRequest = {
  model: 'claude-sonnet-4-6',
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'You are a coding agent.' }] },
    { role: 'user', content: 'List the files.' },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'I should run ls.', signature: 'sig-abc' },
        { type: 'redactedReasoning', data: 'ENCRYPTED' },
        { type: 'text', text: 'Running ls.' },
      ],
      toolCalls: [{ id: 'toolu_1', name: 'bash', arguments: '{"command":"ls"}' }],
    },
    { role: 'tool', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'permission denied' }], isError: true },
    { role: 'user', content: 'Try again.' },
  ],
  options: {
    maxTokens: 20000,
    reasoning: { budgetTokens: 10000 },
    tools: [
      {
        name: 'bash',
        description: 'Run a command',
        parameters: { type: 'object', properties: { command: { type: 'string' } } },
      },
    ],
  },
  stream: true,
};

function failure(run: () => unknown): SwitchboardError {
  try {
    run();
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error('expected a SwitchboardError');
}

describe('OpenAI chat completions request → neutral', () => {
  it('maps developer/system, text and image parts, tool calls and results, tools and options', () => {
    expect(fromOpenAIRequest(openaiToolTurn)).toEqual(neutralToolTurn);
  });

  it('reads reasoning sent back as thinking_blocks (signatures kept), reasoning_effort and json_schema', () => {
    const n = fromOpenAIRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: 'a',
          reasoning_content: 'ignored when blocks are given',
          thinking_blocks: [
            { type: 'thinking', thinking: 'hmm', signature: 's1' },
            { type: 'redacted_thinking', data: 'R' },
          ],
        },
        { role: 'user', content: 'next' },
      ],
      reasoning_effort: 'high',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: WEATHER, strict: true } },
      seed: 7,
      frequency_penalty: 0,
    });
    expect(n.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'hmm', signature: 's1' },
        { type: 'redactedReasoning', data: 'R' },
        { type: 'text', text: 'a' },
      ],
    });
    expect(n.options).toEqual({
      seed: 7,
      reasoning: { effort: 'high' },
      responseFormat: { type: 'json_schema', name: 'answer', schema: WEATHER, strict: true },
    });
  });

  it.each([
    [{ n: 2 }, 'n'],
    [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 2 }, 'top_logprobs'],
    [{ audio: { voice: 'alloy', format: 'mp3' } }, 'audio'],
    [{ modalities: ['text', 'audio'] }, 'modalities'],
    [{ functions: [{ name: 'f' }] }, 'functions'],
    [{ prediction: { type: 'content', content: 'x' } }, 'prediction'],
    [{ frobnicate: true }, 'frobnicate'],
    [{ tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type'],
    [
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] },
      'messages[0].content[0].type',
    ],
  ])('refuses %j with VALIDATION naming %s', (extra, field) => {
    const error = failure(() =>
      fromOpenAIRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra }),
    );
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('accepts the fields that do not change the answer (store, metadata, service_tier) and n = 1', () => {
    const n = fromOpenAIRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      store: false,
      metadata: { a: 'b' },
      service_tier: 'auto',
      n: 1,
      logprobs: false,
    });
    expect(n.options).toEqual({});
  });
});

describe('neutral → Anthropic Messages body', () => {
  it('lifts the system prompt, merges tool results into one user turn, maps images, tools and choice', () => {
    const body = toAnthropicRequest(neutralToolTurn, true);
    expect(body).toEqual({
      ...anthropicToolTurn,
      // A base64 data URL is taken apart into Anthropic's base64 source; detail has no counterpart.
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here and there?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          ],
        },
        anthropicToolTurn.messages[1],
        anthropicToolTurn.messages[2],
      ],
    });
  });

  it('replays thinking with its signature, marks failed tools, and sets the thinking budget', () => {
    const body = toAnthropicRequest(neutralThinkingTurn, true);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 10000 });
    expect(body.max_tokens).toBe(20000);
    expect(body.system).toBe('You are a coding agent.');
    expect(body.messages[1]).toEqual(anthropicThinkingTurn.messages[1]);
    expect(body.messages[2]).toEqual({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_1',
          content: [{ type: 'text', text: 'permission denied' }],
          is_error: true,
        },
        { type: 'text', text: 'Try again.' },
      ],
    });
  });

  it('maps reasoning effort to a budget, keeping max_tokens above it', () => {
    const body = toAnthropicRequest(
      { model: 'm', messages: [{ role: 'user', content: 'q' }], options: { reasoning: { effort: 'medium' } } },
      false,
    );
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    expect(body.max_tokens).toBe(8192 + 4096);
    expect(body.stream).toBeUndefined();
  });

  it('sends json_schema output as a forced tool with the schema as its input schema', () => {
    const body = toAnthropicRequest(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'q' }],
        options: { responseFormat: { type: 'json_schema', name: 'weather', schema: WEATHER } },
      },
      true,
    );
    expect(body.tools).toEqual([
      { type: 'custom', name: 'weather', description: expect.any(String), input_schema: WEATHER },
    ]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'weather' });
  });

  it('beside tools or thinking, sends a json_schema as native output_config.format; the answer is text, tools stay tools', () => {
    const q = [{ role: 'user' as const, content: 'q' }];
    const withTools = {
      responseFormat: { type: 'json_schema' as const, name: 'weather', schema: WEATHER },
      tools: [{ name: 'weather', parameters: WEATHER }],
    };
    const body = toAnthropicRequest({ model: 'm', messages: q, options: withTools }, true);
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema: WEATHER } });
    expect(body.tools).toEqual([{ type: 'custom', name: 'weather', input_schema: WEATHER }]);
    expect(body.tool_choice).toBeUndefined();
    // The user's own "weather" tool shares the schema's name: its calls must stay tool calls.
    expect(forcedResponseTool(withTools)).toBeUndefined();
    const thinking = { responseFormat: withTools.responseFormat, reasoning: { budgetTokens: 2000 } };
    expect(toAnthropicRequest({ model: 'm', messages: q, options: thinking }, true)).toMatchObject({
      thinking: { type: 'enabled' },
      output_config: { format: { type: 'json_schema', schema: WEATHER } },
    });
    expect(forcedResponseTool(thinking)).toBeUndefined();
    expect(forcedResponseTool({ responseFormat: withTools.responseFormat })).toBe('weather');
    expect(forcedResponseTool({ responseFormat: withTools.responseFormat, reasoning: { effort: 'none' } })).toBe(
      'weather',
    );
  });

  it('drops reasoning without a signature (Anthropic cannot verify it) and image URLs go as url sources', () => {
    const body = toAnthropicRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: [{ type: 'image', url: 'https://example.com/cat.png' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'from elsewhere' },
              { type: 'text', text: 'A cat.' },
            ],
          },
        ],
      },
      true,
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }] },
      { role: 'assistant', content: [{ type: 'text', text: 'A cat.' }] },
    ]);
  });

  it.each([
    [{ seed: 1 }, 'seed'],
    [{ frequencyPenalty: 0.5 }, 'frequency_penalty'],
    [{ presencePenalty: 0.5 }, 'presence_penalty'],
    [{ reasoning: { budgetTokens: 5000 }, maxTokens: 4000 }, 'options.maxTokens'],
    [{ responseFormat: { type: 'json_object' as const }, tools: [{ name: 't' }] }, 'response_format'],
    [{ responseFormat: { type: 'json_object' as const }, reasoning: { budgetTokens: 2000 } }, 'response_format'],
  ])('refuses %j naming %s', (options, field) => {
    const error = failure(() =>
      toAnthropicRequest({ model: 'm', messages: [{ role: 'user', content: 'q' }], options }, true),
    );
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe(field);
  });

  it('refuses tool arguments that are not a JSON object, naming the call', () => {
    const error = failure(() =>
      toAnthropicRequest(
        {
          model: 'm',
          messages: [{ role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 't', arguments: '[1' }] }],
        },
        true,
      ),
    );
    expect(error.data.field).toBe('messages[0].toolCalls[0].arguments');
  });
});

describe('Anthropic Messages body → neutral', () => {
  it('maps tool_use, tool_result, images, tools, tool_choice and metadata', () => {
    const n = fromAnthropicRequest(anthropicToolTurn);
    expect(n.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather here and there?' },
          { type: 'image', data: PNG, mediaType: 'image/png' },
        ],
      },
      {
        role: 'assistant',
        content: [],
        toolCalls: neutralToolTurn.messages[2]!.role === 'assistant' ? neutralToolTurn.messages[2]!.toolCalls : [],
      },
      { role: 'tool', toolCallId: 'call_1', content: 'Snow, -3 C' },
      { role: 'tool', toolCallId: 'call_2', content: 'Sun, 18 C' },
    ]);
    expect(n.options).toEqual({ ...neutralToolTurn.options });
    expect(n.stream).toBe(true);
  });

  it('carries output_config: the effort as reasoning effort, the format as a strict json_schema', () => {
    const n = fromAnthropicRequest({
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
      output_config: { effort: 'low', format: { type: 'json_schema', schema: WEATHER } },
    });
    expect(n.options).toEqual({
      maxTokens: 10,
      reasoning: { effort: 'low' },
      responseFormat: { type: 'json_schema', name: 'output', schema: WEATHER, strict: true },
    });
    const beta = fromAnthropicRequest({
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
      output_format: { type: 'json_schema', schema: WEATHER },
    });
    expect(beta.options.responseFormat).toEqual({ type: 'json_schema', name: 'output', schema: WEATHER, strict: true });
  });

  it('reads adaptive thinking as reasoning at the requested effort, high by default as on Anthropic', () => {
    const base = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    expect(
      fromAnthropicRequest({ ...base, thinking: { type: 'adaptive', display: 'omitted' } }).options.reasoning,
    ).toEqual({ effort: 'high' });
    expect(
      fromAnthropicRequest({ ...base, thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } }).options
        .reasoning,
    ).toEqual({ effort: 'medium' });
    expect(
      failure(() => fromAnthropicRequest({ ...base, thinking: { type: 'adaptive', budget_tokens: 5 } })).data.field,
    ).toBe('thinking.budget_tokens');
  });

  it('keeps thinking blocks with signatures, redacted thinking, tool errors and the budget', () => {
    expect(fromAnthropicRequest(anthropicThinkingTurn)).toEqual(neutralThinkingTurn);
  });

  it.each([
    [{ tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0].type'],
    [
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'document', source: { type: 'text', data: 'x', media_type: 'text/plain' } }],
          },
        ],
      },
      'messages[0].content[0].type',
    ],
    [{ mcp_servers: [{ type: 'url', url: 'https://x' }] }, 'mcp_servers'],
    [{ frobnicate: 1 }, 'frobnicate'],
    [{ thinking: { type: 'between_tools' } }, 'thinking.type'],
    [{ output_config: { effort: 'max' } }, 'output_config.effort'],
    [{ output_config: { effort: 'lots' } }, 'output_config.effort'],
    [{ output_config: { verbosity: 'low' } }, 'output_config.verbosity'],
    [{ thinking: { type: 'disabled' }, output_config: { effort: 'high' } }, 'output_config.effort'],
    [{ output_config: { format: { type: 'json_object' } } }, 'output_config.format.type'],
    [
      {
        output_config: { format: { type: 'json_schema', schema: WEATHER } },
        output_format: { type: 'json_schema', schema: WEATHER },
      },
      'output_format',
    ],
  ])('refuses %j naming %s', (extra, field) => {
    const error = failure(() =>
      fromAnthropicRequest({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], ...extra }),
    );
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe(field);
  });
});

describe('neutral → OpenAI chat completions body', () => {
  it('maps thinking turns: reasoning is not sent back, a failed tool result says so in its text', () => {
    const body = toOpenAIRequest(neutralThinkingTurn, { maxTokensField: 'max_completion_tokens', stream: true });
    expect(body).toEqual({
      model: 'claude-sonnet-4-6',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are a coding agent.' }] },
        { role: 'user', content: 'List the files.' },
        {
          role: 'assistant',
          content: 'Running ls.',
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } }],
        },
        {
          role: 'tool',
          tool_call_id: 'toolu_1',
          content: [
            { type: 'text', text: 'Error:' },
            { type: 'text', text: 'permission denied' },
          ],
        },
        { role: 'user', content: 'Try again.' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 20000,
      tools: [
        {
          type: 'function',
          function: {
            name: 'bash',
            description: 'Run a command',
            parameters: { type: 'object', properties: { command: { type: 'string' } } },
          },
        },
      ],
      reasoning_effort: 'high',
    });
  });

  it('sends base64 images as data URLs and Anthropic-only top_k is refused', () => {
    const body = toOpenAIRequest(
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'image', data: PNG, mediaType: 'image/png' }] }] },
      { maxTokensField: 'max_tokens', stream: false },
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] },
    ]);
    expect(
      failure(() =>
        toOpenAIRequest(
          { model: 'm', messages: [{ role: 'user', content: 'q' }], options: { topK: 5 } },
          { maxTokensField: 'max_tokens', stream: true },
        ),
      ).data.field,
    ).toBe('options.topK');
  });

  it('refuses an image inside a tool result (OpenAI tool messages are text only)', () => {
    const error = failure(() =>
      toOpenAIRequest(
        {
          model: 'm',
          messages: [
            { role: 'tool', toolCallId: 'c', content: [{ type: 'image', data: PNG, mediaType: 'image/png' }] },
          ],
        },
        { maxTokensField: 'max_tokens', stream: true },
      ),
    );
    expect(error.data.field).toBe('messages[0].content[0]');
  });
});

describe('round trips keep the meaning', () => {
  it('OpenAI → neutral → OpenAI', () => {
    const body = toOpenAIRequest(fromOpenAIRequest(openaiToolTurn), {
      maxTokensField: 'max_completion_tokens',
      stream: true,
    });
    const { stop, ...rest } = body;
    expect(rest).toEqual({
      ...openaiToolTurn,
      stop: undefined,
      messages: openaiToolTurn.messages,
    } as unknown as typeof rest);
    expect(stop).toEqual(['END']);
  });

  it('Anthropic → neutral → Anthropic', () => {
    expect(toAnthropicRequest(fromAnthropicRequest(anthropicToolTurn), true)).toEqual(anthropicToolTurn);
    const thinking = toAnthropicRequest(fromAnthropicRequest(anthropicThinkingTurn), true);
    expect(thinking.messages).toEqual(anthropicThinkingTurn.messages);
    expect(thinking.thinking).toEqual(anthropicThinkingTurn.thinking);
  });

  it('Anthropic → neutral → OpenAI → neutral → Anthropic keeps tools and results', () => {
    const viaOpenAI = fromOpenAIRequest(
      toOpenAIRequest(fromAnthropicRequest(anthropicToolTurn), { maxTokensField: 'max_tokens', stream: true }),
    );
    const back = toAnthropicRequest(viaOpenAI, true);
    expect(back.messages).toEqual(anthropicToolTurn.messages);
    expect(back.tools).toEqual(anthropicToolTurn.tools);
    expect(back.tool_choice).toEqual(anthropicToolTurn.tool_choice);
  });
});
