/**
 * Images and structured output through the translated HTTP pairings, with the official SDKs:
 * OpenAI clients to an Anthropic connection (image_url parts → image blocks; response_format
 * json_schema / json_object → a forced tool whose call comes back as the answer's JSON text, as
 * docs/translation.md says) and Anthropic clients to an OpenAI-format connection (image blocks →
 * image_url parts). What cannot be carried is a 400 naming the field, with nothing sent upstream.
 */
import Anthropic, { BadRequestError as AnthropicBadRequest } from '@anthropic-ai/sdk';
import OpenAI, { BadRequestError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
let openai: OpenAI;
let anthropic: Anthropic;

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, temp: { type: 'number' } },
  required: ['city', 'temp'],
  additionalProperties: false,
};

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  await env.create({
    name: 'gpt',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-sonnet-4-6',
    maxRetries: 0,
  });
  const port = env.daemon.info.port;
  openai = new OpenAI({
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: env.daemon.info.token,
    maxRetries: 0,
    timeout: 15_000,
  });
  anthropic = new Anthropic({
    baseURL: `http://127.0.0.1:${port}`,
    apiKey: env.daemon.info.token,
    maxRetries: 0,
    timeout: 15_000,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

async function thrown(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('OpenAI client → Anthropic connection', () => {
  it('sends image_url parts as Anthropic image blocks: an https URL by URL, a data: URL as base64', async () => {
    const res = await openai.chat.completions.create({
      model: 'claude',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'high' } },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
    });
    expect(res.choices[0]!.message.content).toBe('Hello from mock');
    expect(env.chats()[0]!.body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        ],
      },
    ]);
  });

  it.each([
    ['whole', false],
    ['streamed', true],
  ])(
    'answers response_format json_schema (%s) through a forced tool, as JSON text with finish stop',
    async (_how, stream) => {
      env.up.reply('claude-sonnet-4-6', {
        chunks: [],
        toolCalls: [{ name: 'weather_report', arguments: '{"city":"Oslo","temp":-3}' }],
        argumentPieceSize: 4,
      });
      const params = {
        model: 'claude',
        messages: [{ role: 'user' as const, content: 'Weather in Oslo as JSON' }],
        response_format: {
          type: 'json_schema' as const,
          json_schema: { name: 'weather_report', schema: SCHEMA, strict: true },
        },
      };
      const completion = stream
        ? await openai.chat.completions.stream({ ...params, stream: true }).finalChatCompletion()
        : await openai.chat.completions.create(params);
      const choice = completion.choices[0]!;
      expect(JSON.parse(choice.message.content!)).toEqual({ city: 'Oslo', temp: -3 });
      expect(choice.finish_reason).toBe('stop');
      expect(choice.message.tool_calls ?? []).toEqual([]);
      const sent = env.chats()[0]!.body;
      expect(sent.tools).toEqual([
        { type: 'custom', name: 'weather_report', description: expect.any(String), input_schema: SCHEMA },
      ]);
      expect(sent.tool_choice).toEqual({ type: 'tool', name: 'weather_report' });
    },
  );

  it('answers response_format json_object through the json_response tool', async () => {
    env.up.reply('claude-sonnet-4-6', { chunks: [], toolCalls: [{ name: 'json_response', arguments: '{"ok":true}' }] });
    const res = await openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'JSON please' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ ok: true });
    expect(env.chats()[0]!.body.tool_choice).toEqual({ type: 'tool', name: 'json_response' });
  });

  it("sends a json_schema beside tools as Anthropic's output_config.format; the tools stay tools", async () => {
    env.up.reply('claude-sonnet-4-6', { chunks: ['{"city":"Oslo",', '"temp":-3}'] });
    const weather = {
      type: 'function' as const,
      function: { name: 'weather_report', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    };
    const res = await openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Weather in Oslo as JSON' }],
      tools: [weather],
      response_format: { type: 'json_schema', json_schema: { name: 'weather_report', schema: SCHEMA, strict: true } },
    });
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ city: 'Oslo', temp: -3 });
    const sent = env.chats()[0]!.body;
    expect(sent.output_config).toEqual({ format: { type: 'json_schema', schema: SCHEMA } });
    expect(sent.tools).toEqual([{ type: 'custom', name: 'weather_report', input_schema: weather.function.parameters }]);
    expect(sent.tool_choice).toBeUndefined();

    // A call of the user's tool that shares the schema's name is still a tool call, not the answer.
    env.up.reset();
    env.up.reply('claude-sonnet-4-6', {
      chunks: [],
      toolCalls: [{ name: 'weather_report', arguments: '{"city":"Oslo"}' }],
    });
    const call = await openai.chat.completions
      .stream({
        model: 'claude',
        messages: [{ role: 'user', content: 'x' }],
        tools: [weather],
        response_format: { type: 'json_schema', json_schema: { name: 'weather_report', schema: SCHEMA } },
        stream: true,
      })
      .finalChatCompletion();
    expect(call.choices[0]!.message.tool_calls?.[0]).toMatchObject({
      function: { name: 'weather_report', arguments: '{"city":"Oslo"}' },
    });
    expect(call.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('refuses response_format json_object together with tools, naming response_format, before anything goes upstream', async () => {
    const error = await thrown(
      openai.chat.completions.create({
        model: 'claude',
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        response_format: { type: 'json_object' },
      }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error.param).toBe('response_format');
    expect(env.up.requests).toHaveLength(0);
  });
});

describe('Anthropic client → OpenAI-format connection', () => {
  it('sends image blocks as image_url parts: a URL source as the URL, base64 as a data: URL', async () => {
    const message = await anthropic.messages.create({
      model: 'gpt',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          ],
        },
      ],
    });
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello from mock' })]);
    expect(env.chats()[0]!.body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        ],
      },
    ]);
  });

  it('carries output_config: the effort as reasoning_effort, the format as a strict json_schema response_format', async () => {
    env.up.reply('gpt-5.4', { chunks: ['{"city":"Oslo","temp":-3}'] });
    const message = await anthropic.messages.create({
      model: 'gpt',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather in Oslo as JSON' }],
      output_config: { effort: 'low', format: { type: 'json_schema', schema: SCHEMA } },
    });
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: '{"city":"Oslo","temp":-3}' })]);
    const sent = env.chats()[0]!.body;
    expect(sent.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', schema: SCHEMA, strict: true },
    });
    expect(sent.reasoning_effort).toBe('low');
  });

  it('refuses effort "max", which chat completions cannot carry, naming it', async () => {
    const error = await thrown(
      anthropic.messages.create({
        model: 'gpt',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'x' }],
        output_config: { effort: 'max' },
      }),
    );
    expect(error).toBeInstanceOf(AnthropicBadRequest);
    expect(error.error.error.message).toMatch(/^output_config\.effort/);
    expect(env.up.requests).toHaveLength(0);
  });

  it('refuses an image inside a tool result, which chat completions cannot carry, naming it', async () => {
    const error = await thrown(
      anthropic.messages.create({
        model: 'gpt',
        max_tokens: 100,
        tools: [{ name: 'shot', input_schema: { type: 'object' } }],
        messages: [
          { role: 'user', content: 'Take a screenshot' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'shot', input: {} }] },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_1',
                content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }],
              },
            ],
          },
        ],
      }),
    );
    expect(error).toBeInstanceOf(AnthropicBadRequest);
    expect(error.error.error.message).toMatch(/^messages\[\d\]\.content/);
    expect(env.up.requests).toHaveLength(0);
  });
});
