/**
 * A connection's capacity limits as token buckets: one `requests` and/or one `tokens` bucket per
 * period. Admission is all-or-nothing and synchronous — every bucket a request needs is checked and
 * charged in the same turn of the event loop — so concurrent requests from any number of clients can
 * never be admitted past a limit.
 *
 * The buckets live in memory and are copied into `db.limits` with the store's deferred write after
 * every change, so a restart picks up where the counters were.
 */
import type { CapacityLimit, CapacityPeriod } from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import type { Database } from '../store/database';
import type { BucketState, ConnectionLimitState, StoredConnection } from '../store/schema';
import { levelAt, PERIOD_MS, resized, stateAt, waitMs } from './tokenBucket';

type Kind = 'requests' | 'tokens';
export type BucketKey = `${CapacityPeriod}:${Kind}`;

/** The limit a request ran into, as RATE_LIMITED names it: one period and one kind. */
export type HitLimit = { period: CapacityPeriod } & ({ requests: number } | { tokens: number });

/** What an admitted request holds in the token buckets, to be corrected when its usage is known. */
export interface Reservation {
  connectionId: string;
  tokens: Array<{ key: BucketKey; amount: number }>;
}

export type ReserveOutcome =
  { ok: true; reservation: Reservation } | { ok: false; retryAfterMs: number; limit: HitLimit };

/** One bucket a request needs room in. */
interface Need {
  key: BucketKey;
  period: CapacityPeriod;
  kind: Kind;
  limit: number;
  amount: number;
}

export class CapacityLimiter {
  private readonly states = new Map<string, ConnectionLimitState>();

  constructor(
    private readonly db: Database,
    /** Only the ids that still exist keep their stored counters. */
    connections: Pick<ConnectionService, 'names'>,
    private readonly now: () => number = Date.now,
  ) {
    const live = new Set(connections.names().map((c) => c.id));
    for (const [id, state] of Object.entries(db.data.limits))
      if (live.has(id)) this.states.set(id, structuredClone(state));
  }

  /**
   * Charges one request and `tokenEstimate` tokens to every bucket of `conn` if all of them have room;
   * otherwise charges nothing and says which limit binds and for how long.
   */
  tryReserve(conn: StoredConnection, tokenEstimate: number): ReserveOutcome {
    const needs = needsOf(conn.capacity, tokenEstimate);
    if (needs.length === 0) {
      if (this.states.delete(conn.id)) this.persist(conn.id);
      return { ok: true, reservation: { connectionId: conn.id, tokens: [] } };
    }
    const now = this.now();
    const current = this.states.get(conn.id) ?? {};
    const levels = needs.map((n) => this.level(current[n.key], n, now));
    let worst: { wait: number; need: Need } | undefined;
    needs.forEach((need, i) => {
      const wait = waitMs(levels[i]!, need.amount, need.limit, PERIOD_MS[need.period]);
      if (wait > 0 && (!worst || wait > worst.wait)) worst = { wait, need };
    });
    if (worst) return { ok: false, retryAfterMs: worst.wait, limit: hitLimit(worst.need) };

    // Buckets of limits no longer configured are dropped here, so a removed limit leaves no state.
    const next: ConnectionLimitState = {};
    needs.forEach((need, i) => (next[need.key] = stateAt(levels[i]! + need.amount, need.limit, now)));
    this.states.set(conn.id, next);
    this.persist(conn.id);
    return {
      ok: true,
      reservation: {
        connectionId: conn.id,
        tokens: needs.filter((n) => n.kind === 'tokens').map((n) => ({ key: n.key, amount: n.amount })),
      },
    };
  }

  /**
   * Replaces a reservation's token estimate by what the upstream reported (`undefined`: it reported
   * nothing, so the estimate is refunded). The request itself stays counted either way. Reporting more
   * than was reserved may push a bucket over its limit: later requests then wait longer.
   */
  settle(reservation: Reservation, reportedTokens: number | undefined): void {
    const state = this.states.get(reservation.connectionId);
    if (!state || reservation.tokens.length === 0) return;
    const now = this.now();
    let changed = false;
    for (const { key, amount } of reservation.tokens) {
      const bucket = state[key];
      if (!bucket) continue; // the limit was removed while the request ran
      const level = levelAt(bucket, PERIOD_MS[periodOf(key)], now);
      state[key] = stateAt(
        level + (reportedTokens === undefined ? -amount : reportedTokens - amount),
        bucket.limit,
        now,
      );
      changed = true;
    }
    if (changed) this.persist(reservation.connectionId);
  }

  /**
   * Milliseconds until the last of `tokenEstimates` would be admitted, when they are admitted in order,
   * each as soon as it fits, and nothing settles meanwhile; and the limit that held the last one back.
   * What a request joining a queue should expect to wait.
   */
  queueWait(conn: StoredConnection, tokenEstimates: readonly number[]): { waitMs: number; limit?: HitLimit } {
    const now = this.now();
    const current = this.states.get(conn.id) ?? {};
    const levels = new Map<BucketKey, number>();
    let total = 0;
    let binding: HitLimit | undefined;
    for (const estimate of tokenEstimates) {
      const needs = needsOf(conn.capacity, estimate);
      for (const n of needs) if (!levels.has(n.key)) levels.set(n.key, this.level(current[n.key], n, now));
      let step = 0;
      let stepLimit: HitLimit | undefined;
      for (const n of needs) {
        const wait = waitMs(levels.get(n.key)!, n.amount, n.limit, PERIOD_MS[n.period]);
        if (wait > step) [step, stepLimit] = [wait, hitLimit(n)];
      }
      if (step > 0) {
        total += step;
        binding = stepLimit;
        for (const n of needs)
          levels.set(n.key, Math.max(0, levels.get(n.key)! - (step * n.limit) / PERIOD_MS[n.period]));
      }
      for (const n of needs) levels.set(n.key, levels.get(n.key)! + n.amount);
    }
    return { waitMs: total, ...(binding && { limit: binding }) };
  }

  /** How full each bucket of `conn` is now (units used, after refill), for display and tests. */
  usage(conn: StoredConnection): Partial<Record<BucketKey, number>> {
    const now = this.now();
    const current = this.states.get(conn.id) ?? {};
    const out: Partial<Record<BucketKey, number>> = {};
    for (const n of needsOf(conn.capacity, 0)) out[n.key] = this.level(current[n.key], n, now);
    return out;
  }

  /** Drops the counters of a deleted connection. */
  forget(connectionId: string): void {
    this.states.delete(connectionId);
  }

  private level(bucket: BucketState | undefined, need: Need, now: number): number {
    return bucket ? levelAt(resized(bucket, need.limit), PERIOD_MS[need.period], now) : 0;
  }

  private persist(connectionId: string): void {
    const state = this.states.get(connectionId);
    const snapshot = state && { ...state };
    this.db.updateLater((data) => {
      // A request still settling on a connection deleted meanwhile must not bring its counters back.
      if (!snapshot || !data.connections.some((c) => c.id === connectionId)) delete data.limits[connectionId];
      else data.limits[connectionId] = snapshot;
    });
  }
}

/** The buckets a request needs room in: one request in each `requests` bucket, its estimate in each `tokens` bucket. */
function needsOf(capacity: readonly CapacityLimit[] | undefined, tokenEstimate: number): Need[] {
  const needs: Need[] = [];
  for (const limit of capacity ?? []) {
    if (limit.requests !== undefined)
      needs.push({
        key: `${limit.period}:requests`,
        period: limit.period,
        kind: 'requests',
        limit: limit.requests,
        amount: 1,
      });
    if (limit.tokens !== undefined) {
      // Capped at the limit, so one large request can still pass an empty bucket instead of never fitting.
      needs.push({
        key: `${limit.period}:tokens`,
        period: limit.period,
        kind: 'tokens',
        limit: limit.tokens,
        amount: Math.min(Math.max(0, tokenEstimate), limit.tokens),
      });
    }
  }
  return needs;
}

function hitLimit(need: Need): HitLimit {
  return need.kind === 'requests'
    ? { period: need.period, requests: need.limit }
    : { period: need.period, tokens: need.limit };
}

function periodOf(key: BucketKey): CapacityPeriod {
  return key.slice(0, key.indexOf(':')) as CapacityPeriod;
}
