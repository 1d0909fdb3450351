/** The "quota now" table of `switchboard connections show`: each limit's use, from `connections/quota`. */
import type { ConnectionQuota } from '../../../shared/protocol';
import { NO_QUOTA_TEXT, providerObserved, quotaLines, type QuotaLevel } from '../../../shared/quotaText';
import type { Colour, Output } from '../output';

const LEVEL_COLOUR: Record<QuotaLevel, Colour | undefined> = { ok: undefined, near: 'yellow', full: 'red' };

/** Prints the quota section (nothing with `--json`: the data carries it). */
export function printQuota(out: Output, quota: ConnectionQuota): void {
  const lines = quotaLines(quota);
  out.line();
  if (lines.length === 0) {
    out.line(`quota now:       ${NO_QUOTA_TEXT}`);
    return;
  }
  out.line('quota now:');
  out.table(
    ['LIMIT', 'USED', 'LEFT', '%', 'WHEN'],
    lines.map((l) => {
      const colour = LEVEL_COLOUR[l.level];
      return [l.label, l.used, l.left, colour ? out.paint(colour, l.percent) : l.percent, l.when];
    }),
  );
  const observed = providerObserved(quota);
  if (observed) out.line(out.paint('dim', `${observed}.`));
}
