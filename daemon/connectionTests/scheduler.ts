/**
 * Re-tests every saved connection every `settings.testIntervalHours` (0 turns it off), so the
 * green/yellow/red a person sees stays true without anyone pressing "Test".
 *
 * One timer drives it. Each wake tests at most one connection that is due — never tested, or its last
 * test older than the interval — then sleeps `staggerMs` before the next, so tests run one at a time
 * and a daemon with twenty connections does not hit twenty providers in the same second. When none
 * is due it sleeps until the earliest one will be (capped, so new connections and changed settings
 * are picked up). A test run by hand moves the connection's next scheduled test on by itself, as
 * `lastTest` is what makes a connection due.
 *
 * The timer is `unref()`ed (it must never keep the process alive) and `stop()` clears it and aborts
 * a test in flight, so shutdown leaves no handle behind.
 */
import type { Logger } from '../log';
import type { SettingsStore } from '../settings/settingsStore';
import type { StoredConnection } from '../store/schema';
import { testSavedConnection, type SavedTestDeps } from './connectionTester';

export interface TestSchedulerDeps extends SavedTestDeps {
  /** Read for `testIntervalHours` at every wake, so a change applies without a restart. */
  settings: Pick<SettingsStore, 'get'>;
  log: Logger;
  /** Delay of the first wake after `start()`; default 20 s (the daemon is busy starting up). */
  firstRunDelayMs?: number;
  /** Pause between two connections' tests; default 5 s. */
  staggerMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const HOUR_MS = 3_600_000;
/** Longest single sleep: wakes this often at least, to notice new connections and settings. */
const MAX_SLEEP_MS = HOUR_MS;
/** A connection skipped for a missing key is looked at again this soon (an editor may push it). */
const RETRY_SKIPPED_MS = HOUR_MS;

export class TestScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private stopped = true;
  /** Connections not to look at before this time (skipped, or their test could not be recorded). */
  private readonly notBefore = new Map<string, number>();

  constructor(private readonly deps: TestSchedulerDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.arm(this.deps.firstRunDelayMs ?? 20_000);
  }

  /** Clears the timer and aborts a test in flight; resolves once that test has ended. Nothing is recorded for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
    await this.running;
  }

  /** Re-plans the next wake now (after `settings/update` changed the interval). */
  reschedule(): void {
    if (this.stopped || this.running) return; // a running wake re-arms itself when done
    this.arm(0);
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.running = this.wake()
          .catch((error: unknown) => {
            // A bug here must not end scheduled testing for the daemon's lifetime, nor crash it.
            this.deps.log.warn(`Test scheduler failed: ${error instanceof Error ? error.message : String(error)}`);
            this.arm(MAX_SLEEP_MS);
          })
          .finally(() => (this.running = undefined));
      },
      Math.max(0, Math.min(ms, MAX_SLEEP_MS)),
    );
    this.timer.unref();
  }

  private async wake(): Promise<void> {
    const intervalMs = this.deps.settings.get().testIntervalHours * HOUR_MS;
    if (!(intervalMs > 0)) return this.arm(MAX_SLEEP_MS);
    const now = this.now();
    // A switched-off connection is not tested on schedule (a test by hand still runs).
    const due = this.deps.connections
      .storedAll()
      .filter((c) => c.enabled !== false)
      .map((c) => ({ c, at: this.dueAt(c, intervalMs) }))
      .filter(({ at }) => at <= now)
      .sort((a, b) => a.at - b.at);
    const next = due[0]?.c;
    if (!next) return this.arm(this.untilNextDue(intervalMs));
    await this.testOne(next, intervalMs);
    this.arm(this.deps.staggerMs ?? 5_000);
  }

  private async testOne(stored: StoredConnection, intervalMs: number): Promise<void> {
    const { id, name } = stored;
    if (!this.keyAvailable(stored)) {
      // Not a failure of the connection: the key lives in an editor that is not connected yet.
      this.deps.log.debug(`Scheduled test of "${name}" skipped: its key is not available.`);
      this.notBefore.set(id, this.now() + Math.min(intervalMs, RETRY_SKIPPED_MS));
      return;
    }
    this.abort = new AbortController();
    try {
      const { result } = await testSavedConnection(this.deps, id, { signal: this.abort.signal, trigger: 'scheduled' });
      this.notBefore.set(id, this.now() + intervalMs); // in case it was deleted before the result was stored
      this.deps.log.info(`Scheduled test of "${name}": ${result.status} — ${result.summary}`);
    } catch (error) {
      if (this.stopped) return;
      this.notBefore.set(id, this.now() + Math.min(intervalMs, RETRY_SKIPPED_MS));
      this.deps.log.warn(
        `Scheduled test of "${name}" could not run: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.abort = undefined;
    }
  }

  /** Same rule as `toResolved`: a key is needed only when the provider needs one and a source is set. */
  private keyAvailable(stored: StoredConnection): boolean {
    const provider = this.deps.providers.find(stored.provider);
    if (!provider) return false;
    if (!provider.requiresKey || stored.keySource === 'none') return true;
    return this.deps.connections.keyFor(stored) !== undefined;
  }

  private dueAt(c: StoredConnection, intervalMs: number): number {
    const tested = c.lastTest ? Date.parse(c.lastTest.testedAt) + intervalMs : 0;
    return Math.max(Number.isFinite(tested) ? tested : 0, this.notBefore.get(c.id) ?? 0);
  }

  private untilNextDue(intervalMs: number): number {
    const now = this.now();
    const next = Math.min(
      ...this.deps.connections
        .storedAll()
        .filter((c) => c.enabled !== false)
        .map((c) => this.dueAt(c, intervalMs)),
    );
    return Number.isFinite(next) ? Math.max(1000, next - now) : MAX_SLEEP_MS;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
