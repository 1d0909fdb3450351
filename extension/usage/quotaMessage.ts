/**
 * The words of a quota warning (`connections/quotaWarning`: a capacity limit passed 80%). Pure (no
 * vscode), so each sentence is unit-tested; quotaWarnings.ts shows it.
 */
import type { QuotaWarningParams } from '../../shared/protocol';
import { formatCount, formatPercent, formatWhen } from '../../shared/format';

/**
 * "Connection Work has used 80% of its limit of 10 requests per minute (8 used, 2 left)." or, for
 * what the provider reported, "… of the 5,000 requests its provider allows (…), resets today at 14:05."
 */
export function quotaWarningMessage(w: QuotaWarningParams, now: Date = new Date()): string {
  const amount = `${formatCount(w.limit)} ${w.kind}`;
  const figures = `(${formatCount(w.used)} used, ${formatCount(w.remaining)} left)`;
  if (w.source === 'provider') {
    const reset = w.resetsAt ? ` The provider resets it ${formatWhen(w.resetsAt, now)}.` : '';
    return `Connection ${w.name} has used ${formatPercent(w.fraction)} of the ${amount} its provider allows ${figures}. Past it, the provider refuses requests as rate-limited.${reset}`;
  }
  const per = w.period ? ` per ${w.period}` : '';
  return `Connection ${w.name} has used ${formatPercent(w.fraction)} of its limit of ${amount}${per} ${figures}. Past it, Switchboard holds requests back until the limit refills (Edit Connection › Limits & budget).`;
}
