/**
 * The flags of `connections add|edit` that say how a connection is used rather than where it is:
 * capacity limits, what happens over a limit, a spending budget, and fallback connections. Turned
 * into `connections/create|update` params here; the daemon validates them again.
 *
 *   --limit minute:requests=60,tokens=100k   --on-limit queue   --max-queue-wait 30000
 *   --budget month:50   --fallback backup --fallback-model backup=gpt-4o-mini
 *   --no-limits  --no-budget  --no-fallbacks   (edit: clear them)
 */
import type { Budget, CapacityLimit, Connection } from '../../../shared/protocol';
import { bool, int, list, str, UsageError, type Flag, type Values } from '../args';
import type { CliContext } from '../context';

export const POLICY_FLAGS: Flag[] = [
  {
    name: 'limit',
    type: 'string',
    multiple: true,
    value: 'PERIOD:requests=N,tokens=N',
    description: 'Capacity limit per minute, hour or day, e.g. minute:requests=60,tokens=100k',
  },
  {
    name: 'on-limit',
    type: 'string',
    value: 'fail|queue',
    description: 'Over a limit: fail with RATE_LIMITED (default) or queue the request',
  },
  {
    name: 'max-queue-wait',
    type: 'string',
    value: 'MS',
    description: 'With --on-limit queue: the longest a request waits (default 60000)',
  },
  {
    name: 'budget',
    type: 'string',
    value: 'PERIOD:USD',
    description: 'Spending budget per day or month in US dollars, e.g. month:50',
  },
  {
    name: 'fallback',
    type: 'string',
    multiple: true,
    value: 'CONN',
    description: 'Connection tried next when this one fails before answering (in order)',
  },
  {
    name: 'fallback-model',
    type: 'string',
    multiple: true,
    value: 'CONN=MODEL',
    description: 'The model a fallback connection uses (default: its default model)',
  },
];

export const POLICY_CLEAR_FLAGS: Flag[] = [
  { name: 'no-limits', type: 'boolean', description: 'Remove every capacity limit' },
  { name: 'no-budget', type: 'boolean', description: 'Remove the budget' },
  { name: 'no-fallbacks', type: 'boolean', description: 'Remove the fallbacks (and their models)' },
];

const PERIODS = ['minute', 'hour', 'day'] as const;

/**
 * The params the policy flags set. `current` is the connection being edited (absent on add);
 * `newName` the name an added connection will have, so it cannot fall back to itself.
 */
export async function policyParams(
  ctx: CliContext,
  values: Values,
  opts: { current?: Connection; newName?: string },
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  conflict(values, 'no-limits', 'limit');
  conflict(values, 'no-budget', 'budget');
  conflict(values, 'no-fallbacks', 'fallback');
  conflict(values, 'no-fallbacks', 'fallback-model');

  const limits = list(values, 'limit');
  if (limits.length > 0) out.capacity = parseLimits(limits);
  if (bool(values, 'no-limits')) out.capacity = null;

  const onLimit = str(values, 'on-limit');
  if (onLimit !== undefined) {
    if (onLimit !== 'fail' && onLimit !== 'queue')
      throw new UsageError(
        `--on-limit must be fail or queue, not "${onLimit.slice(0, 20)}".`,
        'fail: a request over a limit fails at once with RATE_LIMITED; queue: it waits its turn (up to --max-queue-wait).',
      );
    out.onLimit = onLimit;
  }
  const wait = int(values, 'max-queue-wait', 0, 3_600_000);
  if (wait !== undefined) out.maxQueueWaitMs = wait;

  const budget = str(values, 'budget');
  if (budget !== undefined) out.budget = parseBudget(budget);
  if (bool(values, 'no-budget')) out.budget = null;

  if (bool(values, 'no-fallbacks')) {
    out.fallbacks = null;
    out.fallbackModels = null;
  }
  const fallbackRefs = list(values, 'fallback');
  const modelPairs = list(values, 'fallback-model');
  if (fallbackRefs.length > 0 || modelPairs.length > 0)
    Object.assign(out, await fallbackParams(ctx, fallbackRefs, modelPairs, opts));
  return out;
}

function conflict(values: Values, clear: string, set: string): void {
  if (bool(values, clear) && values[set] !== undefined)
    throw new UsageError(
      `--${clear} and --${set} cannot be combined.`,
      `Give --${set} alone to replace the current setting, or --${clear} alone to remove it.`,
    );
}

/** `minute:requests=60,tokens=100k` (repeatable; one entry per period, merged). */
export function parseLimits(specs: string[]): CapacityLimit[] {
  const byPeriod = new Map<string, CapacityLimit>();
  for (const spec of specs) {
    const example = 'e.g. --limit minute:requests=60,tokens=100000';
    const [period, rest] = splitOnce(spec, ':');
    if (!(PERIODS as readonly string[]).includes(period) || !rest)
      throw new UsageError(
        `--limit needs PERIOD:requests=N,tokens=N with PERIOD minute, hour or day (got "${spec.slice(0, 60)}").`,
        example,
      );
    const limit: CapacityLimit = byPeriod.get(period) ?? { period: period as CapacityLimit['period'] };
    for (const part of rest.split(',')) {
      const [key, raw] = splitOnce(part.trim(), '=');
      if (key !== 'requests' && key !== 'tokens')
        throw new UsageError(`--limit ${period}: "${key.slice(0, 20)}" is not requests or tokens.`, example);
      limit[key] = count(raw, `--limit ${period}:${key}`);
    }
    byPeriod.set(period, limit);
  }
  return [...byPeriod.values()];
}

/** `month:50`, `day:$2.5`. */
export function parseBudget(spec: string): Budget {
  const [period, raw] = splitOnce(spec, ':');
  const amount = Number(raw.replace(/^\$/, ''));
  if ((period !== 'day' && period !== 'month') || raw.trim() === '' || !Number.isFinite(amount) || amount <= 0) {
    throw new UsageError(
      `--budget needs day:USD or month:USD with an amount above 0 (got "${spec.slice(0, 40)}").`,
      'e.g. --budget month:50 for fifty US dollars per calendar month (UTC).',
    );
  }
  return { period, amount };
}

/** A positive whole number, with an optional k/m suffix (`100k`). */
function count(raw: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(raw.trim());
  const scaled = m ? Number(m[1]) * (m[2]!.toLowerCase() === 'k' ? 1e3 : m[2]!.toLowerCase() === 'm' ? 1e6 : 1) : NaN;
  // Round away float noise (1.1k), never a real fraction: requests=1.5 is refused, not made 2.
  const n = Math.abs(scaled - Math.round(scaled)) < 1e-6 ? Math.round(scaled) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(
      `${what} must be a whole number of at least 1 (100k and 2m work too), not "${raw.slice(0, 20)}".`,
    );
  return n;
}

async function fallbackParams(
  ctx: CliContext,
  refs: string[],
  pairs: string[],
  opts: { current?: Connection; newName?: string },
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const selfCheck = (c: Connection, flag: string) => {
    if (
      c.id === opts.current?.id ||
      (opts.newName !== undefined && c.name.toLocaleLowerCase() === opts.newName.toLocaleLowerCase())
    ) {
      throw new UsageError(
        `${flag} ${c.name}: a connection cannot fall back to itself.`,
        'Name another connection (see `switchboard connections list`).',
      );
    }
  };
  let fallbacks: string[] | undefined;
  if (refs.length > 0) {
    fallbacks = [];
    for (const ref of refs) {
      const c = await ctx.connection(ref);
      selfCheck(c, '--fallback');
      if (!fallbacks.includes(c.id)) fallbacks.push(c.id);
    }
    out.fallbacks = fallbacks;
  }
  if (pairs.length > 0) {
    const chain = fallbacks ?? opts.current?.fallbacks ?? [];
    const models: Record<string, string> = {};
    for (const pair of pairs) {
      const at = pair.lastIndexOf('=');
      const model = at > 0 ? pair.slice(at + 1).trim() : '';
      if (!model)
        throw new UsageError(
          `--fallback-model needs CONN=MODEL, e.g. --fallback-model backup=gpt-4o-mini (got "${pair.slice(0, 60)}").`,
        );
      const c = await ctx.connection(pair.slice(0, at).trim());
      if (!chain.includes(c.id))
        throw new UsageError(
          `--fallback-model ${c.name}: "${c.name}" is not one of this connection's fallbacks.`,
          `Add it with --fallback "${c.name}" in the same command.`,
        );
      models[c.id] = model;
    }
    // The daemon stores the map whole: keep the models already set for fallbacks still in the chain.
    const kept = Object.fromEntries(
      Object.entries(opts.current?.fallbackModels ?? {}).filter(([id]) => chain.includes(id)),
    );
    out.fallbackModels = { ...kept, ...models };
  }
  return out;
}

function splitOnce(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return at < 0 ? [text.trim(), ''] : [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

/** One line per limit, e.g. `minute: 60 requests, 100,000 tokens`. */
export function describeLimits(limits: readonly CapacityLimit[]): string[] {
  const n = (v: number) => v.toLocaleString('en-US');
  return limits.map(
    (l) =>
      `${l.period}: ${[l.requests !== undefined && `${n(l.requests)} requests`, l.tokens !== undefined && `${n(l.tokens)} tokens`].filter(Boolean).join(', ')}`,
  );
}
