/**
 * `onLimit: "queue"` end to end: a burst over the limit from two clients and the HTTP endpoint waits
 * its turn and drains at the configured rate; a request that would wait past `maxQueueWaitMs` fails at
 * once; a cancelled one leaves the queue; a stopping daemon answers every queued request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type SwitchboardClient } from '../../../shared/client';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';
import { errorOf, httpChat, rpcChat, sleep } from './helpers';

let env: Env;
let second: SwitchboardClient;

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['ok'], usage: { input: 5, output: 1 } } });
  second = await env.connect('second-client');
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

const create = (name: string, extra: Record<string, unknown>) =>
  env.create({
    name,
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
    onLimit: 'queue',
    ...extra,
  });
const arrivals = (since: number) =>
  env
    .chats()
    .filter((r) => r.startedAt >= since)
    .map((r) => r.startedAt)
    .sort((a, b) => a - b);
const exhaust = (connectionId: string, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => rpcChat(i % 2 ? second : env.client, connectionId)));

describe('a queueing connection', () => {
  it('drains a burst over the limit at one request per period / limit, in a bounded wait', async () => {
    // 60 per minute: a burst of 60 at once, then one per second.
    const conn = await create('drain', { capacity: [{ period: 'minute', requests: 60 }] });
    const since = Date.now();
    const rpc = Array.from({ length: 60 }, (_, i) => rpcChat(i % 2 ? second : env.client, conn.id));
    const http = Array.from({ length: 4 }, () => httpChat(env, 'drain'));
    const [rpcOutcomes, httpOutcomes] = await Promise.all([Promise.all(rpc), Promise.all(http)]);
    expect(rpcOutcomes.filter((o) => !o.ok).map((o) => errorOf(o).message)).toEqual([]);
    expect(httpOutcomes.map((o) => o.status)).toEqual([200, 200, 200, 200]);

    const times = arrivals(since);
    expect(times).toHaveLength(64);
    // The upstream saw the burst, then the four over the limit one per second: the k-th no earlier
    // than k seconds after the burst was sent. A loaded machine can only make them late (the burst's
    // own requests reaching the upstream late, two timers firing together), never early, so the
    // bounds are on the rate from the moment of sending, not on gaps between neighbours.
    for (let k = 1; k <= 4; k++)
      expect(times[59 + k]! - since, `over-limit request ${k}`).toBeGreaterThanOrEqual(k * 1000 - 50);
    // Bounded: all four within a few seconds (generous: a loaded machine).
    expect(times[63]! - since).toBeLessThan(12_000);
  });

  it('refuses at once, with RATE_LIMITED, a request that would wait longer than maxQueueWaitMs', async () => {
    const conn = await create('patient', { capacity: [{ period: 'hour', requests: 3 }], maxQueueWaitMs: 5000 });
    expect((await exhaust(conn.id, 3)).every((o) => o.ok)).toBe(true);
    const sent = Date.now();
    const error = errorOf(await rpcChat(env.client, conn.id));
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.message).toMatch(
      /^Connection "patient" is over its limit of 3 requests per hour, and this request would wait about 20 min in its queue, longer than its maxQueueWaitMs \(5 s\)\.$/,
    );
    expect(error.data.hint).toBe("Retry in 20 min, or raise the connection's capacity or its maxQueueWaitMs.");
    expect(error.data).toMatchObject({ limit: { period: 'hour', requests: 3 }, source: 'capacity' });
    const http = await httpChat(env, 'patient');
    expect(http.status).toBe(429);
    expect(Number(http.headers.get('retry-after'))).toBeGreaterThan(1100);
  });

  it('queues only as many as fit in maxQueueWaitMs behind each other, and refuses the rest at once', async () => {
    const conn = await create('short', { capacity: [{ period: 'minute', requests: 60 }], maxQueueWaitMs: 2500 });
    await exhaust(conn.id, 60);
    const sent = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, i) => rpcChat(i % 2 ? second : env.client, conn.id)),
    );
    const queued = outcomes.filter((o) => o.ok);
    const refused = outcomes.filter((o) => !o.ok);
    // Two or three fit in 2.5 s at one per second, depending on how far the refill got during the burst.
    expect(queued.length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    for (const o of refused) {
      expect(errorOf(o).code).toBe(ErrorCode.RATE_LIMITED);
      expect(errorOf(o).data.retryAfterMs).toBeGreaterThan(2500);
      expect(o.at - sent).toBeLessThan(1000);
    }
    for (const o of queued) expect(o.at - sent).toBeLessThan(2500 + 1500);
  });

  it('takes a cancelled request out of the queue without calling the upstream', async () => {
    // One request per hour, and a queue that may wait the whole hour: a second waiter would need two.
    const conn = await create('cancel', { capacity: [{ period: 'hour', requests: 1 }], maxQueueWaitMs: 3_600_000 });
    expect((await rpcChat(env.client, conn.id)).ok).toBe(true);
    const since = Date.now();

    const first = new AbortController();
    const waiting = rpcChat(env.client, conn.id, { signal: first.signal });
    await sleep(300);
    first.abort();
    expect(errorOf(await waiting).code).toBe(ErrorCode.CANCELLED);

    // Had it stayed queued, this one would have to wait two hours and be refused at once.
    const again = new AbortController();
    const next = rpcChat(second, conn.id, { signal: again.signal });
    const early = await Promise.race([next, sleep(700).then(() => 'still waiting' as const)]);
    expect(early).toBe('still waiting');
    again.abort();
    expect(errorOf(await next).code).toBe(ErrorCode.CANCELLED);
    await sleep(100);
    expect(arrivals(since)).toEqual([]);
  });

  it('answers every queued request when the daemon stops, and stops promptly', async () => {
    // Four per hour: once they are spent, the next two wait about 15 and 30 minutes.
    const conn = await create('stopping', { capacity: [{ period: 'hour', requests: 4 }], maxQueueWaitMs: 3_600_000 });
    expect((await exhaust(conn.id, 4)).every((o) => o.ok)).toBe(true);
    const rpc = rpcChat(second, conn.id);
    const http = httpChat(env, 'stopping').catch((error: unknown) => error);
    await sleep(300);
    const stopped = Date.now();
    expect(await env.daemon.stop()).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(5000);
    const error = errorOf(await rpc);
    expect(error.code).toBe(ErrorCode.CANCELLED);
    expect(error.message).toBe('The request was cancelled because the daemon is shutting down.');
    // The HTTP caller is answered too, not left hanging until its socket is cut.
    const answer = (await http) as Awaited<ReturnType<typeof httpChat>>;
    expect(answer.status).toBe(499);
    expect(answer.body.error).toMatchObject({
      code: 'cancelled',
      message: expect.stringContaining('daemon is shutting down'),
    });
  });
});
