/**
 * Admission control for every chat, whichever client sent it: the budget of the tool token it was
 * made with (if any), the connection's budget, then its capacity limits, checked and charged together before the upstream is called. Over a limit, a
 * request fails with RATE_LIMITED (`onLimit: "fail"`, the default) or waits its turn in the
 * connection's queue (`onLimit: "queue"`) for at most `maxQueueWaitMs`.
 */
import type { ConnectionQuota, Usage } from '../../shared/protocol';
import type { Admission, AdmissionTicket, ChatInput, Pricing } from '../chat/ports';
import { connectionNotFound } from '../connections/errors';
import type { ConnectionService } from '../connections/service';
import type { EventHub } from '../events';
import type { Logger } from '../log';
import type { Database } from '../store/database';
import type { StoredConnection } from '../store/schema';
import type { ToolCaller } from '../tokens/caller';
import type { UsageLedger } from '../usage/ledger';
import { BudgetGuard, type BudgetHold } from './budgetGuard';
import { CapacityLimiter, type HitLimit, type Reservation } from './capacityLimiter';
import { cancelledWhileQueued, queueTimedOut, queueTooLong, rateLimited, shuttingDown } from './errors';
import { estimateTokens, type TokenEstimate } from '../chat/tokenEstimate';
import { LimitQueue, type Attempt } from './limitQueue';
import { quotaOf } from './quotaStatus';
import { QuotaWarnings } from './quotaWarnings';

/** How long a queued request waits at most when the connection sets no `maxQueueWaitMs`. */
export const DEFAULT_MAX_QUEUE_WAIT_MS = 60_000;

/** What limits read of the connections slice, through its owner: a record's current limits, the ids that exist. */
export type ConnectionLookup = Pick<ConnectionService, 'find' | 'names'>;

export interface LimitsAdmissionDeps {
  /** Owns the `limits` and `budgetWarnings` slices (counters and warnings sent); connections are read through `connections`. */
  db: Database;
  connections: ConnectionLookup;
  ledger: UsageLedger;
  pricing?: Pricing;
  events: Pick<EventHub, 'budgetWarning' | 'quotaWarning'>;
  log: Logger;
  now?: () => number;
}

type Refused = { kind: 'wait'; ms: number; limit: HitLimit };

export class LimitsAdmission implements Admission {
  readonly limiter: CapacityLimiter;
  readonly budgets: BudgetGuard;
  /** Sends `connections/quotaWarning` once per crossing of 80%, for configured and provider limits. */
  readonly quotaWarnings: QuotaWarnings;
  private readonly queue: LimitQueue<AdmissionTicket>;
  private readonly now: () => number;

  constructor(private readonly deps: LimitsAdmissionDeps) {
    this.now = deps.now ?? Date.now;
    this.limiter = new CapacityLimiter(deps.db, deps.connections, this.now);
    this.budgets = new BudgetGuard({
      db: deps.db,
      ledger: deps.ledger,
      ...(deps.pricing && { pricing: deps.pricing }),
      events: deps.events,
      now: this.now,
    });
    this.queue = new LimitQueue<AdmissionTicket>(this.now);
    this.quotaWarnings = new QuotaWarnings((params) => deps.events.quotaWarning(params));
  }

  /** How much of each capacity limit of `conn` is used and left now, and what its provider reported. */
  quota(conn: StoredConnection): ConnectionQuota {
    return quotaOf(conn, this.limiter.usage(conn), this.now());
  }

  async admit(
    stored: StoredConnection,
    model: string,
    input: ChatInput,
    signal: AbortSignal,
  ): Promise<AdmissionTicket> {
    const conn = this.lookup(stored.id) ?? stored;
    if (signal.aborted) throw cancelledWhileQueued(conn, 'The request was cancelled before it started.');
    const estimate = estimateTokens(input);
    const token = input.caller?.kind === 'tool' ? input.caller : undefined;
    const queueing = conn.onLimit === 'queue';
    const maxWaitMs = conn.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS;

    // Nobody is waiting ahead (or the connection does not queue): try now.
    if (!queueing || !this.queue.has(conn.id)) {
      const first = this.attempt(conn.id, model, estimate, token);
      if (first.kind === 'granted') return first.value;
      if (first.kind === 'failed') throw first.error;
      const refused = first as Refused;
      if (!queueing) throw rateLimited(conn, refused.limit, refused.ms, estimate);
      if (refused.ms > maxWaitMs) throw queueTooLong(conn, refused.limit, refused.ms, maxWaitMs, estimate);
    } else {
      const expected = this.limiter.queueWait(conn, [...this.queue.estimates(conn.id), estimate.total]);
      if (expected.waitMs > maxWaitMs) throw queueTooLong(conn, expected.limit, expected.waitMs, maxWaitMs, estimate);
    }

    return this.queue.enqueue(conn.id, {
      tokenEstimate: estimate.total,
      deadline: this.now() + maxWaitMs,
      signal,
      attempt: () => this.attempt(conn.id, model, estimate, token),
      timedOut: () => {
        const current = this.lookup(conn.id) ?? conn;
        const left = this.limiter.queueWait(current, [estimate.total]);
        return queueTimedOut(current, maxWaitMs, Math.max(1, left.waitMs), left.limit);
      },
      cancelled: () => cancelledWhileQueued(conn),
    });
  }

  /** Budget and capacity of the connection as it is now, charged together or not at all. */
  private attempt(
    connectionId: string,
    model: string,
    estimate: TokenEstimate,
    token: ToolCaller | undefined,
  ): Attempt<AdmissionTicket> | Refused {
    try {
      const conn = this.lookup(connectionId);
      if (!conn) return { kind: 'failed', error: connectionNotFound(connectionId) };
      const overBudget =
        (token && this.budgets.checkToken(token, conn, model, estimate)) ?? this.budgets.check(conn, model, estimate);
      if (overBudget) return { kind: 'failed', error: overBudget };
      const reserved = this.limiter.tryReserve(conn, estimate.total);
      if (!reserved.ok) return { kind: 'wait', ms: reserved.retryAfterMs, limit: reserved.limit };
      this.warnIfNearLimit(conn);
      const holds = [
        this.budgets.hold(conn, model, estimate),
        token && this.budgets.holdToken(token, conn, model, estimate),
      ];
      return { kind: 'granted', value: this.ticket(reserved.reservation, holds) };
    } catch (error) {
      return { kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  private ticket(reservation: Reservation, holds: Array<BudgetHold | undefined>): AdmissionTicket {
    let settled = false;
    return {
      settle: (outcome: { usage?: Usage | undefined; error: boolean }) => {
        if (settled) return;
        settled = true;
        const { connectionId } = reservation;
        this.limiter.settle(
          reservation,
          outcome.usage ? outcome.usage.inputTokens + outcome.usage.outputTokens : undefined,
        );
        for (const hold of holds) this.budgets.release(hold);
        // The reported tokens may have filled a token bucket further than the estimate did.
        const current = this.lookup(connectionId);
        if (current) this.warnIfNearLimit(current);
        // A refund may let the head of the queue in before its timer.
        if (this.queue.has(connectionId)) this.queue.pump(connectionId);
        if (!this.lookup(connectionId)?.budget) return;
        // The ledger records this request's cost right after the settle, in the same turn: look after it.
        queueMicrotask(() => {
          const conn = this.lookup(connectionId);
          if (!conn) return;
          try {
            this.budgets.warnIfDue(conn);
          } catch (error) {
            this.deps.log.warn('could not check the budget warning', { error, connectionId });
          }
        });
      },
    };
  }

  /** Sends `connections/quotaWarning` for a limit of `conn` that has just passed 80%; never fails a request. */
  private warnIfNearLimit(conn: StoredConnection): void {
    if (!conn.capacity?.length) return;
    try {
      this.quotaWarnings.checkLimits(conn, this.quota(conn).limits);
    } catch (error) {
      this.deps.log.warn('could not check the quota warning', { error, connectionId: conn.id });
    }
  }

  /** Re-examines a connection's queue now (its limits or budget changed: someone may fit sooner, or must fail). */
  reconsider(connectionId: string): void {
    if (this.queue.has(connectionId)) this.queue.pump(connectionId);
  }

  /** Drops what is kept for a deleted connection: its counters go, its waiters fail with CONNECTION_NOT_FOUND. */
  forget(connectionId: string): void {
    this.limiter.forget(connectionId);
    this.quotaWarnings.forget(connectionId);
    this.reconsider(connectionId);
  }

  /**
   * Fails every queued request (daemon shutdown) and clears the queue's timers. Resolves a turn of the
   * event loop later, once those failures have become responses, so they go out before the sockets close.
   */
  async close(): Promise<void> {
    this.queue.close(shuttingDown);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private lookup(id: string): StoredConnection | undefined {
    return this.deps.connections.find(id);
  }
}
