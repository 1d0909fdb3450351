/**
 * The Usage view's tables as data: one row per connection and model, and each budget as a bar.
 * Pure, so ordering, names of deleted connections and budget levels are unit-tested.
 */
import type { BudgetStatus, UsageGroup, UsageRecord } from '../../../shared/protocol';
import { formatCount, formatPercent, formatUsd } from '../../../shared/format';
import { formatCost, formatDate, formatLatency, costNote, type CostFigures } from './format';

/** A connection's name; a deleted connection keeps its usage but not its name. */
export function connectionName(id: string, names: Record<string, string>): string {
  return Object.hasOwn(names, id) ? names[id]! : `Deleted connection (${id.slice(0, 8)})`;
}

export interface UsageRow {
  connectionId: string;
  name: string;
  /** False when the connection no longer exists (nothing to open). */
  exists: boolean;
  model: string;
  cells: {
    requests: string;
    errors: string;
    inputTokens: string;
    outputTokens: string;
    latency: string;
    cost: string;
  };
  /** Why the cost is a lower bound or unknown, when it is. */
  costNote?: string;
  /** Why the token counts are marked `~` (partly the daemon's estimate), when they are. */
  tokensNote?: string;
  requests: number;
}

/** `~1,234` when part of the tokens are the daemon's estimate (answers stopped before the provider reported usage). */
function tokensCell(g: UsageGroup, tokens: number): string {
  return (g.estimatedRequests ?? 0) > 0 ? `~${formatCount(tokens)}` : formatCount(tokens);
}

function tokensNote(g: UsageGroup): string | undefined {
  const n = g.estimatedRequests ?? 0;
  if (n <= 0) return undefined;
  return `${n === 1 ? '1 answer was' : `${formatCount(n)} answers were`} stopped or cut before the provider reported its usage: the daemon counted the text it saw, so these numbers are estimates.`;
}

/** Rows by connection name, then the busiest model first. */
export function tableRows(groups: UsageGroup[], names: Record<string, string>): UsageRow[] {
  return groups
    .filter((g) => g.connectionId !== undefined)
    .map((g) => {
      const id = g.connectionId!;
      const note = costNote(g);
      const estimated = tokensNote(g);
      return {
        connectionId: id,
        name: connectionName(id, names),
        exists: Object.hasOwn(names, id),
        model: g.model ?? '',
        requests: g.requests,
        cells: {
          requests: formatCount(g.requests),
          errors: formatCount(g.errors),
          inputTokens: tokensCell(g, g.inputTokens),
          outputTokens: tokensCell(g, g.outputTokens),
          latency: formatLatency(g.latencyMsTotal, g.requests),
          cost: formatCost(g),
        },
        ...(note && { costNote: note }),
        ...(estimated && { tokensNote: estimated }),
      };
    })
    .sort(
      (a, b) =>
        a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) ||
        a.connectionId.localeCompare(b.connectionId) ||
        b.requests - a.requests ||
        a.model.localeCompare(b.model),
    );
}

/** Usage of one tool token (or of the owner: VS Code, the CLI, anything with the owner token). */
export interface TokenRow {
  /** Undefined for the owner. */
  tokenId?: string;
  name: string;
  requests: number;
  cells: { requests: string; inputTokens: string; outputTokens: string; cost: string };
  costNote?: string;
}

/**
 * Which tool spent what: the rows summed by tool token, largest cost first, the owner's own
 * requests as one row. Empty when no tool token was used in the range (the section stays hidden).
 */
export function tokenRows(records: readonly UsageRecord[]): TokenRow[] {
  if (!records.some((r) => r.tokenId !== undefined)) return [];
  const sums = new Map<
    string,
    {
      tokenId?: string;
      name: string;
      requests: number;
      errors: number;
      inputTokens: number;
      outputTokens: number;
      costUsd: number;
      unpricedRequests: number;
    }
  >();
  for (const r of records) {
    const key = r.tokenId ?? '';
    let sum = sums.get(key);
    if (!sum) {
      sum = {
        ...(r.tokenId !== undefined && { tokenId: r.tokenId }),
        name: r.tokenId === undefined ? 'You (VS Code, CLI, owner token)' : (r.tokenName ?? r.tokenId),
        requests: 0,
        errors: 0,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        unpricedRequests: 0,
      };
      sums.set(key, sum);
    }
    sum.requests += r.requests;
    sum.errors += r.errors;
    sum.inputTokens += r.inputTokens;
    sum.outputTokens += r.outputTokens;
    sum.costUsd += r.costUsd;
    sum.unpricedRequests += r.unpricedRequests;
  }
  return [...sums.values()]
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.name.localeCompare(b.name))
    .map((t) => {
      const note = costNote(t);
      return {
        ...(t.tokenId !== undefined && { tokenId: t.tokenId }),
        name: t.name,
        requests: t.requests,
        cells: {
          requests: formatCount(t.requests),
          inputTokens: formatCount(t.inputTokens),
          outputTokens: formatCount(t.outputTokens),
          cost: formatCost(t),
        },
        ...(note && { costNote: note }),
      };
    });
}

export interface TotalsView {
  requests: string;
  errors: string;
  inputTokens: string;
  outputTokens: string;
  cost: string;
  costNote?: string;
}

export function totalsView(t: CostFigures & { errors: number; inputTokens: number; outputTokens: number }): TotalsView {
  const note = costNote(t);
  return {
    requests: formatCount(t.requests),
    errors: formatCount(t.errors),
    inputTokens: formatCount(t.inputTokens),
    outputTokens: formatCount(t.outputTokens),
    cost: formatCost(t),
    ...(note && { costNote: note }),
  };
}

export interface BudgetView {
  connectionId: string;
  name: string;
  /** Spent / amount, for the bar (may pass 1). */
  fraction: number;
  /** `ok` below 80 %, `warning` from 80 %, `over` from 100 %. */
  level: 'ok' | 'warning' | 'over';
  /** `$8.00 of $10.00 this month (80%)`; `≥` when requests without a price are not counted. */
  text: string;
  /** `Resets Apr 1, 2025` */
  resets: string;
  note?: string;
}

export function budgetView(b: BudgetStatus, names: Record<string, string>): BudgetView {
  const fraction = b.amount > 0 ? b.spentUsd / b.amount : 0;
  const spent = `${b.unpricedRequests > 0 ? '≥ ' : ''}${formatUsd(b.spentUsd)}`;
  const period = b.period === 'day' ? 'today (UTC)' : 'this month';
  const n = b.unpricedRequests;
  return {
    connectionId: b.connectionId,
    name: connectionName(b.connectionId, names),
    fraction,
    level: fraction >= 1 ? 'over' : fraction >= 0.8 ? 'warning' : 'ok',
    text: `${spent} of ${formatUsd(b.amount)} ${period} (${formatPercent(fraction)})`,
    resets: periodEndText(b.periodEnd),
    ...(n > 0 && {
      note: `${formatCount(n)} request${n === 1 ? '' : 's'} without a known price ${n === 1 ? 'is' : 'are'} not counted.`,
    }),
  };
}

/** The period's end as a day: an exclusive end (midnight) is when the budget resets; otherwise the last day. */
function periodEndText(iso: string): string {
  if (/T00:00:00(\.0+)?Z$/.test(iso)) return `Resets ${formatDate(iso)}`;
  return `Period ends ${formatDate(iso)}`;
}
