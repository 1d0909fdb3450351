/**
 * The "Recent tests" list of a saved connection, as words: when (in human words), how it went, the
 * stage that decided it and why, and what ran it. Pure, so it is tested without a page.
 */
import type { TestHistoryEntry } from '../../../shared/protocol';

/** How many past results the manager shows (the daemon keeps 20). */
export const HISTORY_SHOWN = 10;

export interface HistoryLine {
  status: TestHistoryEntry['status'];
  /** "3 min ago", "yesterday at 14:05", "on 2 Dec at 09:30". */
  when: string;
  /** The exact time, for the tooltip. */
  exact: string;
  /** "Failed at authentication", "Passed", "Passed with a warning at latency". */
  outcome: string;
  reason: string;
  /** "by hand", "on schedule", "during a chat". */
  by: string;
}

const BY: Record<TestHistoryEntry['trigger'], string> = {
  manual: 'by hand',
  scheduled: 'on schedule',
  chat: 'during a chat',
};

export function historyLines(entries: readonly TestHistoryEntry[], now: Date): HistoryLine[] {
  return entries.slice(0, HISTORY_SHOWN).map((e) => ({
    status: e.status,
    when: whenInWords(e.testedAt, now),
    exact: new Date(e.testedAt).toLocaleString(),
    outcome: outcomeOf(e),
    reason: e.reason,
    by: BY[e.trigger] ?? e.trigger,
  }));
}

function outcomeOf(e: TestHistoryEntry): string {
  if (e.status === 'ok') return 'Passed';
  const at = e.stage ? ` at ${e.stage}` : '';
  return e.status === 'warning' ? `Passed with a warning${at}` : `Failed${at}`;
}

/** "just now", "5 min ago", "3 h ago", "yesterday at 14:05", "4 days ago", else the date. */
export function whenInWords(iso: string, now: Date): string {
  const at = new Date(iso);
  const ms = now.getTime() - at.getTime();
  if (Number.isNaN(ms)) return 'at an unknown time';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const hours = Math.floor(min / 60);
  if (hours < 12) return `${hours} h ago`;
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const days = dayNumber(now) - dayNumber(at);
  if (days === 0) return `today at ${time}`;
  if (days === 1) return `yesterday at ${time}`;
  if (days < 7) return `${days} days ago`;
  return `on ${at.toLocaleDateString([], { day: 'numeric', month: 'short' })} at ${time}`;
}

/** Local calendar days since the epoch: "yesterday" is the day before on the person's calendar. */
function dayNumber(d: Date): number {
  return Math.floor((d.getTime() - d.getTimezoneOffset() * 60_000) / 86_400_000);
}
