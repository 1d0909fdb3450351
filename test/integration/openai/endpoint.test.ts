/**
 * The daemon's OpenAI-compatible HTTP API (`/v1/models`, `/v1/chat/completions` on its TCP port),
 * driven by the official `openai` SDK exactly as a third-party tool would use it, in front of an
 * OpenAI-format and an Anthropic connection on the mock upstream.
 */
import OpenAI, {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
let main: Connection;
let claude: Connection;
let sdk: OpenAI;
let base: string;

const SCRIPT = ['Grüße', ' aus', ' dem', ' 🧪', ' mock', '', ' — 完'];
const TEXT = SCRIPT.join('');
const messages = [{ role: 'user' as const, content: 'Say hello' }];

beforeAll(async () => {
  ensureBuilt();
  env = await setup({
    models: ['gpt-5.4', 'gpt-5.4-mini'],
    missingModels: ['no-such-model', 'ghost/gpt-5.4'],
    defaultReply: { chunks: SCRIPT, usage: { input: 9, output: 6 } },
  });
  main = await env.create({
    name: 'main',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  claude = await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-sonnet-4-6',
    allowedModels: ['claude-sonnet-4-6', 'claude-haiku-4-5'],
    maxRetries: 0,
  });
  base = `http://127.0.0.1:${env.daemon.info.port}/v1`;
  sdk = new OpenAI({ baseURL: base, apiKey: env.daemon.info.token, maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

/** Runs a streamed completion to the end: the joined text, the usage chunk, and the chunk count. */
async function streamed(model: string) {
  const stream = await sdk.chat.completions.create({
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let usage: OpenAI.CompletionUsage | undefined | null;
  let finish: string | null | undefined;
  for await (const chunk of stream) {
    expect(chunk.object).toBe('chat.completion.chunk');
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) usage = chunk.usage;
  }
  return { text, usage, finish };
}

async function thrown(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    return error as APIError;
  }
  throw new Error('expected the call to fail');
}

describe('GET /v1/models', () => {
  it('lists <connection>/<model> ids, and plain ids of the default connection only', async () => {
    const list = async () => {
      const ids = [];
      for await (const model of sdk.models.list()) ids.push(model.id);
      return ids;
    };
    // The upstream's own list arrives in the background after the first call (models.test.ts).
    await expect.poll(list, { timeout: 5000 }).toContain('main/gpt-5.4-mini');
    const ids = await list();
    expect(ids).toEqual(
      expect.arrayContaining([
        'main/gpt-5.4',
        'main/gpt-5.4-mini',
        'gpt-5.4',
        'gpt-5.4-mini',
        'claude/claude-sonnet-4-6',
        'claude/claude-haiku-4-5',
      ]),
    );
    expect(ids).not.toContain('claude-sonnet-4-6');
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('POST /v1/chat/completions', () => {
  it.each([
    // Forwarded: the upstream's own answer, its model id included; translated: the id the client asked for.
    ['an OpenAI-format', 'main/gpt-5.4', '/v1/chat/completions', 'gpt-5.4'],
    ['an Anthropic (translated)', 'claude/claude-sonnet-4-6', '/v1/messages', 'claude/claude-sonnet-4-6'],
  ])(
    'answers without streaming from %s connection with the mock text and usage',
    async (_kind, model, path, answeredModel) => {
      const completion = await sdk.chat.completions.create({ model, messages });
      expect(completion.object).toBe('chat.completion');
      expect(completion.model).toBe(answeredModel);
      expect(completion.choices[0]!.message.content).toBe(TEXT);
      expect(completion.choices[0]!.finish_reason).toBe('stop');
      expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 });
      expect(env.chats().map((r) => r.path)).toEqual([path]);
    },
  );

  it.each([
    ['an OpenAI-format', 'main/gpt-5.4', KEYS.a],
    ['an Anthropic (translated)', 'claude/claude-sonnet-4-6', KEYS.ant],
  ])('streams from %s connection with the mock text and a usage chunk', async (_kind, model, key) => {
    const { text, usage, finish } = await streamed(model);
    expect(text).toBe(TEXT);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 });
    expect(env.chats()[0]!.authKey).toBe(key); // the connection's key upstream, never the daemon token
  });

  it('routes <name>/<model>, a bare connection name, and a plain model of the default connection', async () => {
    await sdk.chat.completions.create({ model: 'main/gpt-5.4-mini', messages });
    await sdk.chat.completions.create({ model: 'claude', messages });
    await sdk.chat.completions.create({ model: 'gpt-5.4-mini', messages });
    expect(env.chats().map((r) => [r.path, r.model, r.authKey])).toEqual([
      ['/v1/chat/completions', 'gpt-5.4-mini', KEYS.a],
      ['/v1/messages', 'claude-sonnet-4-6', KEYS.ant],
      ['/v1/chat/completions', 'gpt-5.4-mini', KEYS.a],
    ]);
  });

  it('passes options through to the upstream', async () => {
    await sdk.chat.completions.create({
      model: 'claude/claude-haiku-4-5',
      messages: [{ role: 'system', content: 'Be brief.' }, ...messages],
      max_tokens: 40,
      temperature: 0.2,
      stop: 'STOP',
    });
    expect(env.chats()[0]!.params).toMatchObject({
      system: 'Be brief.',
      max_tokens: 40,
      temperature: 0.2,
      stop_sequences: ['STOP'],
    });
  });

  it('stops the upstream request when the SDK caller aborts a stream', async () => {
    env.up.reply('gpt-5.4', { chunks: Array.from({ length: 200 }, (_, i) => `t${i} `), chunkDelayMs: 20 });
    const abort = new AbortController();
    const stream = await sdk.chat.completions.create(
      { model: 'main', messages, stream: true },
      { signal: abort.signal },
    );
    let got = 0;
    // openai@6 ends the iteration quietly when its signal aborts (after yielding what it had already parsed).
    for await (const chunk of stream) if (chunk.choices[0]?.delta?.content && ++got === 3) abort.abort();
    expect(got).toBeGreaterThanOrEqual(3);
    expect(got).toBeLessThan(200);
    const upstream = await env.up.waitFor((r) => r.aborted, 1000);
    expect(upstream.chunksSent).toBeLessThan(200);
  });

  it('ends a stream that fails mid-way with an error event, not [DONE]', async () => {
    env.up.fault({ kind: 'truncate', afterChunks: 2 });
    const error = await thrown(streamed('main'));
    expect(error).toBeInstanceOf(APIError);
    expect(String(error.message)).toMatch(/incomplete|cut short/i);
  });
});

describe('errors in OpenAI shape', () => {
  it('rejects a wrong daemon token with 401 AuthenticationError', async () => {
    const stranger = new OpenAI({ baseURL: base, apiKey: 'not-the-token', maxRetries: 0 });
    const error = await thrown(stranger.models.list());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
    expect(env.up.requests).toHaveLength(0);
  });

  it('answers 404 NotFoundError for a model or connection the upstream does not know', async () => {
    for (const model of ['no-such-model', 'main/no-such-model', 'ghost/gpt-5.4']) {
      const error = await thrown(sdk.chat.completions.create({ model, messages }));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toContain(model.replace(/^main\//, ''));
    }
  });

  it('answers 404 when there is no connection to route a plain model to', async () => {
    const empty = await setup();
    try {
      const bare = new OpenAI({
        baseURL: `http://127.0.0.1:${empty.daemon.info.port}/v1`,
        apiKey: empty.daemon.info.token,
        maxRetries: 0,
      });
      const error = await thrown(bare.chat.completions.create({ model: 'gpt-5.4', messages }));
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error.error as { code?: string }).code).toBe('no_connection');
    } finally {
      await empty.teardown();
    }
  });

  it('answers an upstream 429 with 429 RateLimitError and retry-after', async () => {
    env.up.fault({ kind: 'status', status: 429, retryAfterS: 3 });
    const error = await thrown(sdk.chat.completions.create({ model: 'main', messages }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.headers?.get('retry-after')).toBe('3');
  });

  it('answers an upstream 500 with 502 InternalServerError, and a bad upstream key with 502 too', async () => {
    env.up.fault({ kind: 'status', status: 500, count: 1 });
    const error = await thrown(sdk.chat.completions.create({ model: 'main', messages, stream: true }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(502);
    env.up.fault({ kind: 'status', status: 401, count: 1 });
    const keyError = await thrown(sdk.chat.completions.create({ model: 'main', messages }));
    expect(keyError.status).toBe(502); // the caller's own token was fine: not an AuthenticationError
    expect(keyError.message).not.toContain(KEYS.a);
  });

  it('answers a body without messages with 400 BadRequestError naming the field', async () => {
    const error = await thrown(sdk.chat.completions.create({ model: 'main' } as never));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.param).toBe('messages');
    expect(error.message).toContain('messages');
    expect(env.up.requests).toHaveLength(0);
  });

  it('answers a body that is not JSON with 400', async () => {
    const res = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.daemon.info.token}`, 'content-type': 'application/json' },
      body: '{"model": "main", messages: [',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/JSON/i);
  });

  it('refuses a request carrying an Origin header with 403', async () => {
    const res = await fetch(`${base}/models`, {
      headers: { authorization: `Bearer ${env.daemon.info.token}`, origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    const withSdk = new OpenAI({
      baseURL: base,
      apiKey: env.daemon.info.token,
      maxRetries: 0,
      defaultHeaders: { origin: 'https://evil.example' },
    });
    expect((await thrown(withSdk.chat.completions.create({ model: 'main', messages }))).status).toBe(403);
    expect(env.up.requests).toHaveLength(0);
  });
});
