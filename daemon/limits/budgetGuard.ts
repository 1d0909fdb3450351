/**
 * Budgets: what a connection has spent in its current period (the usage ledger's `costUsd` for those
 * UTC days), whether a request may still run, and the one warning per period at 80%.
 *
 * The estimated cost of requests admitted but not yet settled is held in memory and counted against
 * the budget too, so a burst of concurrent requests cannot all slip in under the same remaining
 * dollars. A model without a known price is estimated at zero — an unknown cannot block — but what
 * was already recorded as spent always counts.
 */
import type { SwitchboardError } from '../../shared/errors';
import type { BudgetStatus, BudgetWarningParams, Usage } from '../../shared/protocol';
import type { Pricing } from '../chat/chatService';
import type { EventHub } from '../events';
import type { Database } from '../store/database';
import type { StoredConnection } from '../store/schema';
import type { UsageLedger } from '../usage/ledger';
import { budgetPeriod } from './budgetPeriod';
import { budgetExceeded } from './errors';
import type { TokenEstimate } from './estimate';

/** Spent share of a budget at which the warning goes out. */
export const WARN_FRACTION = 0.8;

/** Estimated dollars an admitted request holds against its connection's budget until it settles. */
export interface BudgetHold {
  connectionId: string;
  usd: number;
}

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
    const period = budgetPeriod(conn.budget.period, new Date(this.now()));
    let spentUsd = 0;
    let unpricedRequests = 0;
    for (const row of this.deps.ledger.query({ connectionId: conn.id, from: period.fromDay, to: period.toDay })) {
      spentUsd += row.costUsd ?? 0;
      unpricedRequests += row.unpricedRequests ?? 0;
    }
    return {
      connectionId: conn.id,
      period: conn.budget.period,
      amount: conn.budget.amount,
      spentUsd,
      unpricedRequests,
      periodStart: period.start.toISOString(),
      periodEnd: period.end.toISOString(),
    };
  }

  /** BUDGET_EXCEEDED when the budget is spent, or this request's estimated cost would pass it; else undefined. */
  check(conn: StoredConnection, model: string, estimate: TokenEstimate): SwitchboardError | undefined {
    const status = this.status(conn);
    if (!status) return undefined;
    const inFlightUsd = this.held.get(conn.id) ?? 0;
    const estimatedUsd = this.estimateCost(conn, model, estimate);
    if (status.spentUsd >= status.amount || status.spentUsd + inFlightUsd + estimatedUsd > status.amount) {
      return budgetExceeded(conn, status, { estimatedUsd, inFlightUsd });
    }
    return undefined;
  }

  /** Holds the request's estimated cost against the budget until {@link release}. */
  hold(conn: StoredConnection, model: string, estimate: TokenEstimate): BudgetHold | undefined {
    if (!conn.budget) return undefined;
    const usd = this.estimateCost(conn, model, estimate);
    if (usd <= 0) return undefined;
    this.held.set(conn.id, (this.held.get(conn.id) ?? 0) + usd);
    return { connectionId: conn.id, usd };
  }

  release(hold: BudgetHold | undefined): void {
    if (!hold) return;
    const left = (this.held.get(hold.connectionId) ?? 0) - hold.usd;
    // Float sums of many holds drift; a remainder under a millionth of a cent is nothing held.
    if (left > 1e-8) this.held.set(hold.connectionId, left);
    else this.held.delete(hold.connectionId);
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
    const params: BudgetWarningParams = { ...status, name: conn.name, fraction: Math.round((status.spentUsd / status.amount) * 10_000) / 10_000 };
    this.deps.events.budgetWarning(params);
  }

  private estimateCost(conn: StoredConnection, model: string, estimate: TokenEstimate): number {
    const usage: Usage = { inputTokens: estimate.input, outputTokens: estimate.output };
    return this.deps.pricing?.costOf(conn.provider, model, usage) ?? 0;
  }
}
