/**
 * The "Limits & budget" part of the connection form as data: capacity rows, what happens at a limit,
 * the budget, the fallback chain, and the rate limits the provider reported. Pure (no DOM), so each
 * rule is unit-tested; the bounds mirror shared/protocol/fields.ts, which the daemon checks again.
 */
import type { Budget, CapacityLimit, Connection, DiscoveredCapacity } from '../../../shared/protocol';
import type { ManagerCreateFields, ManagerUpdateFields } from '../../../shared/webview';

export const PERIODS = ['minute', 'hour', 'day'] as const;
export const MAX_FALLBACKS = 8;
const MAX_REQUESTS = 1_000_000_000;
const MAX_TOKENS = 1_000_000_000_000;

/** One capacity limit as typed: text, so a typo is reported rather than lost. */
export interface CapacityRow {
  period: string;
  requests: string;
  tokens: string;
}

/** One fallback as typed: a connection id from the list, and an optional model. */
export interface FallbackRow {
  connectionId: string;
  model: string;
}

export interface LimitsValues {
  capacity: CapacityRow[];
  /** `fail` or `queue`. */
  onLimit: string;
  maxQueueWaitSeconds: string;
  /** `month` or `day`. */
  budgetPeriod: string;
  /** US dollars; empty for no budget. */
  budgetAmount: string;
  fallbacks: FallbackRow[];
}

export type LimitsField = keyof LimitsValues;

/** A problem, and the id of the input at fault (rows have one input each per column). */
export interface LimitsProblem {
  message: string;
  input?: string;
}

export function emptyLimits(): LimitsValues {
  return {
    capacity: [],
    onLimit: 'fail',
    maxQueueWaitSeconds: '',
    budgetPeriod: 'month',
    budgetAmount: '',
    fallbacks: [],
  };
}

export function limitsFromConnection(c: Connection): LimitsValues {
  return {
    capacity: (c.capacity ?? []).map((l) => ({
      period: l.period,
      requests: l.requests === undefined ? '' : String(l.requests),
      tokens: l.tokens === undefined ? '' : String(l.tokens),
    })),
    onLimit: c.onLimit ?? 'fail',
    maxQueueWaitSeconds: c.maxQueueWaitMs === undefined ? '' : String(c.maxQueueWaitMs / 1000),
    budgetPeriod: c.budget?.period ?? 'month',
    budgetAmount: c.budget === undefined ? '' : String(c.budget.amount),
    fallbacks: (c.fallbacks ?? []).map((id) => ({ connectionId: id, model: c.fallbackModels?.[id] ?? '' })),
  };
}

/** The first period no row uses yet, for "Add limit"; undefined when every period has one. */
export function nextPeriod(rows: CapacityRow[]): (typeof PERIODS)[number] | undefined {
  return PERIODS.find((p) => !rows.some((r) => r.period === p));
}

/** Moves a row up (-1) or down (+1); out of range leaves the list as it was. */
export function moveRow<T>(rows: T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  if (index < 0 || index >= rows.length || to < 0 || to >= rows.length) return rows;
  const out = [...rows];
  [out[index], out[to]] = [out[to]!, out[index]!];
  return out;
}

export interface LimitsContext {
  /** The connection being edited: it cannot be its own fallback. */
  selfId?: string;
  /** Every saved connection, to name fallbacks and catch deleted ones. */
  connections?: ReadonlyArray<{ id: string; name: string }>;
}

/** Problems with the limits, by field, in the order the form shows them. */
export function validateLimits(v: LimitsValues, ctx: LimitsContext = {}): Partial<Record<LimitsField, LimitsProblem>> {
  const out: Partial<Record<LimitsField, LimitsProblem>> = {};
  const capacity = capacityProblem(v.capacity);
  if (capacity) out.capacity = capacity;
  if (v.onLimit !== 'fail' && v.onLimit !== 'queue')
    out.onLimit = { message: 'Choose what happens when a limit is hit.' };
  else if (v.onLimit === 'queue' && v.maxQueueWaitSeconds.trim() !== '') {
    const s = Number(v.maxQueueWaitSeconds.trim());
    if (!Number.isFinite(s) || s < 0 || s > 3600)
      out.maxQueueWaitSeconds = { message: 'Enter a number of seconds from 0 to 3600, or leave it empty for 60.' };
  }
  if (v.budgetAmount.trim() !== '') {
    const amount = parseUsd(v.budgetAmount);
    if (amount === undefined || amount <= 0 || amount > 1_000_000_000)
      out.budgetAmount = {
        message: 'Enter an amount in US dollars above 0, e.g. 10 or 25.50; leave it empty for no budget.',
      };
    else if (v.budgetPeriod !== 'month' && v.budgetPeriod !== 'day')
      out.budgetPeriod = { message: 'Choose a day or a month.' };
  }
  const fallbacks = fallbackProblem(v.fallbacks, ctx);
  if (fallbacks) out.fallbacks = fallbacks;
  return out;
}

const PERIOD_LABEL: Record<string, string> = { minute: 'Per minute', hour: 'Per hour', day: 'Per day' };

function capacityProblem(rows: CapacityRow[]): LimitsProblem | undefined {
  if (rows.length > PERIODS.length) return { message: 'At most one limit per period (minute, hour, day).' };
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const at = (col: string) => `capacity-${i}-${col}`;
    const label = PERIOD_LABEL[r.period];
    if (!label) return { message: `Limit ${i + 1}: choose minute, hour or day.`, input: at('period') };
    if (rows.findIndex((o) => o.period === r.period) !== i)
      return {
        message: `${label}: there is already a limit for this period; put requests and tokens in the same row.`,
        input: at('period'),
      };
    const requests = r.requests.trim();
    const tokens = r.tokens.trim();
    if (requests === '' && tokens === '')
      return { message: `${label}: enter requests, tokens or both, or remove the row.`, input: at('requests') };
    if (requests !== '' && parseCount(requests, MAX_REQUESTS) === undefined)
      return { message: `${label}: enter a whole number of requests from 1 to 1,000,000,000.`, input: at('requests') };
    if (tokens !== '' && parseCount(tokens, MAX_TOKENS) === undefined)
      return { message: `${label}: enter a whole number of tokens from 1 to 1,000,000,000,000.`, input: at('tokens') };
  }
  return undefined;
}

function fallbackProblem(rows: FallbackRow[], ctx: LimitsContext): LimitsProblem | undefined {
  if (rows.length > MAX_FALLBACKS) return { message: `At most ${MAX_FALLBACKS} fallbacks.` };
  const names = new Map((ctx.connections ?? []).map((c) => [c.id, c.name]));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const at = (col: string) => `fallbacks-${i}-${col}`;
    const label = `Fallback ${i + 1}`;
    if (r.connectionId === '')
      return { message: `${label}: choose a connection, or remove the row.`, input: at('connection') };
    if (r.connectionId === ctx.selfId)
      return { message: `${label}: a connection cannot fall back to itself; choose another.`, input: at('connection') };
    if (ctx.connections && !names.has(r.connectionId))
      return {
        message: `${label}: that connection no longer exists; remove it or choose another.`,
        input: at('connection'),
      };
    if (rows.findIndex((o) => o.connectionId === r.connectionId) !== i)
      return {
        message: `${label}: "${names.get(r.connectionId) ?? r.connectionId}" is already in the list.`,
        input: at('connection'),
      };
    if (r.model.trim().length > 256)
      return { message: `${label}: a model id is at most 256 characters.`, input: at('model') };
  }
  return undefined;
}

/** A whole number from 1 to `max`; thousands separators (`1,000` / `1_000` / `1 000`) are fine. */
function parseCount(text: string, max: number): number | undefined {
  const digits = text.replace(/[,_\s]/g, '');
  if (!/^\d+$/.test(digits)) return undefined;
  const n = Number(digits);
  return n >= 1 && n <= max ? n : undefined;
}

/** `10`, `25.50`, `$25.50`, `1,000` → dollars. */
function parseUsd(text: string): number | undefined {
  const t = text
    .trim()
    .replace(/^\$\s*/, '')
    .replace(/,/g, '');
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(t)) return undefined;
  return Number(t);
}

function capacityOf(rows: CapacityRow[]): CapacityLimit[] {
  return rows.map((r) => {
    const requests = r.requests.trim() === '' ? undefined : parseCount(r.requests, MAX_REQUESTS);
    const tokens = r.tokens.trim() === '' ? undefined : parseCount(r.tokens, MAX_TOKENS);
    return {
      period: r.period as CapacityLimit['period'],
      ...(requests !== undefined && { requests }),
      ...(tokens !== undefined && { tokens }),
    };
  });
}

function budgetOf(v: LimitsValues): Budget | undefined {
  const amount = v.budgetAmount.trim() === '' ? undefined : parseUsd(v.budgetAmount);
  return amount === undefined ? undefined : { period: v.budgetPeriod as Budget['period'], amount };
}

function waitMsOf(v: LimitsValues): number | undefined {
  const t = v.maxQueueWaitSeconds.trim();
  return t === '' ? undefined : Math.round(Number(t) * 1000);
}

function fallbackModelsOf(rows: FallbackRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.model.trim() !== '').map((r) => [r.connectionId, r.model.trim()]));
}

type LimitsCreate = Pick<
  ManagerCreateFields,
  'capacity' | 'onLimit' | 'maxQueueWaitMs' | 'budget' | 'fallbacks' | 'fallbackModels'
>;
type LimitsUpdate = Pick<
  ManagerUpdateFields,
  'capacity' | 'onLimit' | 'maxQueueWaitMs' | 'budget' | 'fallbacks' | 'fallbackModels'
>;

/** What a new connection sends: only what was set (failing at a limit is the daemon's default). Assumes validation passed. */
export function limitsCreateFields(v: LimitsValues): LimitsCreate {
  const out: LimitsCreate = {};
  if (v.capacity.length) out.capacity = capacityOf(v.capacity);
  if (v.onLimit === 'queue') {
    out.onLimit = 'queue';
    const wait = waitMsOf(v);
    if (wait !== undefined) out.maxQueueWaitMs = wait;
  }
  const budget = budgetOf(v);
  if (budget) out.budget = budget;
  if (v.fallbacks.length) out.fallbacks = v.fallbacks.map((f) => f.connectionId);
  const models = fallbackModelsOf(v.fallbacks);
  if (Object.keys(models).length) out.fallbackModels = models;
  return out;
}

/** What changed against the saved connection; `null` clears. Assumes validation passed. */
export function limitsUpdateFields(original: Connection, v: LimitsValues): LimitsUpdate {
  const out: LimitsUpdate = {};
  const capacity = capacityOf(v.capacity);
  if (!sameJson(sortByPeriod(capacity), sortByPeriod(original.capacity ?? [])))
    out.capacity = capacity.length ? capacity : null;
  if (v.onLimit !== (original.onLimit ?? 'fail')) out.onLimit = v.onLimit as 'fail' | 'queue';
  // The wait only shows (and only matters) while queueing; a hidden field is never "cleared".
  if (v.onLimit === 'queue') {
    const wait = waitMsOf(v);
    if (wait !== original.maxQueueWaitMs) out.maxQueueWaitMs = wait ?? null;
  }
  const budget = budgetOf(v);
  if (budget?.amount !== original.budget?.amount || (budget && budget.period !== original.budget?.period))
    out.budget = budget ?? null;
  const fallbacks = v.fallbacks.map((f) => f.connectionId);
  if (!sameJson(fallbacks, original.fallbacks ?? [])) out.fallbacks = fallbacks.length ? fallbacks : null;
  const models = fallbackModelsOf(v.fallbacks);
  if (!sameJson(sortKeys(models), sortKeys(original.fallbackModels ?? {})))
    out.fallbackModels = Object.keys(models).length ? models : null;
  return out;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sortByPeriod = (l: CapacityLimit[]) =>
  [...l]
    .sort((a, b) => PERIODS.indexOf(a.period) - PERIODS.indexOf(b.period))
    .map((x) => ({ period: x.period, requests: x.requests, tokens: x.tokens }));
const sortKeys = (r: Record<string, string>) =>
  Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));

/** The provider's reported limits in words, or undefined when none were reported yet. */
export function describeDiscovered(
  d: DiscoveredCapacity | undefined,
  now: Date,
): { observed: string; lines: string[] } | undefined {
  if (!d) return undefined;
  const lines: string[] = [];
  const line = (what: string, limit?: number, remaining?: number, reset?: string) => {
    if (limit === undefined && remaining === undefined) return;
    const figures =
      remaining !== undefined && limit !== undefined
        ? `${count(remaining)} of ${count(limit)} left`
        : remaining !== undefined
          ? `${count(remaining)} left`
          : `limit ${count(limit!)}`;
    lines.push(`${what}: ${figures}${reset ? `, ${resetText(reset, now)}` : ''}`);
  };
  line('Requests', d.requestsLimit, d.requestsRemaining, d.requestsReset);
  line('Tokens', d.tokensLimit, d.tokensRemaining, d.tokensReset);
  return {
    observed: `Observed ${ago(d.observedAt, now)}`,
    lines: lines.length ? lines : ['The provider sent no request or token figures.'],
  };
}

const count = (n: number) => new Intl.NumberFormat('en-US').format(n);

function resetText(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  if (Number.isNaN(ms)) return 'reset time unknown';
  return ms <= 0 ? 'window has reset since' : `resets in ${span(ms)}`;
}

function ago(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (Number.isNaN(ms)) return 'at an unknown time';
  return ms < 5000 ? 'just now' : `${span(ms)} ago`;
}

function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${Math.max(1, s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}
