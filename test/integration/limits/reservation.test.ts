/**
 * What admission reserves for a request, end to end: the request's own max_tokens when it sets one,
 * else a modest estimate — so a token limit or a budget is not refused long before it is used —
 * and a refusal that says what was reserved and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import { PricesSet } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';
import { errorOf, rpcChat } from './helpers';

let env: Env;

beforeAll(async () => {
  ensureBuilt();
  // Every answer reports 30 input + 11 output tokens: 41 real tokens.
  env = await setup({ defaultReply: { chunks: ['ok'], usage: { input: 30, output: 11 } } });
  // $0.001 a token: each answer costs $0.041.
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

const create = (name: string, extra: Record<string, unknown>) =>
  env.create({
    name,
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
    ...extra,
  });

describe('a token limit', () => {
  it('admits small requests that set no max_tokens one after another, well under the limit', async () => {
    const conn = await create('tokens-600', { capacity: [{ period: 'minute', tokens: 600 }] });
    for (let i = 0; i < 4; i++) {
      const outcome = await rpcChat(env.client, conn.id);
      expect(outcome.ok ? 'answered' : errorOf(outcome).message).toBe('answered');
    }
  });

  it("reserves a request's own max_tokens, and says so when that does not fit", async () => {
    const conn = await create('tokens-600-b', { capacity: [{ period: 'minute', tokens: 600 }] });
    expect((await rpcChat(env.client, conn.id)).ok).toBe(true); // 41 tokens used
    const refused = errorOf(await rpcChat(env.client, conn.id, { options: { maxTokens: 1000 } }));
    expect(refused.code).toBe(ErrorCode.RATE_LIMITED);
    expect(refused.message).toBe(
      'Connection "tokens-600-b" is over its limit of 600 tokens per minute. This request reserves 600 tokens of it until it ends (about 1 prompt token and its max_tokens of 1,000, capped at the limit); its reported usage then replaces the reservation.',
    );
  });
});

describe('a budget', () => {
  it('admits a request that sets no max_tokens at 0% spent, and refuses later saying what it reserved and why', async () => {
    const conn = await create('budget-half', { budget: { period: 'day', amount: 0.5 } });
    // Reserving 1,024 answer tokens ($1.025) refused this first request outright; 256 ($0.257) fits.
    let answered = 0;
    for (;;) {
      const outcome = await rpcChat(env.client, conn.id);
      if (!outcome.ok) {
        const error = errorOf(outcome);
        expect(error.code).toBe(ErrorCode.BUDGET_EXCEEDED);
        expect(error.message).toMatch(
          /; this request up to \$0\.257 \(about 1 prompt token and up to 256 answer tokens, assumed for a request that sets no max_tokens, at the model's price\)\.$/,
        );
        expect(error.data.hint).toMatch(/A request that sets max_tokens reserves that instead\.$/);
        break;
      }
      answered++;
      expect(answered).toBeLessThan(20);
    }
    // $0.041 each: 6 fit before 0.246 + 0.257 passes 0.5 — refused at about half spent, not at a fifth.
    expect(answered).toBe(6);
    // With max_tokens, the reservation is that: 1 + 20 tokens ($0.021) still fits.
    expect((await rpcChat(env.client, conn.id, { options: { maxTokens: 20 } })).ok).toBe(true);
  });
});
