/**
 * How the Usage view writes numbers, money and dates. Pure, so every rule (above all: an unknown cost
 * is never shown as $0) is unit-tested. Dates are UTC days, as the daemon's ledger counts them.
 */
import { formatCount, formatUsd } from '../../../shared/format';

/** A count for an axis label: `950`, `2.5k`, `12k`, `4.5M`. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  const scaled = (value: number, unit: string) => `${trimZeros(value.toFixed(value < 10 ? 1 : 0))}${unit}`;
  if (abs >= 1e9) return scaled(n / 1e9, 'B');
  if (abs >= 1e6) return scaled(n / 1e6, 'M');
  if (abs >= 1e3) return scaled(n / 1e3, 'k');
  return trimZeros(n.toFixed(abs < 10 && abs % 1 !== 0 ? 1 : 0));
}

const trimZeros = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

/** The figures a cost is made of: what the priced requests cost, and how many requests had no price. */
export interface CostFigures {
  requests: number;
  costUsd: number;
  unpricedRequests: number;
}

export type CostKind = 'known' | 'partial' | 'unknown';

/** Whether a cost is fully known, a lower bound (some requests had no price), or unknown. */
export function costKind(c: CostFigures): CostKind {
  if (c.unpricedRequests <= 0) return 'known';
  // Nothing priced at all: "≥ $0.00" would read as free.
  return c.costUsd > 0 && c.unpricedRequests < c.requests ? 'partial' : 'unknown';
}

/** `$1.23`, `≥ $1.23` when some requests had no known price, `unknown` when none had one. */
export function formatCost(c: CostFigures): string {
  switch (costKind(c)) {
    case 'known':
      return formatUsd(c.costUsd);
    case 'partial':
      return `≥ ${formatUsd(c.costUsd)}`;
    case 'unknown':
      return 'unknown';
  }
}

/** What a cost cell's tooltip and screen-reader text add to the figure. */
export function costNote(c: CostFigures): string | undefined {
  const n = c.unpricedRequests;
  if (n <= 0) return undefined;
  const requests = `${formatCount(n)} request${n === 1 ? '' : 's'}`;
  return `${requests} used a model without a known price; set one in the connection manager, under "Prices" (click the connection's name).`;
}

/** Average latency of a group: `340 ms`, `1.2 s`; `–` without requests. */
export function formatLatency(latencyMsTotal: number, requests: number): string {
  if (requests <= 0) return '–';
  const ms = latencyMsTotal / requests;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${trimZeros((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A `YYYY-MM-DD` day as `Mar 3`. */
export function formatDay(day: string): string {
  const [, m, d] = day.split('-').map(Number);
  return `${MONTHS[(m ?? 1) - 1] ?? '?'} ${d ?? '?'}`;
}

/** An ISO time as its UTC day, `Mar 3, 2025`. */
export function formatDate(iso: string): string {
  const day = iso.slice(0, 10);
  return `${formatDay(day)}, ${day.slice(0, 4)}`;
}

/** A range of UTC days: `Oct 23 to Nov 21, 2026`, or with both years when they differ. */
export function formatSpan(from: string, to: string): string {
  return from.slice(0, 4) === to.slice(0, 4)
    ? `${formatDay(from)} to ${formatDay(to)}, ${to.slice(0, 4)}`
    : `${formatDate(from)} to ${formatDate(to)}`;
}

/** Every `YYYY-MM-DD` day from `from` to `to`, inclusive (UTC). Bounded: at most 400 days. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 400; t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
