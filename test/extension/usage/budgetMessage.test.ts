import { describe, expect, it } from 'vitest';
import type { BudgetWarningParams } from '../../../shared/protocol';
import { budgetWarningMessage } from '../../../extension/usage/budgetMessage';

const warning = (over: Partial<BudgetWarningParams> = {}): BudgetWarningParams => ({
  connectionId: 'c1',
  name: 'Work',
  period: 'month',
  amount: 10,
  spentUsd: 8,
  unpricedRequests: 0,
  fraction: 0.8,
  periodStart: '2025-03-01T00:00:00.000Z',
  periodEnd: '2025-04-01T00:00:00.000Z',
  ...over,
});

describe('budgetWarningMessage', () => {
  it('names the connection, the share, the period and the figures', () => {
    expect(budgetWarningMessage(warning())).toBe(
      'Connection Work has used 80% of its monthly budget ($8.00 of $10.00).',
    );
    expect(budgetWarningMessage(warning({ period: 'day', spentUsd: 0.85, amount: 1, fraction: 0.85 }))).toBe(
      'Connection Work has used 85% of its daily budget ($0.85 of $1.00).',
    );
  });

  it('says the spend may be higher when some requests had no price', () => {
    expect(budgetWarningMessage(warning({ unpricedRequests: 2 }))).toMatch(
      /\(\$8\.00 of \$10\.00\)\. 2 requests without a known price are not counted, so the spend may be higher\.$/,
    );
  });

  it('says what happens once the budget is used up', () => {
    expect(budgetWarningMessage(warning({ spentUsd: 10.5, fraction: 1.05 }))).toMatch(
      /used 105% .* Requests to it are refused until the period resets or the budget is raised\.$/,
    );
  });
});
