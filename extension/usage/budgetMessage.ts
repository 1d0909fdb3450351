/**
 * The words of a budget warning. Pure (no vscode), so the sentence — and what it says when some
 * requests had no known price — is unit-tested; budgetWarnings.ts shows it.
 */
import type { BudgetWarningParams } from '../../shared/protocol';
// The Usage view's money format, so the notification and the view show the same figures.
import { formatPercent, formatUsd } from '../../shared/format';

/** "Connection Work has used 80% of its monthly budget ($8.00 of $10.00)." */
export function budgetWarningMessage(w: BudgetWarningParams): string {
  const period = w.period === 'day' ? 'daily' : 'monthly';
  const unpriced =
    w.unpricedRequests > 0
      ? ` ${w.unpricedRequests} request${w.unpricedRequests === 1 ? '' : 's'} without a known price ${w.unpricedRequests === 1 ? 'is' : 'are'} not counted, so the spend may be higher.`
      : '';
  const over = w.fraction >= 1 ? ' Requests to it are refused until the period resets or the budget is raised.' : '';
  return `Connection ${w.name} has used ${formatPercent(w.fraction)} of its ${period} budget (${formatUsd(w.spentUsd)} of ${formatUsd(w.amount)}).${over}${unpriced}`;
}
