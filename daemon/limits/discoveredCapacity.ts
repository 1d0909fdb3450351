/**
 * Discovered capacity: the rate limits an upstream reports in its response headers (OpenAI's
 * `x-ratelimit-*`, Anthropic's `anthropic-ratelimit-*`), kept on the connection so the connection
 * manager can show them beside the configured limits.
 *
 * Every response carries them but only the latest figures of a connection are kept, so reports are
 * coalesced: the recorder holds the last report of each connection and records the pending ones
 * once per window ({@link RECORD_WINDOW_MS}; 0: once per event-loop turn). A report may be a thunk
 * over the answer's headers, so a connection answering many requests in a window costs one parse
 * and one write, not one per request: under load, per-turn batches held about one answer each.
 * Reads that show the figures call {@link DiscoveredCapacityRecorder.flush} first, so they see
 * the latest at once; only the quota warning (`onRecorded`) may come up to a window late.
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
  /** How long reports are gathered before they are recorded; default {@link RECORD_WINDOW_MS}. */
  windowMs?: number;
}

/** Reports are recorded at most this often (per recorder): the figures are for people to read. */
export const RECORD_WINDOW_MS = 250;

export class DiscoveredCapacityRecorder {
  /** The latest report of each connection not recorded yet (a later report replaces an earlier one). */
  private pending = new Map<string, RateLimitReport>();
  private cancelScheduled: (() => void) | undefined;
  private readonly now: () => number;
  private readonly windowMs: number;

  constructor(private readonly opts: DiscoveredCapacityOptions) {
    this.now = opts.now ?? Date.now;
    this.windowMs = opts.windowMs ?? RECORD_WINDOW_MS;
  }

  /** Takes a connection's report, recorded by the end of the window. Bound: handed over as a listener. */
  readonly record = (connectionId: string, report: RateLimitReport): void => {
    this.pending.set(connectionId, report);
    this.cancelScheduled ??= this.schedule();
  };

  private schedule(): () => void {
    if (this.windowMs <= 0) {
      const immediate = setImmediate(this.drain);
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(this.drain, this.windowMs);
    return () => clearTimeout(timer);
  }

  /** Records the pending reports now (before a read shows discovered capacity, and at shutdown). */
  flush(): void {
    if (this.cancelScheduled !== undefined) {
      this.cancelScheduled();
      this.cancelScheduled = undefined;
    }
    if (this.pending.size === 0) return;
    // Swapped first: a report arriving while these are recorded waits for the next batch.
    const batch = this.pending;
    this.pending = new Map();
    for (const [connectionId, report] of batch) this.recordNow(connectionId, report);
  }

  private readonly drain = (): void => {
    this.cancelScheduled = undefined;
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
