import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import type { BudgetWarningParams, Usage } from '../../../shared/protocol';
import type { ChatInput, Pricing } from '../../../daemon/chat/ports';
import { LimitsAdmission } from '../../../daemon/limits/admission';
import { budgetPeriod } from '../../../daemon/limits/budgetPeriod';
import { silentLogger } from '../../../daemon/log';
import { UsageLedger } from '../../../daemon/usage/ledger';
import { manualClock, openStore, type Store } from './helpers';
import { failure } from '../../helpers/failure';

describe('budgetPeriod', () => {
  it('spans the UTC day', () => {
    const p = budgetPeriod('day', new Date('2025-06-15T23:59:59.999Z'));
    expect(p.start.toISOString()).toBe('2025-06-15T00:00:00.000Z');
    expect(p.end.toISOString()).toBe('2025-06-16T00:00:00.000Z');
    expect([p.fromDay, p.toDay]).toEqual(['2025-06-15', '2025-06-15']);
  });

  it('spans the UTC calendar month, across a year end and a leap February', () => {
    const dec = budgetPeriod('month', new Date('2025-12-31T12:00:00Z'));
    expect([dec.start.toISOString(), dec.end.toISOString(), dec.fromDay, dec.toDay]).toEqual([
      '2025-12-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
      '2025-12-01',
      '2025-12-31',
    ]);
    const feb = budgetPeriod('month', new Date('2028-02-10T00:00:00Z'));
    expect([feb.fromDay, feb.toDay]).toEqual(['2028-02-01', '2028-02-29']);
  });
});

/** $1 per million input tokens, $2 per million output tokens for model "priced"; others unknown. */
const pricing: Pricing = {
  costOf: (_provider: string, model: string, usage: Usage) =>
    model === 'priced' ? (usage.inputTokens * 1 + usage.outputTokens * 2) / 1e6 : null,
};

let store: Store;
let ledger: UsageLedger;
let clock: ReturnType<typeof manualClock>;
let warnings: BudgetWarningParams[];
let admission: LimitsAdmission;

beforeEach(async () => {
  store = await openStore();
  ledger = await UsageLedger.open({ file: join(store.dir, 'usage.jsonl'), db: store.db, log: silentLogger });
  clock = manualClock(Date.UTC(2025, 5, 15, 12));
  warnings = [];
  admission = new LimitsAdmission({
    db: store.db,
    connections: store.connections,
    ledger,
    pricing,
    events: { budgetWarning: (p) => warnings.push(p), quotaWarning: () => undefined },
    log: silentLogger,
    now: clock.now,
  });
});
afterEach(async () => {
  await admission.close();
  await ledger.close();
  await store.close();
});

/** 1000 output tokens max: the estimate of "priced" is 1 input + 1000 output = $0.002001. */
const input: ChatInput = { messages: [{ role: 'user', content: 'hi' }], options: { maxTokens: 1000 } };
const never = new AbortController().signal;
const spend = (connectionId: string, usd: number, day = new Date(clock.now())) =>
  ledger.record({ connectionId, model: 'priced', latencyMs: 1, error: false, costUsd: usd }, day);

describe('budgets', () => {
  it("refuses with BUDGET_EXCEEDED once the period's spend reaches the amount", async () => {
    const conn = await store.put({ id: 'c1', name: 'Work', budget: { period: 'month', amount: 10 } });
    spend('c1', 9.8);
    spend('c1', 0.2);
    const error = await failure(admission.admit(conn, 'unpriced-model', input, never));
    expect(error.code).toBe(ErrorCode.BUDGET_EXCEEDED);
    expect(error.message).toBe('Connection "Work" has spent $10.00 of its $10.00 monthly budget.');
    expect(error.data.hint).toBe(
      "Raise the connection's budget, wait until 2025-07-01 00:00 UTC when a new month starts, or use another connection.",
    );
    expect(error.data).toMatchObject({
      connectionId: 'c1',
      budget: { period: 'month', amount: 10 },
      periodEnd: '2025-07-01T00:00:00.000Z',
    });
  });

  it('refuses a request whose estimated cost would pass the budget', async () => {
    const conn = await store.put({ id: 'c1', name: 'Work', budget: { period: 'day', amount: 1 } });
    spend('c1', 0.999);
    const error = await failure(admission.admit(conn, 'priced', input, never));
    expect(error.code).toBe(ErrorCode.BUDGET_EXCEEDED);
    expect(error.message).toBe(
      'Connection "Work" has spent $0.999 of its $1.00 daily budget; this request up to $0.002 (about 1 prompt token and its max_tokens of 1,000, at the model\'s price).',
    );
    // A model whose price is unknown is estimated at nothing: it cannot be blocked on a guess.
    await expect(admission.admit(conn, 'unpriced-model', input, never)).resolves.toBeDefined();
  });

  it("counts only the current period: yesterday's spend does not block today's daily budget", async () => {
    const conn = await store.put({ id: 'c1', budget: { period: 'day', amount: 1 } });
    spend('c1', 5, new Date(clock.now() - 86_400_000));
    await expect(admission.admit(conn, 'priced', input, never)).resolves.toBeDefined();
    expect(admission.budgets.status(conn)).toMatchObject({
      spentUsd: 0,
      periodStart: '2025-06-15T00:00:00.000Z',
      periodEnd: '2025-06-16T00:00:00.000Z',
    });
  });

  it('holds the estimated cost of running requests, so a burst cannot all slip under the last dollars', async () => {
    const conn = await store.put({ id: 'c1', budget: { period: 'day', amount: 0.005 } });
    const first = await admission.admit(conn, 'priced', input, never);
    const second = await admission.admit(conn, 'priced', input, never);
    const error = await failure(admission.admit(conn, 'priced', input, never));
    expect(error.message).toContain('requests still running may cost up to $0.004');
    first.settle({ error: true });
    second.settle({ error: true });
    await expect(admission.admit(conn, 'priced', input, never)).resolves.toBeDefined();
  });

  it('warns once per period when 80% is spent, after the request that crossed it', async () => {
    const conn = await store.put({ id: 'c1', name: 'Work', budget: { period: 'day', amount: 10 } });
    spend('c1', 7.9);
    const ticket = await admission.admit(conn, 'unpriced-model', input, never);
    ticket.settle({ error: false });
    spend('c1', 0.2); // what the chat service records right after the settle
    await Promise.resolve();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      connectionId: 'c1',
      name: 'Work',
      period: 'day',
      amount: 10,
      fraction: 0.81,
      periodStart: '2025-06-15T00:00:00.000Z',
    });
    expect(warnings[0]!.spentUsd).toBeCloseTo(8.1, 9);
    expect(store.db.data.budgetWarnings.c1).toBe('2025-06-15T00:00:00.000Z');

    (await admission.admit(conn, 'unpriced-model', input, never)).settle({ error: false });
    await Promise.resolve();
    expect(warnings).toHaveLength(1);

    // A new day is a new period.
    clock.advance(86_400_000);
    spend('c1', 9);
    (await admission.admit(conn, 'unpriced-model', input, never)).settle({ error: false });
    await Promise.resolve();
    expect(warnings).toHaveLength(2);
    expect(warnings[1]!.periodStart).toBe('2025-06-16T00:00:00.000Z');
  });

  it('reports spend and unpriced requests of the period as a BudgetStatus', async () => {
    const conn = await store.put({ id: 'c1', budget: { period: 'month', amount: 50 } });
    spend('c1', 1.25);
    ledger.record({ connectionId: 'c1', model: 'x', latencyMs: 1, error: false, costUsd: null }, new Date(clock.now()));
    expect(admission.budgets.status(conn)).toEqual({
      connectionId: 'c1',
      period: 'month',
      amount: 50,
      spentUsd: 1.25,
      unpricedRequests: 1,
      periodStart: '2025-06-01T00:00:00.000Z',
      periodEnd: '2025-07-01T00:00:00.000Z',
    });
    expect(admission.budgets.status(await store.put({ id: 'c2' }))).toBeUndefined();
  });
});
