/** Budget periods: the UTC day, or the UTC calendar month, that a moment falls in. */
import type { Budget } from '../../shared/protocol';

export interface BudgetPeriod {
  start: Date;
  /** The first instant of the next period. */
  end: Date;
  /** Ledger days (`YYYY-MM-DD`, inclusive) the period spans. */
  fromDay: string;
  toDay: string;
}

export function budgetPeriod(period: Budget['period'], now: Date): BudgetPeriod {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const start = period === 'day' ? new Date(Date.UTC(y, m, now.getUTCDate())) : new Date(Date.UTC(y, m, 1));
  const end = period === 'day' ? new Date(start.getTime() + 86_400_000) : new Date(Date.UTC(y, m + 1, 1));
  return { start, end, fromDay: day(start), toDay: day(new Date(end.getTime() - 1)) };
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
