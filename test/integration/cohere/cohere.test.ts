/**
 * Cohere through its OpenAI compatibility API (https://api.cohere.ai/compatibility/v1), over the real
 * daemon: chat with tools (openai SDK, forwarded; Anthropic SDK, translated), embeddings, models
 * listed by Cohere's own API, and Cohere's errors. The mock speaks Cohere's dialect (cohereWire.ts).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChatStream, ModelsList, ProvidersList } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, rejectionOf, setup, type Env } from '../chat/harness';

const KEY = 'CohereTestKey0123456789abcdefghijklmnopq';
let env: Env;
let connectionId: string;
let openai: OpenAI;

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ validKeys: [KEY], models: ['command-a-03-2025', 'embed-v4.0', 'rerank-v3.5'] });
  connectionId = (
    await env.create({
      name: 'co',
      provider: 'cohere',
      baseUrl: env.up.cohereBaseUrl,
      apiKey: KEY,
      defaultModel: 'command-a-03-2025',
      maxRetries: 0,
    })
  ).id;
  openai = new OpenAI({
    baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
    apiKey: env.daemon.info.token,
    maxRetries: 0,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

it('is in the catalog with its compatibility base URL, key format and docs link', async () => {
  const { providers } = await env.client.request(ProvidersList, {});
  expect(providers.find((p) => p.id === 'cohere')).toMatchObject({
    adapter: 'openai',
    defaultBaseUrl: 'https://api.cohere.ai/compatibility/v1',
    requiresKey: true,
    keyFormatHint: expect.stringContaining('40'),
    docsUrl: 'https://dashboard.cohere.com/api-keys',
    apis: ['embeddings'],
  });
});

it("lists the chat and embedding models through Cohere's own API, with their facts", async () => {
  const { models } = await env.client.request(ModelsList, { connectionId, refresh: true });
  expect(models.map((m) => m.id)).toEqual(['command-a-03-2025', 'embed-v4.0']); // rerank models cannot be used here
  expect(models[0]).toMatchObject({ contextWindow: 256_000, capabilities: ['chat', 'tools'] });
  const listing = env.up.requests.find((r) => r.path === '/v1/models')!;
  expect([listing.query.page_size, listing.authKey]).toEqual(['1000', KEY]);
});

it('chats with tools (forwarded), embeds, and answers an Anthropic client (translated)', async () => {
  env.up.reply('command-a-03-2025', { chunks: [], toolCalls: [{ name: 'lookup', arguments: '{"q":"x"}' }] });
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: 'function',
      function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    },
  ];
  const answer = await openai.chat.completions.create({
    model: 'co',
    messages: [{ role: 'user', content: 'find x' }],
    tools,
  });
  expect(answer.choices[0]!.message.tool_calls?.[0]).toMatchObject({
    function: { name: 'lookup', arguments: '{"q":"x"}' },
  });
  const chat = env.chats().at(-1)!;
  expect([chat.path, chat.authKey, chat.body.tools]).toEqual(['/compatibility/v1/chat/completions', KEY, tools]);

  const vectors = await openai.embeddings.create({ model: 'co/embed-v4.0', input: ['a', 'b'] });
  expect(vectors.data).toHaveLength(2);
  expect(env.up.requests.at(-1)!.path).toBe('/compatibility/v1/embeddings');

  env.up.reply('command-a-03-2025', { chunks: ['Hi', ' there'] });
  const anthropic = new Anthropic({
    baseURL: `http://127.0.0.1:${env.daemon.info.port}`,
    authToken: env.daemon.info.token,
    apiKey: null,
    maxRetries: 0,
  });
  const message = await anthropic.messages.create({
    model: 'co',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hi' }],
  });
  expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hi there' })]);
});

it('maps Cohere\'s "invalid api token" to INVALID_API_KEY, saying where to check the key', async () => {
  env.up.validKeys.clear();
  env.up.validKeys.add('SomeOtherKey0123456789abcdefghijklmnopqr');
  try {
    const error = await rejectionOf(
      env.client.request(ChatStream, { streamId: 'bad', connectionId, messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(error.code).toBe('INVALID_API_KEY');
    expect(error.data.hint).toContain('https://dashboard.cohere.com/api-keys');
    expect(JSON.stringify(error)).not.toContain(KEY);
  } finally {
    env.up.validKeys.clear();
    env.up.validKeys.add(KEY);
  }
});
