/**
 * Discovered capacity: the rate limits each upstream reports in its response headers (OpenAI's
 * x-ratelimit-*, Anthropic's anthropic-ratelimit-*) are stored on the connection and shown by
 * connections/get and connections/list, without a connections/changed event per response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionsChanged,
  ConnectionsGet,
  ConnectionsList,
  EventsSubscribe,
  ModelsList,
  type ConnectionsChangedParams,
} from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';
import { rpcChat } from './helpers';

let env: Env;

beforeAll(async () => {
  ensureBuilt();
  env = await setup({
    rateLimits: { requests: 5000, tokens: 800_000 },
    defaultReply: { chunks: ['ok'], usage: { input: 7, output: 3 } },
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

describe('discovered capacity', () => {
  it.each([
    ['OpenAI x-ratelimit-*', 'openai', () => env.up.openaiBaseUrl, KEYS.a, 'gpt-5.4'],
    ['Anthropic anthropic-ratelimit-*', 'anthropic', () => env.up.anthropicBaseUrl, KEYS.ant, 'claude-sonnet-4-6'],
  ])('stores the %s headers on the connection', async (_label, provider, baseUrl, apiKey, model) => {
    const conn = await env.create({
      name: `discovered-${provider}`,
      provider,
      baseUrl: baseUrl(),
      apiKey,
      defaultModel: model,
      maxRetries: 0,
      capacity: [{ period: 'minute', requests: 100 }],
    });
    expect(conn.discoveredCapacity).toBeUndefined();
    const before = Date.now();
    expect((await rpcChat(env.client, conn.id)).ok).toBe(true);

    const { connection } = await env.client.request(ConnectionsGet, { id: conn.id });
    const found = connection.discoveredCapacity!;
    expect(found).toMatchObject({ requestsLimit: 5000, tokensLimit: 800_000 });
    expect(found.requestsRemaining).toBeGreaterThanOrEqual(0);
    expect(found.requestsRemaining).toBeLessThan(5000);
    expect(found.tokensRemaining).toBeLessThan(800_000);
    expect(Date.parse(found.requestsReset!)).toBeGreaterThan(before);
    expect(Date.parse(found.tokensReset!)).toBeGreaterThan(before);
    expect(Date.parse(found.observedAt)).toBeGreaterThanOrEqual(before - 1000);
    // Beside the configured limits, in the list too.
    const { connections } = await env.client.request(ConnectionsList);
    expect(connections.find((c) => c.id === conn.id)).toMatchObject({
      capacity: [{ period: 'minute', requests: 100 }],
      discoveredCapacity: { requestsLimit: 5000 },
    });
  });

  it('updates with every response and sends no connections/changed for it', async () => {
    const conn = await env.create({
      name: 'quiet',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
    });
    const watcher = await env.connect('watcher');
    await watcher.request(EventsSubscribe, { events: ['connections/changed'] });
    const changed: ConnectionsChangedParams[] = [];
    watcher.onNotification(ConnectionsChanged, (p) => changed.push(p));

    expect((await rpcChat(env.client, conn.id)).ok).toBe(true);
    const first = (await env.client.request(ConnectionsGet, { id: conn.id })).connection.discoveredCapacity!;
    expect((await rpcChat(env.client, conn.id)).ok).toBe(true);
    const second = (await env.client.request(ConnectionsGet, { id: conn.id })).connection.discoveredCapacity!;
    // The mock counts down what is left with each request it serves.
    expect(second.requestsRemaining).toBeLessThan(first.requestsRemaining!);
    expect(Date.parse(second.observedAt)).toBeGreaterThanOrEqual(Date.parse(first.observedAt));
    expect(changed).toEqual([]);
  });

  it.each([
    ['OpenAI', 'openai', () => env.up.openaiBaseUrl, KEYS.a, 'gpt-5.4'],
    ['Anthropic', 'anthropic', () => env.up.anthropicBaseUrl, KEYS.ant, 'claude-sonnet-4-6'],
  ])(
    'records what a %s 429 answer reports: nothing left until the reset',
    async (_label, provider, baseUrl, apiKey, model) => {
      const conn = await env.create({
        name: `limited-${provider}`,
        provider,
        baseUrl: baseUrl(),
        apiKey,
        defaultModel: model,
        maxRetries: 0,
      });
      expect((await rpcChat(env.client, conn.id)).ok).toBe(true);
      const before = (await env.client.request(ConnectionsGet, { id: conn.id })).connection.discoveredCapacity!;
      expect(before.requestsRemaining).toBeGreaterThan(0);

      env.up.fault({ kind: 'status', status: 429, count: 1, retryAfterS: 30 });
      const refused = await rpcChat(env.client, conn.id);
      expect(refused.ok).toBe(false);
      const after = (await env.client.request(ConnectionsGet, { id: conn.id })).connection.discoveredCapacity!;
      expect(after).toMatchObject({ requestsLimit: 5000, requestsRemaining: 0, tokensRemaining: 0 });
      expect(Date.parse(after.observedAt)).toBeGreaterThanOrEqual(Date.parse(before.observedAt));
    },
  );

  it.each([
    ['OpenAI', 'openai', () => env.up.openaiBaseUrl, KEYS.a, 'gpt-5.4'],
    ['Anthropic', 'anthropic', () => env.up.anthropicBaseUrl, KEYS.ant, 'claude-sonnet-4-6'],
  ])('records what a %s model list answer reports', async (_label, provider, baseUrl, apiKey, model) => {
    const conn = await env.create({
      name: `listed-${provider}`,
      provider,
      baseUrl: baseUrl(),
      apiKey,
      defaultModel: model,
      maxRetries: 0,
    });
    await env.client.request(ModelsList, { connectionId: conn.id, refresh: true });
    const found = (await env.client.request(ConnectionsGet, { id: conn.id })).connection.discoveredCapacity;
    expect(found).toMatchObject({ requestsLimit: 5000, tokensLimit: 800_000 });
  });
});
