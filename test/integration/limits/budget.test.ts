/**
 * Budgets end to end: a price set with prices/set, requests costed from the usage the mock reports,
 * BUDGET_EXCEEDED (HTTP: OpenAI's insufficient_quota) once a request would pass the budget, and one
 * usage/budgetWarning per period at 80%, to the clients that subscribed to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import {
  BudgetWarning,
  ConnectionsUpdate,
  EventsSubscribe,
  PricesSet,
  UsageBudgets,
  type BudgetWarningParams,
} from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';
import { errorOf, httpChat, rpcChat, sleep } from './helpers';

let env: Env;

beforeAll(async () => {
  ensureBuilt();
  // Every answer reports 10 input + 20 output tokens.
  env = await setup({ defaultReply: { chunks: ['ok'], usage: { input: 10, output: 20 } } });
  // $1000 per million tokens = $0.001 a token: each answer costs $0.03.
  await env.client.request(PricesSet, {
    provider: 'openai',
    model: 'gpt-5.4',
    price: { inputPerMTok: 1000, outputPerMTok: 1000 },
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

const chatsSoFar = () => env.chats().length;

describe('a daily budget', () => {
  it('warns once at 80%, then refuses the request that would pass it with BUDGET_EXCEEDED', async () => {
    const conn = await env.create({
      name: 'capped',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      budget: { period: 'day', amount: 0.1 },
    });
    const listener = await env.connect('budget-listener');
    await listener.request(EventsSubscribe, { events: ['usage/budgetWarning'] });
    const bystander = await env.connect('not-subscribed');
    await bystander.request(EventsSubscribe, { events: ['connections/changed'] });
    const warnings: BudgetWarningParams[] = [];
    const unasked: BudgetWarningParams[] = [];
    listener.onNotification(BudgetWarning, (w) => warnings.push(w));
    bystander.onNotification(BudgetWarning, (w) => unasked.push(w));

    // Each request is estimated at 1 input + 20 output tokens ($0.021) and costs $0.03.
    const call = { options: { maxTokens: 20 } };
    expect((await rpcChat(env.client, conn.id, call)).ok).toBe(true); // $0.03
    expect((await rpcChat(env.client, conn.id, call)).ok).toBe(true); // $0.06
    await sleep(200);
    expect(warnings).toEqual([]);
    const third = await rpcChat(env.client, conn.id, call); // $0.09: past 80%
    expect(third.ok && third.result.costUsd).toBeCloseTo(0.03, 9);
    const deadline = Date.now() + 3000;
    while (warnings.length === 0 && Date.now() < deadline) await sleep(25);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      connectionId: conn.id,
      name: 'capped',
      period: 'day',
      amount: 0.1,
      fraction: 0.9,
      unpricedRequests: 0,
    });
    expect(warnings[0]!.spentUsd).toBeCloseTo(0.09, 9);
    expect(warnings[0]!.periodStart).toBe(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);

    // $0.09 spent + $0.021 estimated > $0.10, whichever client asks.
    const before = chatsSoFar();
    const refused = errorOf(await rpcChat(bystander, conn.id, call));
    expect(refused.code).toBe(ErrorCode.BUDGET_EXCEEDED);
    expect(refused.message).toBe(
      'Connection "capped" has spent $0.09 of its $0.10 daily budget; this request up to $0.021 (about 1 prompt token and its max_tokens of 20, at the model\'s price).',
    );
    expect(refused.data.hint).toMatch(
      /^Raise the connection's budget, wait until \d{4}-\d\d-\d\d 00:00 UTC when a new day starts, or use another connection\.$/,
    );
    expect(refused.data).toMatchObject({ connectionId: conn.id, budget: { period: 'day', amount: 0.1 } });

    const http = await httpChat(env, 'capped', { max_tokens: 20 });
    expect(http.status).toBe(429);
    expect(http.headers.get('retry-after')).toBeNull();
    expect(http.headers.get('x-should-retry')).toBe('false');
    expect(http.body.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(http.body.error.message).toContain('has spent $0.09 of its $0.10 daily budget');
    expect(chatsSoFar()).toBe(before);

    // The warning is not repeated within the period, and no one unsubscribed heard it.
    await sleep(200);
    expect(warnings).toHaveLength(1);
    expect(unasked).toEqual([]);

    const { budgets } = await env.client.request(UsageBudgets, { connectionId: conn.id });
    expect(budgets).toHaveLength(1);
    expect(budgets[0]).toMatchObject({ connectionId: conn.id, period: 'day', amount: 0.1, unpricedRequests: 0 });
    expect(budgets[0]!.spentUsd).toBeCloseTo(0.09, 9);
    expect(Date.parse(budgets[0]!.periodEnd) - Date.parse(budgets[0]!.periodStart)).toBe(86_400_000);
  });

  it('refuses every request once the budget is spent, whatever its size, until the budget is raised', async () => {
    const conn = await env.create({
      name: 'spent',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      budget: { period: 'month', amount: 0.05 },
    });
    // No maxTokens: estimated at 1 + 256 tokens ($0.257), more than the whole budget, so refused from the start.
    expect(errorOf(await rpcChat(env.client, conn.id)).code).toBe(ErrorCode.BUDGET_EXCEEDED);
    expect((await rpcChat(env.client, conn.id, { options: { maxTokens: 5 } })).ok).toBe(true); // $0.03
    expect((await rpcChat(env.client, conn.id, { options: { maxTokens: 5 } })).ok).toBe(true); // $0.06: over
    const spent = errorOf(await rpcChat(env.client, conn.id, { options: { maxTokens: 1 } }));
    expect(spent.code).toBe(ErrorCode.BUDGET_EXCEEDED);
    expect(spent.message).toBe('Connection "spent" has spent $0.06 of its $0.05 monthly budget.');

    await env.client.request(ConnectionsUpdate, { id: conn.id, budget: { period: 'month', amount: 1 } });
    expect((await rpcChat(env.client, conn.id, { options: { maxTokens: 5 } })).ok).toBe(true);
    await env.client.request(ConnectionsUpdate, { id: conn.id, budget: null });
    expect((await rpcChat(env.client, conn.id)).ok).toBe(true);
    const { budgets } = await env.client.request(UsageBudgets);
    expect(budgets.map((b) => b.connectionId)).not.toContain(conn.id);
  });
});
