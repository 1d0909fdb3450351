/**
 * Discovered capacity: the rate limits an upstream reports in its response headers (OpenAI's
 * `x-ratelimit-*`, Anthropic's `anthropic-ratelimit-*`), kept on the connection so the connection
 * manager can show them beside the configured limits.
 *
 * Every response carries them but only the latest figures of a connection are kept, so reports are
 * coalesced: the recorder holds the last report of each connection and records the pending ones
 * once per event-loop turn (one `setImmediate`). A report may be a thunk over the answer's headers,
 * so a connection answering many requests in one turn costs one parse, not one per request.
 * Reads that show the figures call {@link DiscoveredCapacityRecorder.flush} first, so they see
 * the latest even within the same turn.
 *
 * They are written with the store's deferred, coalesced write and announce no `connections/changed`:
 * clients see them on their next `connections/get` or `list`. `onRecorded` sees each recorded report
 * (the quota warning looks at it before the write lands).
 */
import type { DiscoveredCapacity, RateLimitInfo } from '../../shared/protocol';
import type { RateLimitReport } from '../chat/ports';
import type { Logger } from '../log';
import type { Database } from '../store/database';

export interface DiscoveredCapacityOptions {
  db: Database;
  log: Logger;
  /** The clock stamping `observedAt`; default Date.now. */
  now?: () => number;
  onRecorded?: (connectionId: string, capacity: DiscoveredCapacity) => void;
}

export class DiscoveredCapacityRecorder {
  /** The latest report of each connection not recorded yet (a later report replaces an earlier one). */
  private pending = new Map<string, RateLimitReport>();
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: DiscoveredCapacityOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Takes a connection's report, recorded by the end of this turn. Bound: handed over as a listener. */
  readonly record = (connectionId: string, report: RateLimitReport): void => {
    this.pending.set(connectionId, report);
    this.scheduled ??= setImmediate(this.drain);
  };

  /** Records the pending reports now (before a read shows discovered capacity, and at shutdown). */
  flush(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.pending.size === 0) return;
    // Swapped first: a report arriving while these are recorded waits for the next turn's batch.
    const batch = this.pending;
    this.pending = new Map();
    for (const [connectionId, report] of batch) this.recordNow(connectionId, report);
  }

  private readonly drain = (): void => {
    this.scheduled = undefined;
    this.flush();
  };

  /** One report; a failure is logged and never reaches the event loop (it would take the daemon down). */
  private recordNow(connectionId: string, report: RateLimitReport): void {
    let info: RateLimitInfo | undefined;
    try {
      info = typeof report === 'function' ? report() : report;
    } catch (error) {
      // Rate-limit header values only: nothing secret in the error.
      this.opts.log.warn('could not read the rate-limit headers of an answer', { error, connectionId });
      return;
    }
    if (info === undefined) return;
    try {
      const capacity: DiscoveredCapacity = { ...info, observedAt: new Date(this.now()).toISOString() };
      this.opts.db.updateLater((data) => {
        const conn = data.connections.find((c) => c.id === connectionId);
        if (conn) conn.discoveredCapacity = capacity;
      });
      this.opts.onRecorded?.(connectionId, capacity);
    } catch (error) {
      this.opts.log.warn('could not record the rate limits an upstream reported', { error, connectionId });
    }
  }
}
