/**
 * "Quota now" in Limits & budget: how much of each configured limit of the connection open in the
 * form is used and left at this moment (`connections/quota`, asked for when the connection opens and
 * on Refresh). The provider's own limits have their section just below.
 */
import type { ConnectionQuota } from '../../../shared/protocol';
import { formatWhen } from '../../../shared/format';
import { quotaLines, quotaSentence } from '../../../shared/quotaText';

/** What the section shows. */
export type QuotaState =
  | { kind: 'unsaved' }
  | { kind: 'loading' }
  | { kind: 'shown'; quota: ConnectionQuota }
  | { kind: 'failed'; message: string };

const MARK = { ok: '', near: ' — near the limit', full: ' — at the limit' } as const;

const el = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export function renderQuota(state: QuotaState, now = new Date()): void {
  const status = el('quota-status');
  const refresh = el<HTMLButtonElement>('quota-refresh');
  refresh.hidden = state.kind === 'unsaved';
  refresh.disabled = state.kind === 'loading';
  let items: Array<{ text: string; level: string }> = [];
  switch (state.kind) {
    case 'unsaved':
      status.textContent = 'Shown once the connection is saved.';
      break;
    case 'loading':
      status.textContent = 'Reading…';
      break;
    case 'failed':
      status.textContent = `Could not read the quota: ${state.message}`;
      break;
    case 'shown': {
      const { quota } = state;
      // Only the configured limits: the provider's figures are in "Reported by the provider".
      const lines = quotaLines(quota, now).slice(0, quota.limits.length);
      status.textContent =
        lines.length === 0
          ? 'No capacity limits set: add one above to have Switchboard count it.'
          : `As of ${formatWhen(quota.at, now)}. A warning shows when a limit passes 80%.`;
      items = lines.map((l) => ({ text: `${quotaSentence(l)}${MARK[l.level]}`, level: l.level }));
      break;
    }
  }
  el('quota-lines').replaceChildren(
    ...items.map(({ text, level }) => {
      const li = document.createElement('li');
      li.textContent = text;
      li.dataset.level = level;
      return li;
    }),
  );
}
