/**
 * Draws "Recent tests" under the test results of the connection being edited, and its "Audit log"
 * link. The host sends the history when a connection opens and again whenever the daemon says one
 * was tested (`connections/tested`), so a scheduled test shows up without reopening the form.
 */
import type { TestHistoryEntry } from '../../../shared/protocol';
import { historyLines } from './testHistory';
import { el } from './view';

const ICON = { ok: '✓', warning: '!', error: '✗' } as const;

/** Shows `entries` (newest first) for the connection open in the form; none yet says how to get one. */
export function renderTestHistory(entries: readonly TestHistoryEntry[], now = new Date()): void {
  el('history-section').hidden = false;
  const list = el('history-list');
  const empty = el('history-empty');
  empty.hidden = entries.length > 0;
  list.replaceChildren(
    ...historyLines(entries, now).map((line) => {
      const li = document.createElement('li');
      li.className = `history-item stage-${line.status}`;
      li.dataset.status = line.status;
      const cells: Array<[string, string]> = [
        ['stage-icon', ICON[line.status]],
        ['history-when', line.when],
        ['history-outcome', `${line.outcome} (${line.by})`],
        ['history-reason', line.reason],
      ];
      for (const [cls, text] of cells) {
        const span = document.createElement('span');
        span.className = cls;
        span.textContent = text;
        if (cls === 'stage-icon') span.setAttribute('aria-hidden', 'true');
        if (cls === 'history-when') span.title = line.exact;
        li.append(span);
      }
      return li;
    }),
  );
}

/** A new connection has no history (and no audit entries) yet. */
export function hideTestHistory(): void {
  el('history-section').hidden = true;
  el('history-list').replaceChildren();
}
