/**
 * A connection's quota (`connections/quota`) as a person reads it, one line per limit: the same words
 * in `switchboard connections show`, the Connections tree tooltip and the connection manager. Pure
 * and dependency-free: the webview pages bundle it.
 */
import type { ConnectionQuota } from './protocol/quota';
import { formatCount, formatPercent, formatWhen } from './format';

/** How close a limit is: `near` from 80% used (when the warning goes out), `full` at 100%. */
export type QuotaLevel = 'ok' | 'near' | 'full';

/** One limit, ready to show. */
export interface QuotaLine {
  /** `Requests per minute`, `Provider tokens`. */
  label: string;
  /** `3 of 10`. */
  used: string;
  /** `7 left`. */
  left: string;
  /** `30%`, or `?` when the provider did not report both figures. */
  percent: string;
  /** `whole again in 7h 12m`, `resets today at 14:05`, or empty. */
  when: string;
  level: QuotaLevel;
}

/** Lines of every configured limit, then of the provider's reported ones. */
export function quotaLines(quota: ConnectionQuota, now: Date = new Date()): QuotaLine[] {
  const lines: QuotaLine[] = quota.limits.map((l) => ({
    label: `${capitalize(l.kind)} per ${l.period}`,
    used: `${formatCount(l.used)} of ${formatCount(l.limit)}`,
    left: `${formatCount(l.remaining)} left`,
    percent: formatPercent(l.fraction),
    when: l.fullInMs > 0 ? `whole again in ${formatDuration(l.fullInMs)}` : '',
    level: levelOf(l.fraction),
  }));
  for (const p of quota.provider?.limits ?? []) {
    const n = (v: number | undefined) => (v === undefined ? '?' : formatCount(v));
    lines.push({
      label: `Provider ${p.kind}`,
      used: `${n(p.used)} of ${n(p.limit)}`,
      left: `${n(p.remaining)} left`,
      percent: p.fraction === undefined ? '?' : formatPercent(p.fraction),
      when: p.resetsAt ? `resets ${formatWhen(p.resetsAt, now)}` : '',
      level: p.fraction === undefined ? 'ok' : levelOf(p.fraction),
    });
  }
  return lines;
}

/** A line as one sentence: `Requests per day: 3 of 10 used (30%), 7 left, whole again in 7h 12m`. */
export function quotaSentence(line: QuotaLine): string {
  return `${line.label}: ${line.used} used (${line.percent}), ${line.left}${line.when ? `, ${line.when}` : ''}`;
}

/** What to say when there is nothing to show. */
export const NO_QUOTA_TEXT = 'No capacity limits set, and the provider has not reported any yet.';

/** When the provider's figures were taken: `Provider figures from today at 14:05`. */
export function providerObserved(quota: ConnectionQuota, now: Date = new Date()): string | undefined {
  return quota.provider ? `Provider figures from ${formatWhen(quota.provider.observedAt, now)}` : undefined;
}

/** `45s`, `12m 5s`, `7h 12m`, `2d 3h`: the two largest units. */
export function formatDuration(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    if (rest >= size || (parts.length > 0 && parts.length < 2)) {
      const count = Math.floor(rest / size);
      rest -= count * size;
      if (parts.length > 0 || count > 0) parts.push(`${count}${unit}`);
    }
    if (parts.length === 2) break;
  }
  return parts.filter((p, i) => i === 0 || !p.startsWith('0')).join(' ');
}

function levelOf(fraction: number): QuotaLevel {
  if (fraction >= 1) return 'full';
  if (fraction >= 0.8) return 'near';
  return 'ok';
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
