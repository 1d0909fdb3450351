/**
 * The "Quota now" part of a connection's tree tooltip: each limit's use from `connections/quota`, in
 * the words of shared/quotaText.ts. Pure (no `vscode`), so the Markdown is unit-tested.
 */
import type { ConnectionQuota } from '../../shared/protocol';
import { providerObserved, quotaLines, quotaSentence } from '../../shared/quotaText';
import { escapeMarkdown } from './presentation';

const MARK = { ok: '', near: ' — **near the limit**', full: ' — **at the limit**' } as const;

/** Markdown lines to append to the tooltip; none when there is nothing to show. */
export function quotaTooltipLines(quota: ConnectionQuota, now: Date = new Date()): string[] {
  const lines = quotaLines(quota, now);
  if (lines.length === 0) return [];
  const observed = providerObserved(quota, now);
  return [
    '',
    '**Quota now**',
    ...lines.map((l) => `- ${escapeMarkdown(quotaSentence(l))}${MARK[l.level]}`),
    ...(observed ? ['', `_${escapeMarkdown(observed)}_`] : []),
  ];
}

/** The tooltip with the quota after it (the tooltip alone when the quota could not be read). */
export function tooltipWithQuota(tooltip: string, quota: ConnectionQuota | undefined, now: Date = new Date()): string {
  return quota ? [tooltip, ...quotaTooltipLines(quota, now)].join('\n') : tooltip;
}
