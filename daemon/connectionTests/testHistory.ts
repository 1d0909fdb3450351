/**
 * The last {@link TEST_HISTORY_LENGTH} test results of each saved connection: when, how it went,
 * which stage decided it and why, and what ran it. The one owner of `db.testHistory`: it appends
 * on every `connections/tested` and forgets a deleted connection's history.
 *
 * Appended as a deferred write (like usage counters): a test result is already on the connection
 * as `lastTest`, so a crash in the next half second costs at most one line of history.
 */
import { TEST_HISTORY_LENGTH, type TestHistoryEntry, type TestResult, type TestTrigger } from '../../shared/protocol';
import type { EventHub } from '../events';
import type { Database } from '../store/database';

export class TestHistory {
  constructor(
    private readonly db: Database,
    events: EventHub,
  ) {
    events.onConnectionTested(({ id, result, trigger }) => this.append(id, result, trigger ?? 'manual'));
    events.onConnectionChanged(({ kind, id }) => {
      if (kind === 'deleted') this.forget(id);
    });
  }

  /** Newest first. */
  list(id: string, limit = TEST_HISTORY_LENGTH): TestHistoryEntry[] {
    const entries = this.db.data.testHistory?.[id] ?? [];
    return entries
      .slice(-limit)
      .reverse()
      .map((e) => ({ ...e }));
  }

  private append(id: string, result: TestResult, trigger: TestTrigger): void {
    const entry = entryOf(result, trigger);
    this.db.updateLater((data) => {
      // A connection deleted while its test ran has no history to keep.
      if (!data.connections.some((c) => c.id === id)) return;
      const all = (data.testHistory ??= {});
      const list = (all[id] ??= []);
      list.push(entry);
      if (list.length > TEST_HISTORY_LENGTH) list.splice(0, list.length - TEST_HISTORY_LENGTH);
    });
  }

  private forget(id: string): void {
    if (!this.db.data.testHistory?.[id]) return;
    this.db.updateLater((data) => {
      if (data.testHistory) delete data.testHistory[id];
    });
  }
}

/** The history line of a result: the first stage that failed (else warned) names the stage and the reason. */
export function entryOf(result: TestResult, trigger: TestTrigger): TestHistoryEntry {
  const decisive = result.stages.find((s) => s.status === 'error') ?? result.stages.find((s) => s.status === 'warning');
  return {
    testedAt: result.testedAt,
    status: result.status,
    summary: result.summary,
    ...(decisive && { stage: decisive.name }),
    reason: decisive?.reason ?? result.summary,
    durationMs: result.durationMs,
    trigger,
  };
}
