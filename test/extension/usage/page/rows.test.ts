import { describe, expect, it } from 'vitest';
import type { BudgetStatus, UsageGroup } from '../../../../shared/protocol';
import { budgetView, connectionName, tableRows, totalsView } from '../../../../extension/usage/page/rows';

const group = (over: Partial<UsageGroup>): UsageGroup => ({
  connectionId: 'c1',
  model: 'gpt-5.4',
  requests: 1,
  errors: 0,
  inputTokens: 10,
  outputTokens: 5,
  latencyMsTotal: 300,
  costUsd: 0.5,
  unpricedRequests: 0,
  ...over,
});
const names = { c1: 'work', c2: 'Anthropic' };

describe('tableRows', () => {
  it('orders rows by connection name, then the busiest model first', () => {
    const rows = tableRows(
      [
        group({ connectionId: 'c1', model: 'small', requests: 2 }),
        group({ connectionId: 'c2', model: 'claude', requests: 1 }),
        group({ connectionId: 'c1', model: 'big', requests: 9 }),
      ],
      names,
    );
    expect(rows.map((r) => `${r.name}/${r.model}`)).toEqual(['Anthropic/claude', 'work/big', 'work/small']);
  });

  it('formats every cell, with the average latency and the cost rule', () => {
    const [row] = tableRows(
      [
        group({
          requests: 1200,
          errors: 3,
          inputTokens: 45_000,
          outputTokens: 1_500,
          latencyMsTotal: 600_000,
          costUsd: 2,
          unpricedRequests: 4,
        }),
      ],
      names,
    );
    expect(row!.cells).toEqual({
      requests: '1,200',
      errors: '3',
      inputTokens: '45,000',
      outputTokens: '1,500',
      latency: '500 ms',
      cost: '≥ $2.00',
    });
    expect(row!.costNote).toMatch(/4 requests/);
  });

  it('marks tokens the daemon estimated with ~ and says why, and leaves reported counts unmarked', () => {
    const [estimated] = tableRows([group({ inputTokens: 1200, outputTokens: 40, estimatedRequests: 2 })], names);
    expect(estimated!.cells).toMatchObject({ inputTokens: '~1,200', outputTokens: '~40' });
    expect(estimated!.tokensNote).toMatch(/^2 answers were stopped or cut before the provider reported its usage/);
    const [reported] = tableRows([group({ inputTokens: 1200, estimatedRequests: 0 })], names);
    expect(reported!.cells.inputTokens).toBe('1,200');
    expect(reported!.tokensNote).toBeUndefined();
  });

  it('keeps the usage of a deleted connection, under a name that says so', () => {
    const [row] = tableRows([group({ connectionId: 'gone-1234567890' })], names);
    expect(row).toMatchObject({ name: 'Deleted connection (gone-123)', exists: false });
    expect(connectionName('c1', names)).toBe('work');
  });

  it('does not take an inherited property for a connection name', () => {
    expect(connectionName('constructor', {})).toMatch(/^Deleted connection/);
  });
});

describe('totalsView', () => {
  it('formats totals and says why the cost is unknown', () => {
    expect(
      totalsView({ requests: 2, errors: 0, inputTokens: 1000, outputTokens: 20, costUsd: 0, unpricedRequests: 2 }),
    ).toEqual({
      requests: '2',
      errors: '0',
      inputTokens: '1,000',
      outputTokens: '20',
      cost: 'unknown',
      costNote: expect.stringMatching(/2 requests/),
    });
  });
});

describe('budgetView', () => {
  const budget = (over: Partial<BudgetStatus>): BudgetStatus => ({
    connectionId: 'c1',
    period: 'month',
    amount: 10,
    spentUsd: 8,
    unpricedRequests: 0,
    periodStart: '2025-03-01T00:00:00.000Z',
    periodEnd: '2025-04-01T00:00:00.000Z',
    ...over,
  });

  it('shows spent of amount for the period and when it resets', () => {
    expect(budgetView(budget({}), names)).toMatchObject({
      name: 'work',
      fraction: 0.8,
      level: 'warning',
      text: '$8.00 of $10.00 this month (80%)',
      resets: 'Resets Apr 1, 2025',
    });
  });

  it('is ok below 80% and over from 100%', () => {
    expect(budgetView(budget({ spentUsd: 7.99 }), names).level).toBe('ok');
    expect(budgetView(budget({ spentUsd: 12, period: 'day' }), names)).toMatchObject({
      level: 'over',
      text: '$12.00 of $10.00 today (UTC) (120%)',
    });
  });

  it('marks the spend as a lower bound when requests had no price', () => {
    const v = budgetView(budget({ spentUsd: 0, unpricedRequests: 1 }), names);
    expect(v.text).toBe('≥ $0.00 of $10.00 this month (0%)');
    expect(v.note).toBe('1 request without a known price is not counted.');
  });

  it('names an inclusive period end as the last day', () => {
    expect(budgetView(budget({ periodEnd: '2025-03-31T23:59:59.999Z' }), names).resets).toBe(
      'Period ends Mar 31, 2025',
    );
  });
});
