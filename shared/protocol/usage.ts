/** `usage/*`: the usage and cost ledger, per connection, model and UTC day, and budgets. */
import { z } from 'zod';
import { Id } from './fields';

/** One row of the usage ledger. */
export interface UsageRecord {
  connectionId: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  model: string;
  /**
   * The tool token the requests were made with (`tokens/*`); absent: the owner (the extension, the
   * CLI, anything holding the owner token or on the Unix socket).
   */
  tokenId?: string;
  /** The tool token's name when the requests were made (kept after it is revoked). */
  tokenName?: string;
  /** Who asked, when the request named itself (`chat/stream`'s `client`, e.g. "VS Code chat"). */
  client?: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of total request latencies, to derive an average. */
  latencyMsTotal: number;
  /** US dollars spent on the requests whose model had a known price. */
  costUsd: number;
  /** Requests whose model had no known price: their cost is unknown (never counted as zero). */
  unpricedRequests: number;
  /**
   * Requests whose tokens (and so cost) are estimated, not reported by the upstream: stopped or cut
   * answers (see {@link Usage.estimated}). Absent in rows written before it was counted.
   */
  estimatedRequests?: number;
}

/** Sums of usage rows. */
export type UsageTotals = Omit<UsageRecord, 'connectionId' | 'day' | 'model' | 'tokenId' | 'tokenName' | 'client'>;

/** Usage summed by the keys `usage/get`'s `groupBy` names; the other keys are absent. */
export type UsageGroup = Partial<
  Pick<UsageRecord, 'connectionId' | 'day' | 'model' | 'tokenId' | 'tokenName' | 'client'>
> &
  UsageTotals;

/** How much of a connection's budget is spent in its current period. */
export interface BudgetStatus {
  connectionId: string;
  period: 'day' | 'month';
  amount: number;
  spentUsd: number;
  /** Requests in the period whose cost is unknown (no price): the spend may be higher. */
  unpricedRequests: number;
  /** ISO times the period began and ends (UTC). */
  periodStart: string;
  periodEnd: string;
}

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD');

/**
 * A key `usage/get` can sum by. `token`: the tool token (groups of the owner's own requests have no
 * `tokenId`); `client`: who asked (groups of requests that did not say have no `client`).
 */
export const UsageGroupKey = z.enum(['connection', 'model', 'day', 'token', 'client']);
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
  groupBy: z.array(UsageGroupKey).max(5).optional(),
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
/** Params of `usage/get`. */
export const OptionalUsageGetParams = UsageGetParams.optional();

/** Params of `usage/budgets`. */
export const UsageBudgetsParams = z.strictObject({ connectionId: Id.optional() }).optional();

/** Schema of {@link BudgetStatus}. */
export const BudgetStatus: z.ZodType<BudgetStatus> = z.looseObject({
  connectionId: z.string(),
  period: z.enum(['day', 'month']),
  amount: z.number(),
  spentUsd: z.number(),
  unpricedRequests: z.number(),
  periodStart: z.string(),
  periodEnd: z.string(),
});

/** Params of `usage/budgetWarning`: the budget's status, the connection's name, and the fraction spent. */
export const BudgetWarningParams = z.intersection(
  BudgetStatus,
  z.looseObject({
    name: z.string(),
    /** Spent / amount, e.g. 0.8. */
    fraction: z.number(),
  }),
);
/** Params of `usage/budgetWarning`. */
export type BudgetWarningParams = z.infer<typeof BudgetWarningParams>;
