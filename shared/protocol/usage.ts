/** `usage/*`: the usage and cost ledger, per connection, model and UTC day, and budgets. */
import { z } from 'zod';
import { Id } from './fields';
import { notification, request, result } from './rpc';
import type { BudgetStatus, UsageGroup, UsageRecord, UsageTotals } from './types';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD');

/** A key `usage/get` can sum by. `token`: the tool token (groups of the owner's own requests have no `tokenId`). */
export const UsageGroupKey = z.enum(['connection', 'model', 'day', 'token']);
/** A key `usage/get` can sum by. */
export type UsageGroupKey = z.infer<typeof UsageGroupKey>;

/** Params of `usage/get`. */
export const UsageGetParams = z.strictObject({
  connectionId: Id.optional(),
  /** Only the requests made with this tool token. */
  tokenId: Id.optional(),
  /** First day, inclusive. */
  from: Day.optional(),
  /** Last day, inclusive. */
  to: Day.optional(),
  /** Also sum the rows by these keys into `groups` (e.g. `["connection", "model"]`). */
  groupBy: z.array(UsageGroupKey).max(4).optional(),
});
/** Params of `usage/get`. */
export type UsageGetParams = z.infer<typeof UsageGetParams>;

/** Result of `usage/get`. */
export interface UsageGetResult {
  /** One row per connection, model, day and tool token, oldest first. */
  records: UsageRecord[];
  /** With `groupBy`: the rows summed by those keys, largest cost first. */
  groups?: UsageGroup[];
  /** Everything the filter matched, summed. */
  totals: UsageTotals;
}
/** Usage rows, with optional grouping and totals. */
export const UsageGet = request('usage/get', UsageGetParams.optional(), result<UsageGetResult>());

/** Every connection's budget and what is spent of it in the current period. */
export const UsageBudgets = request('usage/budgets', z.strictObject({ connectionId: Id.optional() }).optional(), result<{ budgets: BudgetStatus[] }>());

/** Params of `usage/budgetWarning`. */
export interface BudgetWarningParams extends BudgetStatus {
  name: string;
  /** Spent / amount, e.g. 0.8. */
  fraction: number;
}
/** A connection has spent 80% of its budget for the period (sent once per period). */
export const BudgetWarning = notification('usage/budgetWarning', z.custom<BudgetWarningParams>());
