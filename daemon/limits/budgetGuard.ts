/**
 * Budgets: what a connection has spent in its current period (the usage ledger's `costUsd` for those
 * UTC days), whether a request may still run, and the one warning per period at 80%.
 *
 * The estimated cost of requests admitted but not yet settled is held in memory and counted against
 * the budget too, so a burst of concurrent requests cannot all slip in under the same remaining
 * dollars. A model without a known price is estimated at zero — an unknown cannot block — but what
 * was already recorded as spent always counts.
 *
 * A tool token's budget (`tokens/create --budget`) is the same rule over the requests made with that
 * token, on whichever connection: {@link checkToken} and {@link holdToken}.
 */
import type { SwitchboardError } from '../../shared/errors';
import type { Budget, BudgetStatus, BudgetWarningParams, Usage } from '../../shared/protocol';
import type { Pricing } from '../chat/ports';
import type { EventHub } from '../events';
import type { Database } from '../store/database';
import type { StoredConnection } from '../store/schema';
import type { ToolCaller } from '../tokens/caller';
import type { UsageFilter, UsageLedger } from '../usage/ledger';
import { budgetPeriod } from './budgetPeriod';
import { budgetExceeded, tokenBudgetExceeded } from './errors';
import type { TokenEstimate } from '../chat/tokenEstimate';

/** Spent share of a budget at which the warning goes out. */
export const WARN_FRACTION = 0.8;

/** Estimated dollars an admitted request holds against a budget (its connection's or its token's) until it settles. */
export interface BudgetHold {
  /** The connection id, or `token:<id>` for a tool token's budget. */
  key: string;
  usd: number;
}

/** What a tool token's budget looks like now; the same figures as a connection's {@link BudgetStatus}. */
export type TokenBudgetStatus = Omit<BudgetStatus, 'connectionId'> & { tokenId: string };

export interface BudgetGuardDeps {
  db: Database;
  ledger: UsageLedger;
  pricing?: Pricing;
  events: Pick<EventHub, 'budgetWarning'>;
  now?: () => number;
}

export class BudgetGuard {
  private readonly held = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly deps: BudgetGuardDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The budget of `conn` and its spend in the current period; undefined without a budget. */
  status(conn: StoredConnection): BudgetStatus | undefined {
    if (!conn.budget) return undefined;
    return { connectionId: conn.id, ...this.spendOf(conn.budget, { connectionId: conn.id }) };
  }

  /** A tool token's budget and its spend (over every connection) in the current period; undefined without a budget. */
  tokenStatus(token: Pick<ToolCaller, 'tokenId' | 'budget'>): TokenBudgetStatus | undefined {
    if (!token.budget) return undefined;
    return { tokenId: token.tokenId, ...this.spendOf(token.budget, { tokenId: token.tokenId }) };
  }

  /** BUDGET_EXCEEDED when the budget is spent, or this request's estimated cost would pass it; else undefined. */
  check(conn: StoredConnection, model: string, estimate: TokenEstimate): SwitchboardError | undefined {
    const status = this.status(conn);
    if (!status) return undefined;
    const over = this.over(status, conn.id, conn, model, estimate);
    return over && budgetExceeded(conn, status, over);
  }

  /** As {@link check}, for the budget of the tool token a request on `conn` is made with. */
  checkToken(
    token: ToolCaller,
    conn: StoredConnection,
    model: string,
    estimate: TokenEstimate,
  ): SwitchboardError | undefined {
    const status = this.tokenStatus(token);
    if (!status) return undefined;
    const over = this.over(status, tokenKey(token), conn, model, estimate);
    return over && tokenBudgetExceeded(token, status, over);
  }

  /** Holds the request's estimated cost against the connection's budget until {@link release}. */
  hold(conn: StoredConnection, model: string, estimate: TokenEstimate): BudgetHold | undefined {
    return conn.budget ? this.holdAs(conn.id, conn, model, estimate) : undefined;
  }

  /** Holds the request's estimated cost against its tool token's budget until {@link release}. */
  holdToken(token: ToolCaller, conn: StoredConnection, model: string, estimate: TokenEstimate): BudgetHold | undefined {
    return token.budget ? this.holdAs(tokenKey(token), conn, model, estimate) : undefined;
  }

  release(hold: BudgetHold | undefined): void {
    if (!hold) return;
    const left = (this.held.get(hold.key) ?? 0) - hold.usd;
    // Float sums of many holds drift; a remainder under a millionth of a cent is nothing held.
    if (left > 1e-8) this.held.set(hold.key, left);
    else this.held.delete(hold.key);
  }

  /** The period's figures for a budget, summed over the ledger rows the filter picks. */
  private spendOf(budget: Budget, filter: UsageFilter): Omit<BudgetStatus, 'connectionId'> {
    const period = budgetPeriod(budget.period, new Date(this.now()));
    const { costUsd: spentUsd, unpricedRequests } = this.deps.ledger.sum({
      ...filter,
      from: period.fromDay,
      to: period.toDay,
    });
    return {
      period: budget.period,
      amount: budget.amount,
      spentUsd,
      unpricedRequests,
      periodStart: period.start.toISOString(),
      periodEnd: period.end.toISOString(),
    };
  }

  /** What the refusal reports when spent + held + this request passes the amount; undefined when it fits. */
  private over(
    status: { spentUsd: number; amount: number },
    key: string,
    conn: StoredConnection,
    model: string,
    estimate: TokenEstimate,
  ): { estimatedUsd: number; inFlightUsd: number; estimate: TokenEstimate } | undefined {
    const inFlightUsd = this.held.get(key) ?? 0;
    const estimatedUsd = this.estimateCost(conn, model, estimate);
    if (status.spentUsd >= status.amount || status.spentUsd + inFlightUsd + estimatedUsd > status.amount)
      return { estimatedUsd, inFlightUsd, estimate };
    return undefined;
  }

  private holdAs(key: string, conn: StoredConnection, model: string, estimate: TokenEstimate): BudgetHold | undefined {
    const usd = this.estimateCost(conn, model, estimate);
    if (usd <= 0) return undefined;
    this.held.set(key, (this.held.get(key) ?? 0) + usd);
    return { key, usd };
  }

  /**
   * Sends `usage/budgetWarning` when `conn` has spent 80% of its budget, once per period (the period
   * it was sent for is kept in `db.budgetWarnings`, so a restart does not send it again).
   */
  warnIfDue(conn: StoredConnection): void {
    const status = this.status(conn);
    if (!status || status.spentUsd < WARN_FRACTION * status.amount) return;
    if (this.deps.db.data.budgetWarnings[conn.id] === status.periodStart) return;
    this.deps.db.updateLater((data) => {
      if (data.connections.some((c) => c.id === conn.id)) data.budgetWarnings[conn.id] = status.periodStart;
    });
    const params: BudgetWarningParams = {
      ...status,
      name: conn.name,
      fraction: Math.round((status.spentUsd / status.amount) * 10_000) / 10_000,
    };
    this.deps.events.budgetWarning(params);
  }

  private estimateCost(conn: StoredConnection, model: string, estimate: TokenEstimate): number {
    const usage: Usage = { inputTokens: estimate.input, outputTokens: estimate.output };
    return this.deps.pricing?.costOf(conn.provider, model, usage) ?? 0;
  }
}

function tokenKey(token: Pick<ToolCaller, 'tokenId'>): string {
  return `token:${token.tokenId}`;
}
