/**
 * Upstream faults through the real daemon: each one reaches the client as its stable code, with a
 * message and a hint a person can act on, in both wire formats where the fault exists in both — and
 * never with a trace of the key, even when the upstream echoes it.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import { UsageGet, type Connection, type CreateConnectionParams } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from './harness';

let env: Env;
const SCRIPT = ['one ', 'two ', 'three ', 'four ', 'five ', 'six'];
const WRONG_KEY = 'sk-wrong-DEADBEEFcafebabe0123456789XYZW';
const FORMATS = ['openai', 'anthropic'] as const;
type Format = (typeof FORMATS)[number];

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: SCRIPT }, missingModels: ['gone-model'] });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

let made = 0;
/** A connection of the given format to the mock (maxRetries 0 unless told). */
function connection(format: Format | 'azure', extra: Partial<CreateConnectionParams> = {}): Promise<Connection> {
  const base: Record<string, CreateConnectionParams> = {
    openai: { name: '', provider: 'openai', baseUrl: env.up.openaiBaseUrl, apiKey: KEYS.a, defaultModel: 'gpt-5.4' },
    anthropic: {
      name: '',
      provider: 'anthropic',
      baseUrl: env.up.anthropicBaseUrl,
      apiKey: KEYS.ant,
      defaultModel: 'claude-haiku-4-5',
    },
    azure: {
      name: '',
      provider: 'azure-openai',
      baseUrl: env.up.azureEndpoint,
      apiKey: KEYS.b,
      defaultModel: 'my-deploy',
    },
  };
  return env.create({ ...base[format]!, maxRetries: 0, ...extra, name: `${format}-${++made}` });
}

const failure = async (conn: Connection, model?: string) =>
  rejectionOf(env.client.chat({ connectionId: conn.id, ...(model && { model }), messages: user('hi') }).result);

/** Every error must say what to do. */
function expectActionable(error: { message: string; data: { hint: string } }): void {
  expect(error.message.length).toBeGreaterThan(10);
  expect(error.data.hint.length).toBeGreaterThan(10);
}

describe.each(FORMATS)('%s upstream', (format) => {
  it('maps 401 to INVALID_API_KEY without any trace of the key', async () => {
    const conn = await connection(format, { apiKey: WRONG_KEY });
    const error = await failure(conn);
    expect(error.code).toBe(ErrorCode.INVALID_API_KEY);
    expectActionable(error);
    expect(env.chats()[0]!.authKey).toBe(WRONG_KEY); // the key did go upstream (and the OpenAI mock echoed it)
    const visible = JSON.stringify({ message: error.message, data: error.data });
    for (const fragment of [WRONG_KEY, WRONG_KEY.slice(0, 12), WRONG_KEY.slice(-12), 'DEADBEEFcafebabe'])
      expect(visible).not.toContain(fragment);
  });

  it('maps 403 to FORBIDDEN', async () => {
    env.up.fault({ kind: 'status', status: 403 });
    const error = await failure(await connection(format));
    expect(error.code).toBe(ErrorCode.FORBIDDEN);
    expect(error.data.status).toBe(403);
    expectActionable(error);
  });

  it('maps a missing model to MODEL_NOT_FOUND naming it', async () => {
    const error = await failure(await connection(format), 'gone-model');
    expect(error.code).toBe(ErrorCode.MODEL_NOT_FOUND);
    expect(error.data.model).toBe('gone-model');
    expect(error.message).toContain('gone-model');
    expectActionable(error);
  });

  it('maps 429 to RATE_LIMITED with retryAfterMs from retry-after', async () => {
    env.up.fault({ kind: 'status', status: 429, retryAfterS: 7 });
    const error = await failure(await connection(format));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.data.retryAfterMs).toBe(7000);
    expect(error.data.hint).toMatch(/7 s/);
  });

  it('surfaces a 429 whose retry-after is too long instead of sleeping through it', async () => {
    env.up.fault({ kind: 'status', status: 429, retryAfterS: 120 });
    const error = await failure(await connection(format, { maxRetries: 2, timeoutMs: 5000 }));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.data.retryAfterMs).toBe(120_000);
    expect(env.chats()).toHaveLength(1);
  });

  it('retries a 500 maxRetries times, then fails with UPSTREAM_ERROR and status 500', async () => {
    env.up.fault({ kind: 'status', status: 500 });
    const error = await failure(await connection(format, { maxRetries: 2 }));
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error.data.status).toBe(500);
    expectActionable(error);
    expect(env.chats()).toHaveLength(3);
  });

  it('fails with INCOMPLETE and partialText when the stream ends without its terminator', async () => {
    env.up.fault({ kind: 'truncate', afterChunks: 3 });
    const error = await failure(await connection(format));
    expect(error.code).toBe(ErrorCode.INCOMPLETE);
    expect(error.data.partialText).toBe('one two three ');
    expectActionable(error);
  });

  it('fails with INCOMPLETE and partialText when the connection is reset mid-stream', async () => {
    env.up.fault({ kind: 'reset', afterChunks: 2 });
    const error = await failure(await connection(format));
    expect(error.code).toBe(ErrorCode.INCOMPLETE);
    expect(error.data.partialText).toBe('one two ');
  });
});

describe('provider-specific faults', () => {
  it('does not retry an OpenAI insufficient_quota 429 and says retrying will not help', async () => {
    env.up.fault({ kind: 'status', status: 429, variant: 'insufficient_quota' });
    const error = await failure(await connection('openai', { maxRetries: 2 }));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.data.quota).toBe(true);
    expect(error.data.hint).toMatch(/billing|plan/i);
    expect(env.chats()).toHaveLength(1);
  });

  it('retries an Anthropic 529 overloaded, then fails with UPSTREAM_ERROR', async () => {
    env.up.fault({ kind: 'status', status: 529 });
    const error = await failure(await connection('anthropic', { maxRetries: 1 }));
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error.data.status).toBe(529);
    expect(error.message).toMatch(/overloaded/i);
    expect(env.chats()).toHaveLength(2);
  });

  it('maps an Anthropic mid-stream overloaded event to UPSTREAM_ERROR with partialText', async () => {
    env.up.fault({ kind: 'streamError', afterChunks: 2 });
    const error = await failure(await connection('anthropic'));
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error.data.partialText).toBe('one two ');
  });

  it('maps a missing Azure deployment to MODEL_NOT_FOUND with a deployment hint', async () => {
    const error = await failure(await connection('azure', { apiVersion: '2024-10-21' }), 'gone-model');
    expect(error.code).toBe(ErrorCode.MODEL_NOT_FOUND);
    expect(error.data.model).toBe('gone-model');
    expect(error.data.hint).toMatch(/deployment/i);
  });
});

describe('faults before any upstream answer', () => {
  it('maps a refused port to UNREACHABLE with a hint', async () => {
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const { port } = probe.address() as import('node:net').AddressInfo;
    await new Promise((done) => probe.close(done));
    const conn = await env.create({
      name: 'refused',
      provider: 'custom',
      baseUrl: `http://127.0.0.1:${port}/v1`,
      defaultModel: 'm',
      maxRetries: 0,
    });
    const error = await failure(conn);
    expect(error.code).toBe(ErrorCode.UNREACHABLE);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toMatch(/refused/);
    expectActionable(error);
  });

  it('fails with SECRET_MISSING naming the env var when an env: key is not set', async () => {
    const conn = await env.create({
      name: 'env-key',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      keySource: 'env:SB_INTEGRATION_UNSET_KEY',
      defaultModel: 'gpt-5.4',
    });
    const error = await failure(conn);
    expect(error.code).toBe(ErrorCode.SECRET_MISSING);
    expect(error.data.hint).toContain('SB_INTEGRATION_UNSET_KEY');
    expect(error.data.connectionId).toBe(conn.id);
    expect(env.chats()).toHaveLength(0);
  });

  it('fails with SECRET_MISSING saying how to push the key when a memory key was never sent', async () => {
    const conn = await env.create({
      name: 'memory-key',
      provider: 'anthropic',
      baseUrl: env.up.anthropicBaseUrl,
      keySource: 'memory',
      defaultModel: 'claude-haiku-4-5',
    });
    const error = await failure(conn);
    expect(error.code).toBe(ErrorCode.SECRET_MISSING);
    expectActionable(error);
    expect(env.chats()).toHaveLength(0);
  });
});

describe('usage of failed requests', () => {
  it('records failed upstream requests as errors in usage/get', async () => {
    const conn = await connection('openai');
    env.up.fault({ kind: 'status', status: 500, count: 1 });
    expect((await failure(conn)).code).toBe(ErrorCode.UPSTREAM_ERROR);
    await env.client.chat({ connectionId: conn.id, messages: user('ok') }).result;
    const { records } = await env.client.request(UsageGet, { connectionId: conn.id });
    expect(records).toEqual([expect.objectContaining({ model: 'gpt-5.4', requests: 2, errors: 1 })]);
  });
});
