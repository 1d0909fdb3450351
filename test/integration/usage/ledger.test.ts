/**
 * The usage and cost ledger end to end: the real daemon, real clients over its socket and its
 * OpenAI-compatible HTTP endpoint, the mock upstream reporting exact token counts. Proves the ledger
 * counts what the upstream reported to the token, prices it at the catalog's price (or the user's,
 * after `prices/set`), leaves unknown prices unknown, and groups and totals it.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, JsonRpcCode } from '../../../shared/errors';
import {
  AuditList,
  PricesList,
  PricesSet,
  ProvidersList,
  UsageGet,
  type ChatStreamResult,
  type Connection,
  type UsageGetParams,
} from '../../../shared/protocol';
import { catalogPricesOf } from '../../../daemon/catalog/catalogPrices';
import { cleanupDaemons, daemonOpenAI, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
let work: Connection;
let claude: Connection;
let sdk: OpenAI;

const price = (provider: string, model: string) => catalogPricesOf(provider).models.find((m) => m.model === model)!;
const GPT4O = price('openai', 'gpt-4o');
const SONNET = price('anthropic', 'claude-sonnet-4-5');
const cost = (p: { inputPerMTok: number; outputPerMTok: number }, input: number, output: number) =>
  (input * p.inputPerMTok + output * p.outputPerMTok) / 1e6;

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  work = await env.create({
    name: 'work',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-4o',
    maxRetries: 0,
  });
  claude = await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-sonnet-4-5',
    maxRetries: 0,
  });
  sdk = daemonOpenAI(env, 10_000);
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

async function chat(connectionId: string, model?: string): Promise<ChatStreamResult> {
  const stream = env.client.chat({
    streamId: `s-${Math.random().toString(36).slice(2)}`,
    connectionId,
    ...(model && { model }),
    messages: user('count me'),
  });
  for await (const _ of stream);
  return stream.result;
}

const usage = (params: UsageGetParams = {}) => env.client.request(UsageGet, params);

describe('the ledger', () => {
  it('counts the tokens the upstream reported, to the token, across chats over JSON-RPC and HTTP, priced at the catalog price', async () => {
    const before = (await usage({ connectionId: work.id })).totals;
    env.up.reply('gpt-4o', { chunks: ['a', 'b', 'c'], usage: { input: 1234, output: 56 } });
    const first = await chat(work.id);
    expect(first.usage).toEqual({ inputTokens: 1234, outputTokens: 56 });
    expect(first.costUsd).toBeCloseTo(cost(GPT4O, 1234, 56), 12);
    expect(first.connectionName).toBe('work');

    env.up.reply('gpt-4o', { chunks: ['d'], usage: { input: 777, output: 3 } });
    await chat(work.id);
    env.up.reply('gpt-4o', { chunks: ['e', 'f'], usage: { input: 4321, output: 99 } });
    await sdk.chat.completions
      .create({ model: 'work/gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true })
      .then(async (s) => {
        for await (const _ of s);
      });
    env.up.reply('gpt-4o', { chunks: ['g'], usage: { input: 10, output: 1 } });
    const plain = await sdk.chat.completions.create({
      model: 'work/gpt-4o',
      messages: [{ role: 'user', content: 'y' }],
    });
    expect(plain.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 1 });

    const { totals, records } = await usage({ connectionId: work.id });
    expect(totals.requests - before.requests).toBe(4);
    expect(totals.inputTokens - before.inputTokens).toBe(1234 + 777 + 4321 + 10);
    expect(totals.outputTokens - before.outputTokens).toBe(56 + 3 + 99 + 1);
    expect(totals.costUsd - before.costUsd).toBeCloseTo(cost(GPT4O, 1234 + 777 + 4321 + 10, 56 + 3 + 99 + 1), 9);
    expect(totals.unpricedRequests).toBe(before.unpricedRequests);
    const today = new Date().toISOString().slice(0, 10);
    expect(records.filter((r) => r.model === 'gpt-4o').map((r) => r.day)).toEqual([today]);
  });

  it("counts an Anthropic connection's usage at its own catalog price", async () => {
    env.up.reply('claude-sonnet-4-5', { chunks: ['hi'], usage: { input: 2000, output: 300 } });
    const result = await chat(claude.id);
    expect(result.costUsd).toBeCloseTo(cost(SONNET, 2000, 300), 12);
    const { records } = await usage({ connectionId: claude.id });
    expect(records).toMatchObject([
      { connectionId: claude.id, model: 'claude-sonnet-4-5', inputTokens: 2000, outputTokens: 300 },
    ]);
    expect(records[0]!.costUsd).toBeCloseTo(cost(SONNET, 2000, 300), 12);
  });

  it('leaves the cost of a model without a price unknown — null and counted as unpriced, never zero', async () => {
    env.up.reply('my-finetune', { chunks: ['z'], usage: { input: 500, output: 50 } });
    const result = await chat(work.id, 'my-finetune');
    expect(result.costUsd).toBeNull();
    const { records, totals } = await usage({ connectionId: work.id });
    const row = records.find((r) => r.model === 'my-finetune')!;
    expect(row).toMatchObject({ requests: 1, inputTokens: 500, outputTokens: 50, costUsd: 0, unpricedRequests: 1 });
    expect(totals.unpricedRequests).toBeGreaterThanOrEqual(1);
  });

  it('uses a price set with prices/set for later chats, and the catalog price again once it is cleared', async () => {
    const set = await env.client.request(PricesSet, {
      provider: 'openai',
      model: 'gpt-4o',
      price: { inputPerMTok: 100, outputPerMTok: 1000 },
    });
    expect(set.price).toEqual({
      provider: 'openai',
      model: 'gpt-4o',
      inputPerMTok: 100,
      outputPerMTok: 1000,
      source: 'user',
    });
    env.up.reply('gpt-4o-2024-08-06', { chunks: ['a'], usage: { input: 10_000, output: 1_000 } });
    const dated = await chat(work.id, 'gpt-4o-2024-08-06');
    expect(dated.costUsd).toBeCloseTo(1 + 1, 12);

    const listed = await env.client.request(PricesList, { provider: 'openai' });
    expect(listed.prices.find((p) => p.model === 'gpt-4o')).toMatchObject({ source: 'user', inputPerMTok: 100 });
    const providers = await env.client.request(ProvidersList, {});
    expect(providers.providers.find((p) => p.id === 'openai')!.models).toContainEqual({
      model: 'gpt-4o',
      inputPerMTok: 100,
      outputPerMTok: 1000,
    });
    const audit = await env.client.request(AuditList, { limit: 5 });
    expect(audit.entries.some((e) => e.action === 'priceSet' && e.details?.model === 'gpt-4o')).toBe(true);

    // An unknown model priced by the user stops being unpriced.
    await env.client.request(PricesSet, {
      provider: 'openai',
      model: 'my-finetune',
      price: { inputPerMTok: 2, outputPerMTok: 4 },
    });
    env.up.reply('my-finetune', { chunks: ['z'], usage: { input: 1_000_000, output: 0 } });
    expect((await chat(work.id, 'my-finetune')).costUsd).toBe(2);

    const cleared = await env.client.request(PricesSet, { provider: 'openai', model: 'gpt-4o', price: null });
    expect(cleared.price).toMatchObject({ source: 'catalog', inputPerMTok: GPT4O.inputPerMTok });
    env.up.reply('gpt-4o', { chunks: ['a'], usage: { input: 100, output: 10 } });
    expect((await chat(work.id)).costUsd).toBeCloseTo(cost(GPT4O, 100, 10), 12);
    await env.client.request(PricesSet, { provider: 'openai', model: 'my-finetune', price: null });
  });

  it('refuses a price for an unknown provider with PROVIDER_NOT_FOUND, and a negative price as invalid', async () => {
    const unknown = await rejectionOf(
      env.client.request(PricesSet, { provider: 'nope', model: 'm', price: { inputPerMTok: 1, outputPerMTok: 1 } }),
    );
    expect(unknown.code).toBe(ErrorCode.PROVIDER_NOT_FOUND);
    expect(unknown.data.hint).toMatch(/openai/);
    const negative = await rejectionOf(
      env.client.request(PricesSet, { provider: 'openai', model: 'm', price: { inputPerMTok: -1, outputPerMTok: 1 } }),
    );
    expect(negative.code).toBe(JsonRpcCode.InvalidParams);
    expect(negative.message).toContain('inputPerMTok');
    expect((await env.client.request(PricesList, { provider: 'openai' })).prices.some((p) => p.model === 'm')).toBe(
      false,
    );
  });
});

describe('usage/get grouping and totals', () => {
  it('sums rows by connection, by model and by day, largest cost first, with totals over everything matched', async () => {
    env.up.reply('gpt-4o-mini', { chunks: ['a'], usage: { input: 40, output: 4 } });
    await chat(work.id, 'gpt-4o-mini');
    const all = await usage({ groupBy: ['connection'] });
    expect(all.groups!.map((g) => g.connectionId).sort()).toEqual([claude.id, work.id].sort());
    for (const g of all.groups!) {
      expect(Object.keys(g)).not.toContain('model');
      const rows = all.records.filter((r) => r.connectionId === g.connectionId);
      expect(g.requests).toBe(rows.reduce((s, r) => s + r.requests, 0));
      expect(g.inputTokens).toBe(rows.reduce((s, r) => s + r.inputTokens, 0));
      expect(g.costUsd).toBeCloseTo(
        rows.reduce((s, r) => s + r.costUsd, 0),
        9,
      );
    }
    const costs = all.groups!.map((g) => g.costUsd);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
    expect(all.totals.requests).toBe(all.records.reduce((s, r) => s + r.requests, 0));
    expect(all.totals.outputTokens).toBe(all.records.reduce((s, r) => s + r.outputTokens, 0));

    const byModel = await usage({ connectionId: work.id, groupBy: ['model'] });
    expect(byModel.groups!.find((g) => g.model === 'gpt-4o-mini')).toMatchObject({
      requests: 1,
      inputTokens: 40,
      outputTokens: 4,
    });
    expect(byModel.groups!.every((g) => g.connectionId === undefined)).toBe(true);

    const today = new Date().toISOString().slice(0, 10);
    const byDay = await usage({ groupBy: ['day', 'connection'] });
    expect(byDay.groups!.every((g) => g.day === today && g.connectionId !== undefined)).toBe(true);

    const none = await usage({ from: '2000-01-01', to: '2000-01-31', groupBy: ['model'] });
    expect(none).toEqual({
      records: [],
      groups: [],
      totals: {
        requests: 0,
        errors: 0,
        inputTokens: 0,
        outputTokens: 0,
        latencyMsTotal: 0,
        costUsd: 0,
        unpricedRequests: 0,
        estimatedRequests: 0,
      },
    });
    expect((await usage({})).groups).toBeUndefined();
  });

  it('counts a failed request as an error without inventing tokens', async () => {
    const before = (await usage({ connectionId: work.id })).totals;
    env.up.fault({ kind: 'status', status: 400, count: 1 });
    await rejectionOf(chat(work.id));
    const after = (await usage({ connectionId: work.id })).totals;
    expect(after.requests - before.requests).toBe(1);
    expect(after.errors - before.errors).toBe(1);
    expect(after.inputTokens).toBe(before.inputTokens);
    expect(after.costUsd).toBeCloseTo(before.costUsd, 12);
  });

  it('counts a stopped answer as a request, not as an error', async () => {
    const before = (await usage({ connectionId: work.id })).totals;
    env.up.reply('gpt-4o', { chunks: Array.from({ length: 200 }, (_, i) => `${i} `), chunkDelayMs: 20 });
    const stream = env.client.chat({ streamId: 'stopped-1', connectionId: work.id, messages: user('long') });
    for await (const _ of stream) {
      stream.cancel();
      break;
    }
    const error = await rejectionOf(stream.result);
    expect(error.code).toBe(ErrorCode.CANCELLED);
    await expect
      .poll(async () => (await usage({ connectionId: work.id })).totals.requests - before.requests, { timeout: 5000 })
      .toBe(1);
    expect((await usage({ connectionId: work.id })).totals.errors).toBe(before.errors);
  });

  it('records who asked under the client the request named (e.g. VS Code chat), apart from the requests that named none', async () => {
    env.up.reply('gpt-4o', { chunks: ['a'], usage: { input: 3, output: 1 } });
    const named = env.client.chat({ connectionId: work.id, messages: user('from the picker'), client: 'VS Code chat' });
    await named.result;
    await chat(work.id);
    const byClient = await usage({ connectionId: work.id, groupBy: ['client'] });
    const vsCode = byClient.groups!.find((g) => g.client === 'VS Code chat');
    expect(vsCode).toMatchObject({ requests: 1, inputTokens: 3, outputTokens: 1 });
    // The rest of the connection's requests named no client: their group has none.
    const unnamed = byClient.groups!.filter((g) => g.client === undefined);
    expect(unnamed).toHaveLength(1);
    expect(unnamed[0]!.requests).toBe(byClient.totals.requests - 1);
    expect(byClient.records.filter((r) => r.client === 'VS Code chat').map((r) => r.requests)).toEqual([1]);
    const tooLong = await rejectionOf(
      env.client.chat({ connectionId: work.id, messages: user('x'), client: 'x'.repeat(81) }).result,
    );
    expect(tooLong.code).toBe(JsonRpcCode.InvalidParams);
  });

  it('rejects a malformed day or group key as invalid params', async () => {
    const day = await rejectionOf(usage({ from: '2026-1-1' }));
    expect(day.code).toBe(JsonRpcCode.InvalidParams);
    expect(day.message).toMatch(/YYYY-MM-DD/);
    expect((await rejectionOf(env.client.request(UsageGet, { groupBy: ['provider' as 'model'] }))).code).toBe(
      JsonRpcCode.InvalidParams,
    );
  });
});
