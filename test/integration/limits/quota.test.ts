/**
 * Quota visibility end to end: connections/quota shows how much of each configured capacity limit is
 * used and left now, beside the provider's own limits from its rate-limit headers; and
 * connections/quotaWarning goes out once when a limit passes 80%, to the clients that subscribed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import {
  ConnectionsQuota,
  EventsSubscribe,
  QuotaWarning,
  type ConnectionQuota,
  type QuotaWarningParams,
} from '../../../shared/protocol';
import { eventually } from '../../helpers/daemonProcess';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, type Env } from '../chat/harness';
import { rpcChat, sleep } from './helpers';

afterAll(async () => {
  await cleanupDaemons();
});

/** Every answer reports 7 input + 3 output tokens: 10 tokens a request. */
const REPLY = { chunks: ['ok'], usage: { input: 7, output: 3 } };

async function quotaOf(env: Env, id: string): Promise<ConnectionQuota> {
  const { quotas } = await env.client.request(ConnectionsQuota, { id });
  expect(quotas).toHaveLength(1);
  return quotas[0]!;
}

async function listen(env: Env, name: string): Promise<QuotaWarningParams[]> {
  const listener = await env.connect(name);
  await listener.request(EventsSubscribe, { events: ['connections/quotaWarning'] });
  const warnings: QuotaWarningParams[] = [];
  listener.onNotification(QuotaWarning, (w) => warnings.push(w));
  return warnings;
}

describe('configured capacity limits', () => {
  let env: Env;
  beforeAll(async () => {
    ensureBuilt();
    env = await setup({ rateLimits: { requests: 5000, tokens: 800_000 }, defaultReply: REPLY });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const create = (
    name: string,
    capacity: Array<{ period: 'minute' | 'hour' | 'day'; requests?: number; tokens?: number }>,
  ) =>
    env.create({
      name,
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      capacity,
    });

  it('shows what is used and left of each limit now, and what the provider reported', async () => {
    // Daily limits refill by a tiny fraction during the test, so the counts are exact.
    const conn = await create('metered', [{ period: 'day', requests: 10, tokens: 1000 }]);
    const fresh = await quotaOf(env, conn.id);
    expect(fresh).toMatchObject({
      connectionId: conn.id,
      name: 'metered',
      limits: [
        { period: 'day', kind: 'requests', limit: 10, used: 0, remaining: 10, fraction: 0, fullInMs: 0 },
        { period: 'day', kind: 'tokens', limit: 1000, used: 0, remaining: 1000, fraction: 0, fullInMs: 0 },
      ],
    });
    expect(fresh.provider).toBeUndefined();

    for (let i = 0; i < 3; i++) expect((await rpcChat(env.client, conn.id)).ok).toBe(true);
    const quota = await quotaOf(env, conn.id);
    const [requests, tokens] = quota.limits;
    expect(requests).toMatchObject({ kind: 'requests', limit: 10, used: 3, remaining: 7 });
    expect(requests!.fraction).toBe(0.3);
    // 3 requests of a 10-per-day bucket drain in 3 × 2.4 hours.
    expect(requests!.fullInMs).toBeGreaterThan(7 * 3_600_000);
    expect(requests!.fullInMs).toBeLessThanOrEqual(3 * 8_640_000);
    // Tokens count what the upstream reported, not the estimate.
    expect(tokens).toMatchObject({ kind: 'tokens', limit: 1000, used: 30, remaining: 970 });
    expect(Date.parse(quota.at)).toBeGreaterThan(0);

    // The provider's own limits, from its x-ratelimit-* headers, with what is used of them.
    expect(quota.provider!.limits).toEqual([
      expect.objectContaining({ kind: 'requests', limit: 5000 }),
      expect.objectContaining({ kind: 'tokens', limit: 800_000 }),
    ]);
    for (const l of quota.provider!.limits) {
      expect(l.used! + l.remaining!).toBe(l.limit);
      expect(l.used).toBeGreaterThan(0);
      expect(Date.parse(l.resetsAt!)).toBeGreaterThan(0);
    }
    // Never a key in the answer.
    expect(JSON.stringify(quota)).not.toContain(KEYS.a);
  });

  it('lists every connection without an id, and refuses an unknown one', async () => {
    const plain = await create('unlimited', []);
    const { quotas } = await env.client.request(ConnectionsQuota, {});
    const mine = quotas.find((q) => q.connectionId === plain.id);
    expect(mine).toMatchObject({ name: 'unlimited', limits: [] });
    expect(quotas.map((q) => q.name)).toContain('metered');

    const error = await rejectionOf(env.client.request(ConnectionsQuota, { id: 'no-such-connection' }));
    expect(error.code).toBe(ErrorCode.CONNECTION_NOT_FOUND);
  });

  it('warns once when a limit passes 80%, not on every request after, and only those who subscribed', async () => {
    const conn = await create('nearly-full', [{ period: 'day', requests: 5 }]);
    const warnings = await listen(env, 'quota-listener');
    const bystander = await env.connect('not-subscribed');
    await bystander.request(EventsSubscribe, { events: ['connections/changed'] });
    const unasked: QuotaWarningParams[] = [];
    bystander.onNotification(QuotaWarning, (w) => unasked.push(w));

    for (let i = 0; i < 3; i++) expect((await rpcChat(env.client, conn.id)).ok).toBe(true); // 60%
    await sleep(200);
    expect(warnings.filter((w) => w.source === 'limit')).toEqual([]);

    expect((await rpcChat(env.client, conn.id)).ok).toBe(true); // 80%
    expect(await eventually(() => warnings.some((w) => w.source === 'limit'))).toBe(true);
    expect((await rpcChat(env.client, conn.id)).ok).toBe(true); // 100%: no second warning
    await sleep(300);

    const mine = warnings.filter((w) => w.connectionId === conn.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      name: 'nearly-full',
      source: 'limit',
      kind: 'requests',
      period: 'day',
      limit: 5,
      used: 4,
      remaining: 1,
    });
    expect(mine[0]!.fraction).toBe(0.8);
    expect(unasked).toEqual([]);
  });

  it('warns for a token limit when the tokens the upstream reported pass 80%', async () => {
    // Each request reserves its estimate (1 input + 3 output tokens), then the 10 tokens reported.
    // Against 45 a day: 30 after three (67%); the fourth is let in at 34 and settles at 40 (89%).
    const conn = await create('token-capped', [{ period: 'day', tokens: 45 }]);
    const warnings = await listen(env, 'token-listener');
    const call = { options: { maxTokens: 3 } };
    for (let i = 0; i < 3; i++) expect((await rpcChat(env.client, conn.id, call)).ok).toBe(true);
    await sleep(200);
    expect(warnings.filter((w) => w.connectionId === conn.id)).toEqual([]);
    expect((await rpcChat(env.client, conn.id, call)).ok).toBe(true);
    expect(await eventually(() => warnings.some((w) => w.connectionId === conn.id))).toBe(true);
    expect(warnings.find((w) => w.connectionId === conn.id)).toMatchObject({
      source: 'limit',
      kind: 'tokens',
      limit: 45,
      used: 40,
      remaining: 5,
    });
  });
});

describe("the provider's reported limits", () => {
  let env: Env;
  beforeAll(async () => {
    ensureBuilt();
    // The mock reports 5 requests per window and counts down with each answer.
    env = await setup({ rateLimits: { requests: 5, tokens: 1_000_000 }, defaultReply: REPLY });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('warns once when what the provider reports passes 80% of its limit', async () => {
    const conn = await env.create({
      name: 'provider-metered',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
    });
    const warnings = await listen(env, 'provider-listener');
    for (let i = 0; i < 3; i++) expect((await rpcChat(env.client, conn.id)).ok).toBe(true); // 3 of 5 used
    await sleep(200);
    expect(warnings).toEqual([]);
    expect((await rpcChat(env.client, conn.id)).ok).toBe(true); // 4 of 5: 80%
    expect(await eventually(() => warnings.length > 0)).toBe(true);
    expect((await rpcChat(env.client, conn.id)).ok).toBe(true); // 5 of 5: still the one warning
    await sleep(300);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      connectionId: conn.id,
      name: 'provider-metered',
      source: 'provider',
      kind: 'requests',
      limit: 5,
      used: 4,
      remaining: 1,
      fraction: 0.8,
    });
    expect(warnings[0]!.period).toBeUndefined();
    expect(Date.parse(warnings[0]!.resetsAt!)).toBeGreaterThan(0);

    // connections/quota shows the same figures (the headers of the last answer).
    const quota = await quotaOf(env, conn.id);
    expect(quota.limits).toEqual([]);
    expect(quota.provider!.limits[0]).toMatchObject({ kind: 'requests', limit: 5, used: 5, remaining: 0, fraction: 1 });
  });
});
