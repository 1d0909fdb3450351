/** POST /v1/messages through the official @anthropic-ai/sdk: forwarded to an Anthropic connection, translated to an OpenAI one. */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
let sdk: Anthropic;
beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['Hi', ' there'], usage: { input: 9, output: 2 } } });
  await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-sonnet-4-6',
    maxRetries: 0,
  });
  await env.create({
    name: 'gpt',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  sdk = new Anthropic({
    baseURL: `http://127.0.0.1:${env.daemon.info.port}`,
    authToken: env.daemon.info.token,
    apiKey: null,
    maxRetries: 0,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

it('forwards to an Anthropic connection with anthropic-beta, and translates to an OpenAI one, streamed', async () => {
  for (const model of ['claude', 'gpt']) {
    env.up.reset();
    const stream = sdk.messages.stream(
      { model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } },
    );
    const message = await stream.finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hi there' })]);
    const [up] = env.chats();
    if (model === 'claude')
      expect([up!.path, up!.headers['anthropic-beta'], up!.authKey]).toEqual([
        '/v1/messages',
        'interleaved-thinking-2025-05-14',
        KEYS.ant,
      ]);
    else expect([up!.path, up!.authKey]).toEqual(['/v1/chat/completions', KEYS.a]);
  }
});
