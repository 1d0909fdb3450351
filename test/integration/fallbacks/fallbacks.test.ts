/**
 * Fallback chains end to end: the real daemon, a real client, and two mock upstreams — the primary's
 * (faulted) and the fallback's. A connection that fails before its first token with UNREACHABLE,
 * RATE_LIMITED, TIMEOUT, a 5xx or BUDGET_EXCEEDED hands the request to its next fallback; a bad key, a client error or
 * a failure after output has started never does; chains never loop.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import {
  ConnectionsDelete,
  ConnectionsUpdate,
  PricesSet,
  UsageGet,
  type ChatStreamResult,
  type Connection,
  type CreateConnectionParams,
  type SkippedConnection,
} from '../../../shared/protocol';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { captureDeltas, cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
let backup: MockUpstream;
const PRIMARY = ['from ', 'the ', 'primary'];
const BACKUP = ['from ', 'the ', 'backup'];

beforeAll(async () => {
  ensureBuilt();
  env = await setup({
    defaultReply: { chunks: PRIMARY, usage: { input: 7, output: 3 } },
    missingModels: ['gone-model'],
  });
  backup = await startMockUpstream({
    validKeys: Object.values(KEYS),
    defaultReply: { chunks: BACKUP, usage: { input: 11, output: 5 } },
  });
});
afterAll(async () => {
  await backup?.close();
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => {
  env.up.reset();
  backup.reset();
});

/** A 127.0.0.1 port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

let made = 0;
/** A fallback on the backup mock (default model `backup-model`). */
const fallback = (extra: Partial<CreateConnectionParams> = {}) =>
  env.create({
    name: `fallback-${++made}`,
    provider: 'openai',
    baseUrl: backup.openaiBaseUrl,
    apiKey: KEYS.b,
    defaultModel: 'backup-model',
    maxRetries: 0,
    ...extra,
  });
/** A primary on the faultable mock (default model `gpt-5.4`). */
const primary = (extra: Partial<CreateConnectionParams> = {}) =>
  env.create({
    name: `primary-${++made}`,
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
    ...extra,
  });

const chat = (conn: Connection, streamId = `s-${++made}`) =>
  env.client.chat({ streamId, connectionId: conn.id, messages: user('hi') }).result;
const backupChats = () => backup.requests.filter((r) => r.path.endsWith('/chat/completions'));
const primaryChats = () => env.chats();

function expectAnsweredByFallback(
  result: ChatStreamResult,
  a: Connection,
  b: Connection,
  code: string,
  model = 'backup-model',
): void {
  expect(result.text).toBe(BACKUP.join(''));
  expect(result.connectionId).toBe(b.id);
  expect(result.connectionName).toBe(b.name);
  expect(result.model).toBe(model);
  expect(result.skipped).toEqual([
    { connectionId: a.id, name: a.name, model: 'gpt-5.4', code, message: expect.any(String) },
  ]);
  expect(result.skipped![0]!.message.length).toBeGreaterThan(10);
  expect(backupChats().map((r) => r.model)).toEqual([model]);
}

describe('falls back before the first token', () => {
  it('when the primary is unreachable (a closed port)', async () => {
    const b = await fallback();
    const a = await primary({ baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, fallbacks: [b.id] });
    expectAnsweredByFallback(await chat(a), a, b, ErrorCode.UNREACHABLE);
  });

  it('when the primary is rate-limited (429)', async () => {
    const b = await fallback();
    const a = await primary({ fallbacks: [b.id] });
    env.up.fault({ kind: 'status', status: 429, count: 1 });
    expectAnsweredByFallback(await chat(a), a, b, ErrorCode.RATE_LIMITED);
    expect(primaryChats()).toHaveLength(1);
  });

  it('when the primary times out before answering', async () => {
    const b = await fallback();
    const a = await primary({ timeoutMs: 1000, fallbacks: [b.id] });
    env.up.fault({ kind: 'hang', count: 1 });
    const started = Date.now();
    expectAnsweredByFallback(await chat(a), a, b, ErrorCode.TIMEOUT);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it("when the primary has spent its budget, without calling its upstream; the fallback's own budget still holds", async () => {
    // $0.000001 a day: a request estimated at 20 output tokens of a priced model already passes it.
    const capped = { budget: { period: 'day' as const, amount: 0.000001 } };
    const costly = (conn: Connection) =>
      env.client.chat({
        streamId: `s-${++made}`,
        connectionId: conn.id,
        messages: user('hi'),
        options: { maxTokens: 20 },
      }).result;
    await env.client.request(PricesSet, {
      provider: 'openai',
      model: 'gpt-5.4',
      price: { inputPerMTok: 1, outputPerMTok: 1 },
    });
    const b = await fallback();
    const a = await primary({ ...capped, fallbacks: [b.id] });
    expectAnsweredByFallback(await costly(a), a, b, ErrorCode.BUDGET_EXCEEDED);
    expect(primaryChats()).toHaveLength(0);

    const broke = await fallback({ ...capped, defaultModel: 'gpt-5.4' }); // a priced model: an unpriced one has no cost to cap
    const c = await primary({ ...capped, fallbacks: [broke.id] });
    backup.reset();
    const error = await rejectionOf(costly(c));
    expect(error.code).toBe(ErrorCode.BUDGET_EXCEEDED);
    expect(error.message).toContain(broke.name);
    expect(primaryChats()).toHaveLength(0);
    expect(backupChats()).toHaveLength(0);
  });

  it.each([500, 503])('when the primary answers %i', async (status) => {
    const b = await fallback();
    const a = await primary({ fallbacks: [b.id] });
    env.up.fault({ kind: 'status', status, count: 1 });
    const result = await chat(a);
    expectAnsweredByFallback(result, a, b, ErrorCode.UPSTREAM_ERROR);
    expect(primaryChats()).toHaveLength(1);
  });

  it('uses the model the primary maps for the fallback, streams its deltas, and records both attempts in usage', async () => {
    const b = await fallback();
    const a = await primary({ fallbacks: [b.id], fallbackModels: { [b.id]: 'mapped-model' } });
    env.up.fault({ kind: 'status', status: 503, count: 1 });
    const deltas = captureDeltas(env.client, 'mapped');
    const result = await chat(a, 'mapped');
    deltas.dispose();
    expectAnsweredByFallback(result, a, b, ErrorCode.UPSTREAM_ERROR, 'mapped-model');
    expect(deltas.texts.join('')).toBe(BACKUP.join(''));
    expect(deltas.indexes).toEqual(BACKUP.map((_, i) => i));
    expect(result.usage).toEqual({ inputTokens: 11, outputTokens: 5 });
    const usage = await env.client.request(UsageGet, { groupBy: ['connection'] });
    expect(usage.groups!.find((g) => g.connectionId === a.id)).toMatchObject({
      requests: 1,
      errors: 1,
      inputTokens: 0,
    });
    expect(usage.groups!.find((g) => g.connectionId === b.id)).toMatchObject({
      requests: 1,
      errors: 0,
      inputTokens: 11,
      outputTokens: 5,
    });
  });

  it('walks the chain in order, passing over a fallback without a key and one deleted since it was named', async () => {
    const keyless = await env.create({
      name: `keyless-${++made}`,
      provider: 'openai',
      baseUrl: backup.openaiBaseUrl,
      keySource: 'memory',
      defaultModel: 'backup-model',
    });
    const doomed = await fallback();
    const b = await fallback();
    const a = await primary({ fallbacks: [doomed.id, keyless.id, b.id] });
    await env.client.request(ConnectionsDelete, { id: doomed.id });
    env.up.fault({ kind: 'status', status: 500, count: 1 });
    const result = await chat(a);
    expect(result.connectionId).toBe(b.id);
    expect(result.skipped!.map((s: SkippedConnection) => [s.name, s.code])).toEqual([
      [a.name, ErrorCode.UPSTREAM_ERROR],
      [keyless.name, ErrorCode.SECRET_MISSING],
    ]);
    expect(backupChats()).toHaveLength(1);
  });
});

describe('never falls back', () => {
  async function expectNoFallback(error: Awaited<ReturnType<typeof rejectionOf>>, code: string): Promise<void> {
    expect(error.code).toBe(code);
    expect(error.data.skipped).toBeUndefined();
    expect(backupChats()).toHaveLength(0);
  }

  it('on a rejected key (INVALID_API_KEY)', async () => {
    const b = await fallback();
    const a = await primary({ apiKey: 'sk-wrong-key-0123456789abcdefghijkl', fallbacks: [b.id] });
    await expectNoFallback(await rejectionOf(chat(a)), ErrorCode.INVALID_API_KEY);
  });

  it('on a 400 the upstream blames on the request', async () => {
    const b = await fallback();
    const a = await primary({ fallbacks: [b.id] });
    env.up.fault({ kind: 'status', status: 400, count: 1 });
    const error = await rejectionOf(chat(a));
    expect(error.data.status).toBe(400);
    await expectNoFallback(error, ErrorCode.UPSTREAM_ERROR);
  });

  it('on a 404 for a model the upstream does not have', async () => {
    const b = await fallback();
    const a = await primary({ defaultModel: 'gone-model', fallbacks: [b.id] });
    await expectNoFallback(await rejectionOf(chat(a)), ErrorCode.MODEL_NOT_FOUND);
  });

  it('after output has started: a stream cut short surfaces INCOMPLETE with the partial text', async () => {
    const b = await fallback();
    const a = await primary({ fallbacks: [b.id] });
    env.up.fault({ kind: 'truncate', afterChunks: 2, count: 1 });
    const deltas = captureDeltas(env.client, 'cut');
    const error = await rejectionOf(chat(a, 'cut'));
    deltas.dispose();
    await expectNoFallback(error, ErrorCode.INCOMPLETE);
    expect(error.data.partialText).toBe(PRIMARY.slice(0, 2).join(''));
    expect(deltas.texts.join('')).toBe(PRIMARY.slice(0, 2).join(''));
  });

  it('after output has started: a stall mid-stream surfaces TIMEOUT, a trigger only before the first token', async () => {
    const b = await fallback();
    const a = await primary({ timeoutMs: 1000, fallbacks: [b.id] });
    env.up.fault({ kind: 'hangAfterChunks', n: 1, count: 1 });
    const error = await rejectionOf(chat(a));
    await expectNoFallback(error, ErrorCode.TIMEOUT);
    expect(error.data.partialText).toBe(PRIMARY[0]);
  });

  it('after output has started: a 5xx error event mid-stream surfaces as the error', async () => {
    const b = await fallback();
    const a = await primary({ fallbacks: [b.id] });
    env.up.fault({ kind: 'streamError', afterChunks: 1, status: 500, count: 1 });
    const error = await rejectionOf(chat(a));
    await expectNoFallback(error, ErrorCode.UPSTREAM_ERROR);
    expect(error.data.partialText).toBe(PRIMARY[0]);
  });
});

describe('chains without loops', () => {
  it('ends A → B → C → A with the last error, each earlier connection skipped once', async () => {
    const dead = async (name: string) =>
      env.create({
        name: `${name}-${++made}`,
        provider: 'custom',
        baseUrl: `http://127.0.0.1:${await closedPort()}/v1`,
        defaultModel: 'm',
        maxRetries: 0,
      });
    const a = await dead('loop-a');
    const b = await dead('loop-b');
    const c = await dead('loop-c');
    await env.client.request(ConnectionsUpdate, { id: a.id, fallbacks: [b.id] });
    await env.client.request(ConnectionsUpdate, { id: b.id, fallbacks: [c.id, a.id] });
    await env.client.request(ConnectionsUpdate, { id: c.id, fallbacks: [a.id, b.id] });
    const error = await rejectionOf(chat(a));
    expect(error.code).toBe(ErrorCode.UNREACHABLE);
    const skipped = error.data.skipped as SkippedConnection[];
    expect(skipped.map((s) => s.connectionId)).toEqual([a.id, b.id]);
    expect(skipped.every((s) => s.code === ErrorCode.UNREACHABLE)).toBe(true);
    const usage = await env.client.request(UsageGet, { groupBy: ['connection'] });
    for (const conn of [a, b, c])
      expect(usage.groups!.find((g) => g.connectionId === conn.id)).toMatchObject({ requests: 1, errors: 1 });
  });

  it('ends a two-connection cycle whose fallback also fails with its error and the primary skipped once', async () => {
    const b = await fallback();
    const a = await primary({ fallbacks: [b.id] });
    await env.client.request(ConnectionsUpdate, { id: b.id, fallbacks: [a.id] });
    env.up.fault({ kind: 'status', status: 503 });
    backup.fault({ kind: 'status', status: 500 });
    const error = await rejectionOf(chat(a));
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error.data.status).toBe(500);
    expect((error.data.skipped as SkippedConnection[]).map((s) => [s.connectionId, s.code])).toEqual([
      [a.id, ErrorCode.UPSTREAM_ERROR],
    ]);
    expect(primaryChats()).toHaveLength(1);
    expect(backupChats()).toHaveLength(1);
  });
});

describe('through the OpenAI-compatible endpoint', () => {
  const post = (model: string, stream: boolean) =>
    fetch(`http://127.0.0.1:${env.daemon.info.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.daemon.info.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('answers /v1/chat/completions from the fallback, streaming and not', async () => {
    const b = await fallback();
    const a = await primary({ fallbacks: [b.id] });
    env.up.fault({ kind: 'status', status: 503, count: 2 });
    const plain = await post(a.name, false);
    expect(plain.status).toBe(200);
    expect(
      ((await plain.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content,
    ).toBe(BACKUP.join(''));
    const streamed = await post(a.name, true);
    expect(streamed.status).toBe(200);
    const text = (await streamed.text())
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map(
        (l) =>
          (JSON.parse(l.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ??
          '',
      )
      .join('');
    expect(text).toBe(BACKUP.join(''));
    expect(backupChats()).toHaveLength(2);
  });

  it("returns the primary's error when it may not fall back (the upstream rejected its key)", async () => {
    const b = await fallback();
    const a = await primary({ apiKey: 'sk-wrong-key-0123456789abcdefghijkl', fallbacks: [b.id] });
    const res = await post(a.name, false);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    expect(backupChats()).toHaveLength(0);
  });
});
