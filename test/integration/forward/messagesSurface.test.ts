/**
 * `POST /v1/messages` and `/v1/messages/count_tokens` as the Anthropic SDK and Claude Code meet
 * them: token counts (forwarded to Anthropic, an estimate marked as one elsewhere), every error in
 * Anthropic's shape with the status the SDKs branch on, `event: error` frames when the upstream
 * fails after the first byte (forwarded and translated), and the same capacity limits and budgets
 * as /v1/chat/completions. Real daemon, official @anthropic-ai/sdk and raw HTTP, mock upstreams.
 */
import Anthropic, {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PricesSet, TokensCreate, UsageGet, type Connection } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
let claude: Connection;
let gpt: Connection;
let sdk: Anthropic;
let base: string;

const MESSAGES = [{ role: 'user' as const, content: 'What is the weather in Oslo?' }];

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['Hi', ' there', ' friend'], usage: { input: 10, output: 20 } } });
  claude = await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-sonnet-4-6',
    maxRetries: 0,
    isDefault: true,
  });
  gpt = await env.create({
    name: 'gpt',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  base = `http://127.0.0.1:${env.daemon.info.port}`;
  sdk = new Anthropic({ baseURL: base, apiKey: env.daemon.info.token, maxRetries: 0, timeout: 15_000 });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

/** POSTs a JSON body the way the Anthropic SDK does (x-api-key, anthropic-version). */
async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'x-api-key': env.daemon.info.token,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

async function thrown(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    return error as APIError;
  }
  throw new Error('expected the call to fail');
}

/** Anthropic's error body: `{type: "error", error: {type, message}, request_id}`. */
function expectAnthropicError(reply: { status: number; json: any }, status: number, type: string) {
  expect(reply.status).toBe(status);
  expect(reply.json).toEqual({
    type: 'error',
    error: { type, message: expect.any(String) },
    request_id: expect.stringMatching(/^req_/),
  });
  expect(reply.json.error.message.length).toBeGreaterThan(20);
}

describe('POST /v1/messages/count_tokens', () => {
  it("forwards to an Anthropic connection: the provider's own count, model replaced, beta flags passed on", async () => {
    const tools = [
      {
        name: 'weather',
        description: 'Weather in a city',
        input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
      },
    ];
    const { data, response } = await sdk.messages
      .countTokens(
        { model: 'claude', system: 'Be brief.', messages: MESSAGES, tools },
        { headers: { 'anthropic-beta': 'token-counting-2024-11-01' } },
      )
      .withResponse();
    const [up] = env.up.requests;
    expect(up!.path).toBe('/v1/messages/count_tokens');
    expect(up!.authKey).toBe(KEYS.ant);
    expect(up!.headers['anthropic-beta']).toBe('token-counting-2024-11-01');
    expect(up!.body).toEqual({ model: 'claude-sonnet-4-6', system: 'Be brief.', messages: MESSAGES, tools });
    expect(data).toEqual({ input_tokens: expect.any(Number) });
    expect(data.input_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchboard-token-count')).toBeNull();
  });

  it('estimates on an OpenAI-format connection, says so, and calls no upstream', async () => {
    const { data, response } = await sdk.messages
      .countTokens({ model: 'gpt/gpt-5.4', messages: MESSAGES })
      .withResponse();
    expect(data).toEqual({ input_tokens: expect.any(Number), estimated: true });
    expect(data.input_tokens).toBeGreaterThan(5);
    expect(response.headers.get('x-switchboard-token-count')).toBe('estimate');
    expect(env.up.requests).toHaveLength(0);
  });

  it("answers errors in Anthropic's shape: a missing model is a 400, an unknown upstream model the upstream's 404", async () => {
    expectAnthropicError(await post('/v1/messages/count_tokens', { messages: MESSAGES }), 400, 'invalid_request_error');
    expectAnthropicError(
      await post('/v1/messages/count_tokens', { model: 'claude', messages: 'no' }),
      400,
      'invalid_request_error',
    );
    env.up.missingModels.add('claude-gone');
    try {
      const error = await thrown(sdk.messages.countTokens({ model: 'claude/claude-gone', messages: MESSAGES }));
      expect(error).toBeInstanceOf(NotFoundError);
    } finally {
      env.up.missingModels.delete('claude-gone');
    }
  });
});

describe("errors of /v1/messages in Anthropic's shape", () => {
  it('401 authentication_error for a wrong token, before anything goes upstream', async () => {
    const reply = await post(
      '/v1/messages',
      { model: 'claude', max_tokens: 10, messages: MESSAGES },
      { 'x-api-key': 'not-the-token' },
    );
    expect(reply.status).toBe(401);
    expect(reply.json).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const stranger = new Anthropic({ baseURL: base, apiKey: 'not-the-token', maxRetries: 0 });
    expect(
      await thrown(stranger.messages.create({ model: 'claude', max_tokens: 10, messages: MESSAGES })),
    ).toBeInstanceOf(AuthenticationError);
    expect(env.up.requests).toHaveLength(0);
  });

  it('400 invalid_request_error naming the field (VALIDATION)', async () => {
    const reply = await post('/v1/messages', { model: 'claude', max_tokens: 10 });
    expectAnthropicError(reply, 400, 'invalid_request_error');
    expect(reply.json.error.message).toMatch(/^messages: /);
    expect(await thrown(sdk.messages.create({ model: 'claude', max_tokens: 10, messages: [] }))).toBeInstanceOf(
      BadRequestError,
    );
  });

  it('404 not_found_error for a model the upstream does not know (MODEL_NOT_FOUND), on both paths', async () => {
    env.up.missingModels.add('nope-model');
    try {
      for (const model of ['claude/nope-model', 'gpt/nope-model']) {
        const error = await thrown(sdk.messages.create({ model, max_tokens: 10, messages: MESSAGES }));
        expect(error).toBeInstanceOf(NotFoundError);
        expect(error.status).toBe(404);
      }
    } finally {
      env.up.missingModels.delete('nope-model');
    }
  });

  it('403 permission_error for a model outside allowedModels (MODEL_NOT_ALLOWED) and a connection outside a tool token (FORBIDDEN)', async () => {
    await env.create({
      name: 'narrow',
      provider: 'anthropic',
      baseUrl: env.up.anthropicBaseUrl,
      apiKey: KEYS.ant,
      defaultModel: 'claude-haiku-4-5',
      allowedModels: ['claude-haiku-4-5'],
      maxRetries: 0,
    });
    expectAnthropicError(
      await post('/v1/messages', { model: 'narrow/claude-sonnet-4-6', max_tokens: 10, messages: MESSAGES }),
      403,
      'permission_error',
    );
    const { secret } = await env.client.request(TokensCreate, { name: 'only-gpt', connections: [gpt.id] });
    const scoped = new Anthropic({ baseURL: base, apiKey: secret, maxRetries: 0 });
    expect(
      await thrown(scoped.messages.create({ model: 'claude', max_tokens: 10, messages: MESSAGES })),
    ).toBeInstanceOf(PermissionDeniedError);
    expect(env.up.requests).toHaveLength(0);
  });

  it('502 api_error when the upstream fails (UPSTREAM_ERROR), rejects the key (INVALID_API_KEY, key not shown) or cannot be reached (UNREACHABLE)', async () => {
    env.up.fault({ kind: 'status', status: 500, count: 1, match: { format: 'openai' } });
    expectAnthropicError(
      await post('/v1/messages', { model: 'gpt', max_tokens: 10, messages: MESSAGES }),
      502,
      'api_error',
    );

    env.up.fault({ kind: 'status', status: 401, count: 1 });
    const rejected = await post('/v1/messages', { model: 'gpt', max_tokens: 10, messages: MESSAGES });
    expectAnthropicError(rejected, 502, 'api_error');
    expect(rejected.text).not.toContain(KEYS.a);

    await env.create({
      name: 'dead',
      provider: 'anthropic',
      baseUrl: 'http://127.0.0.1:9',
      apiKey: KEYS.ant,
      defaultModel: 'claude-sonnet-4-6',
      maxRetries: 0,
    });
    const unreachable = await post('/v1/messages', { model: 'dead', max_tokens: 10, messages: MESSAGES });
    expectAnthropicError(unreachable, 502, 'api_error');
    expect(await thrown(sdk.messages.create({ model: 'dead', max_tokens: 10, messages: MESSAGES }))).toBeInstanceOf(
      InternalServerError,
    );
  });

  it('504 api_error when the upstream does not answer in time (TIMEOUT)', async () => {
    await env.create({
      name: 'slow',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      timeoutMs: 1000,
    });
    env.up.fault({ kind: 'hang', count: 1 });
    expectAnthropicError(
      await post('/v1/messages', { model: 'slow', max_tokens: 10, messages: MESSAGES }),
      504,
      'api_error',
    );
  });

  it("relays an Anthropic upstream's own 4xx body on the forwarded path, so the SDK sees Anthropic's error", async () => {
    env.up.fault({ kind: 'status', status: 429, count: 1 });
    const reply = await post('/v1/messages', { model: 'claude', max_tokens: 10, messages: MESSAGES });
    expect(reply.status).toBe(429);
    expect(reply.json).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(reply.headers.get('retry-after')).toBe('1');
  });
});

describe('an upstream failing after the first byte', () => {
  it.each([
    ['forwarded to Anthropic', 'claude'],
    ['translated to OpenAI', 'gpt'],
  ])(
    'ends the stream (%s) with an event: error frame, after the text that did stream, and no message_stop',
    async (_label, model) => {
      env.up.fault({ kind: 'streamError', afterChunks: 2, count: 1 });
      const raw = await post('/v1/messages', { model, max_tokens: 100, stream: true, messages: MESSAGES });
      expect(raw.status).toBe(200);
      const frames = raw.text.split('\n\n').filter(Boolean);
      const last = frames.at(-1)!;
      expect(last.startsWith('event: error\ndata: ')).toBe(true);
      expect(JSON.parse(last.slice(last.indexOf('data: ') + 6))).toMatchObject({
        type: 'error',
        error: { type: expect.stringMatching(/^(overloaded_error|api_error)$/), message: expect.any(String) },
      });
      expect(raw.text).not.toContain('message_stop');
      expect(raw.text).toContain('"text":"Hi"');

      env.up.fault({ kind: 'streamError', afterChunks: 1, count: 1 });
      const stream = sdk.messages.stream({ model, max_tokens: 100, messages: MESSAGES });
      const texts: string[] = [];
      stream.on('text', (t) => texts.push(t));
      expect(await thrown(stream.finalMessage())).toBeInstanceOf(APIError);
      expect(texts).toEqual(['Hi']);
    },
  );

  it('ends a translated stream cut before its terminator with an error event', async () => {
    env.up.fault({ kind: 'truncate', afterChunks: 1, count: 1 });
    const raw = await post('/v1/messages', { model: 'gpt', max_tokens: 100, stream: true, messages: MESSAGES });
    const last = raw.text.split('\n\n').filter(Boolean).at(-1)!;
    expect(last.startsWith('event: error\n')).toBe(true);
    expect(raw.text).not.toContain('message_stop');
  });
});

describe('limits and budgets on /v1/messages, as on /v1/chat/completions', () => {
  it.each([
    ['forwarded', 'anthropic', () => env.up.anthropicBaseUrl, KEYS.ant, 'claude-sonnet-4-6'],
    ['translated', 'openai', () => env.up.openaiBaseUrl, KEYS.a, 'gpt-5.4'],
  ])(
    'refuses past a capacity limit (%s) with 429 rate_limit_error and retry-after',
    async (label, provider, url, apiKey, model) => {
      await env.create({
        name: `capped-${label}`,
        provider,
        baseUrl: url(),
        apiKey,
        defaultModel: model,
        maxRetries: 0,
        capacity: [{ period: 'hour', requests: 1 }],
      });
      const body = { model: `capped-${label}`, max_tokens: 10, messages: MESSAGES };
      expect((await post('/v1/messages', body)).status).toBe(200);
      const refused = await post('/v1/messages', body);
      expectAnthropicError(refused, 429, 'rate_limit_error');
      expect(refused.json.error.message).toContain(`capped-${label}`);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(env.chats()).toHaveLength(1);
      expect(await thrown(sdk.messages.create(body))).toBeInstanceOf(RateLimitError);
    },
  );

  it.each([
    ['forwarded', 'anthropic', () => env.up.anthropicBaseUrl, KEYS.ant, 'claude-sonnet-4-6'],
    ['translated', 'openai', () => env.up.openaiBaseUrl, KEYS.a, 'gpt-5.4'],
  ])(
    'refuses past a budget (%s) with 429, the budget message and x-should-retry: false',
    async (label, provider, url, apiKey, model) => {
      // $1000 per million tokens: each answer (10 + 20 tokens) costs $0.03.
      await env.client.request(PricesSet, { provider, model, price: { inputPerMTok: 1000, outputPerMTok: 1000 } });
      const conn = await env.create({
        name: `budget-${label}`,
        provider,
        baseUrl: url(),
        apiKey,
        defaultModel: model,
        maxRetries: 0,
        budget: { period: 'day', amount: 0.05 },
      });
      const body = { model: `budget-${label}`, max_tokens: 10, messages: MESSAGES };
      expect((await post('/v1/messages', body)).status).toBe(200);
      await expect
        .poll(async () => (await env.client.request(UsageGet, { connectionId: conn.id })).records.length)
        .toBe(1);
      const refused = await post('/v1/messages', body);
      expectAnthropicError(refused, 429, 'rate_limit_error');
      expect(refused.json.error.message).toMatch(
        new RegExp(`^Connection "budget-${label}" has spent \\$0\\.03 of its \\$0\\.05 daily budget`),
      );
      expect(refused.headers.get('x-should-retry')).toBe('false');
      expect(refused.headers.get('retry-after')).toBeNull();
      expect(env.chats()).toHaveLength(1);
    },
  );
});
