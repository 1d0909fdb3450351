/**
 * Capacity limits end to end: the real daemon, two JSON-RPC clients on their own sockets and the
 * OpenAI-compatible HTTP endpoint sending at the same time, against the mock upstream. Each limit
 * must trip exactly at its boundary (never one request more), name itself, and free up on time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type SwitchboardClient } from '../../../shared/client';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';
import { errorOf, httpChat, rpcChat, sleep, type RpcOutcome } from './helpers';

let env: Env;
let second: SwitchboardClient;

// Every answer reports 10 input + 20 output tokens, whatever was asked.
const USAGE = { input: 10, output: 20 };

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['Hello', ' from', ' mock'], usage: USAGE } });
  second = await env.connect('second-client');
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

const create = (name: string, capacity: unknown) =>
  env.create({
    name,
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
    capacity: capacity as never,
  });
const chatsTo = (since: number) => env.chats().filter((r) => r.startedAt >= since).length;
const refusals = (outcomes: RpcOutcome[]) => outcomes.filter((o): o is Extract<RpcOutcome, { ok: false }> => !o.ok);

describe('a requests limit', () => {
  // 20 per minute refills one request every 3 s: the burst is admitted long before the next one would be.
  it('admits exactly 20 of a concurrent burst from two clients and the HTTP endpoint, and refuses the rest with RATE_LIMITED / 429', async () => {
    const conn = await create('burst', [{ period: 'minute', requests: 20 }]);
    const since = Date.now();
    const rpc = [
      ...Array.from({ length: 8 }, () => rpcChat(env.client, conn.id)),
      ...Array.from({ length: 8 }, () => rpcChat(second, conn.id)),
    ];
    const http = Array.from({ length: 8 }, () => httpChat(env, 'burst'));
    const [rpcOutcomes, httpOutcomes] = await Promise.all([Promise.all(rpc), Promise.all(http)]);

    const okCount = rpcOutcomes.filter((o) => o.ok).length + httpOutcomes.filter((o) => o.status === 200).length;
    expect(okCount).toBe(20);
    expect(chatsTo(since)).toBe(20);
    for (const { error } of refusals(rpcOutcomes)) {
      expect(error.code).toBe(ErrorCode.RATE_LIMITED);
      expect(error.message).toBe('Connection "burst" is over its limit of 20 requests per minute.');
      expect(error.data).toMatchObject({
        connectionId: conn.id,
        limit: { period: 'minute', requests: 20 },
        source: 'capacity',
      });
      expect(error.data.retryAfterMs).toBeGreaterThan(0);
      expect(error.data.retryAfterMs).toBeLessThanOrEqual(3000);
    }
    const refusedHttp = httpOutcomes.filter((o) => o.status !== 200);
    for (const o of refusedHttp) {
      expect(o.status).toBe(429);
      expect(Number(o.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(o.headers.get('retry-after'))).toBeLessThanOrEqual(3);
      expect(o.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
      expect(o.body.error.message).toContain('over its limit of 20 requests per minute');
    }
    expect(refusals(rpcOutcomes).length + refusedHttp.length).toBe(4);
  });

  it('frees up one request after retryAfterMs, not before', async () => {
    const conn = await create('refill', [{ period: 'minute', requests: 20 }]);
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => rpcChat(i % 2 ? second : env.client, conn.id)),
    );
    expect(burst.every((o) => o.ok)).toBe(true);

    const first = await rpcChat(env.client, conn.id);
    expect(first.ok).toBe(false);
    const retryAfterMs = Number(errorOf(first).data.retryAfterMs);
    const freeAt = first.at + retryAfterMs;

    // Well before the refill: still refused, and the wait it names has shrunk accordingly.
    await sleep(freeAt - 1200 - Date.now());
    const early = await rpcChat(second, conn.id);
    expect(early.ok).toBe(false);
    expect(errorOf(early).data.retryAfterMs).toBeLessThanOrEqual(1300);

    await sleep(freeAt + 100 - Date.now());
    const since = Date.now();
    const [a, b] = [await rpcChat(env.client, conn.id), await rpcChat(second, conn.id)];
    expect(a.ok).toBe(true);
    expect(b.ok).toBe(false);
    expect(errorOf(b).data.retryAfterMs).toBeGreaterThan(2000);
    expect(chatsTo(since)).toBe(1);

    const http = await httpChat(env, 'refill');
    expect(http.status).toBe(429);
    expect(Number(http.headers.get('retry-after'))).toBeGreaterThanOrEqual(2);
  });
});

describe('a tokens limit', () => {
  // Each request reserves 1 + 29 = 30 tokens (4 characters per token of "hi", plus maxTokens) and reports 30.
  const options = { options: { maxTokens: 29 } };

  it('admits exactly as many concurrent requests as their estimates fit, and frees up on time', async () => {
    const conn = await create('tokens', [{ period: 'minute', tokens: 600 }]);
    const since = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 24 }, (_, i) => rpcChat(i % 2 ? second : env.client, conn.id, options)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(20);
    expect(chatsTo(since)).toBe(20);
    const refused = refusals(outcomes);
    expect(refused).toHaveLength(4);
    for (const { error } of refused) {
      expect(error.code).toBe(ErrorCode.RATE_LIMITED);
      expect(error.message).toBe(
        'Connection "tokens" is over its limit of 600 tokens per minute. This request reserves 30 tokens of it until it ends (about 1 prompt token and its max_tokens of 29); its reported usage then replaces the reservation.',
      );
      expect(error.data.limit).toEqual({ period: 'minute', tokens: 600 });
    }
    // 600 per minute refills 30 tokens (one request) every 3 s.
    const probe = await rpcChat(env.client, conn.id, options);
    const retryAfterMs = Number(errorOf(probe).data.retryAfterMs);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(3000);
    await sleep(probe.at + retryAfterMs + 100 - Date.now());
    expect((await rpcChat(second, conn.id, options)).ok).toBe(true);
    expect((await rpcChat(env.client, conn.id, options)).ok).toBe(false);
  });

  it('counts the tokens the upstream reports, not the estimate, once a request ends', async () => {
    // A slow answer keeps every request of the burst in flight until all were admitted on their estimates.
    env.up.reply('slow-model', { chunks: ['a', 'b'], usage: USAGE, firstChunkDelayMs: 1500 });
    const conn = await create('reported', [{ period: 'hour', tokens: 100 }]);
    const call = { model: 'slow-model', options: { maxTokens: 19 } }; // 1 + 19 = 20 reserved, 30 reported
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => rpcChat(i % 2 ? second : env.client, conn.id, call)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(5);
    for (const o of refusals(outcomes)) expect(o.error.data.limit).toEqual({ period: 'hour', tokens: 100 });

    // Five requests reported 150 tokens in all: the next 20 fit once 70 have refilled, at 100 per hour
    // (42 min). Had the estimates stayed (100), it would be 20 tokens (12 min).
    const next = errorOf(await rpcChat(env.client, conn.id, call));
    expect(next.data.retryAfterMs).toBeGreaterThan(70 * 36_000 - 60_000);
    expect(next.data.retryAfterMs).toBeLessThanOrEqual(70 * 36_000);
    expect(next.data.hint).toMatch(
      /^Retry in 4[12] min, raise the connection's capacity, or set onLimit to "queue"\.$/,
    );
  });

  it('refunds the estimate of a request that failed without usage', async () => {
    env.up.fault({ kind: 'status', status: 500, count: 1, match: { model: 'broken-model' } });
    const conn = await create('refund', [{ period: 'hour', tokens: 100, requests: 10 }]);
    const failed = errorOf(await rpcChat(env.client, conn.id, { model: 'broken-model', options: { maxTokens: 79 } }));
    expect(failed.code).toBe(ErrorCode.UPSTREAM_ERROR);
    // 80 tokens were reserved; had they not come back, this 80 would not fit.
    expect((await rpcChat(second, conn.id, { options: { maxTokens: 69 } })).ok).toBe(true);
  });
});
