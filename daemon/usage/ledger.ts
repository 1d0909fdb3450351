/**
 * The usage ledger: requests, errors, tokens, latency and cost per connection, model and UTC day.
 * Counters are hot (every chat touches them), so they are written with the store's deferred,
 * coalesced write.
 *
 * Cost is summed only over requests whose model had a price; the others are counted in
 * `unpricedRequests`, so an unknown cost is never shown as zero.
 *
 * The ledger is bounded: rows older than {@link RETENTION_DAYS} days are dropped when a new row is
 * started (at most once per connection, model and day), so `db.json` does not grow forever.
 */
import type { UsageGroup, UsageGroupKey, UsageRecord, UsageTotals } from '../../shared/protocol';
import type { Database } from '../store/database';

/** Days of usage kept; older rows are dropped on write. */
export const RETENTION_DAYS = 400;

/** One request's usage. Optional members may also be present as undefined (the chat service makes every event with all of them). */
export interface UsageEvent {
  connectionId: string;
  model: string;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  latencyMs: number;
  error: boolean;
  /** The tool token the request was made with; absent for the owner. */
  token?: { id: string; name: string } | undefined;
  /** Who asked, when the request said (`chat/stream`'s `client`). */
  client?: string | undefined;
  /** US dollars; `null` when the model's price is unknown; absent when there was no usage to price. */
  costUsd?: number | null | undefined;
  /** The tokens (and cost) are the daemon's estimate: the upstream reported none (a stopped answer). */
  estimated?: boolean | undefined;
}

export interface UsageFilter {
  connectionId?: string | undefined;
  /** Only the requests made with this tool token. */
  tokenId?: string | undefined;
  /** First UTC day, inclusive (`YYYY-MM-DD`). */
  from?: string | undefined;
  /** Last UTC day, inclusive. */
  to?: string | undefined;
}

export class UsageLedger {
  constructor(private readonly db: Database) {}

  record(event: UsageEvent, now: Date | number = Date.now()): void {
    const ms = typeof now === 'number' ? now : now.getTime();
    const day = utcDayOf(ms);
    this.db.updateLater((data) => {
      const tokenId = event.token?.id;
      let row = data.usage.find(
        (r) =>
          r.day === day &&
          r.connectionId === event.connectionId &&
          r.model === event.model &&
          r.tokenId === tokenId &&
          r.client === event.client,
      );
      if (!row) {
        const cutoff = utcDayOf(ms - RETENTION_DAYS * DAY_MS);
        if (data.usage.some((r) => r.day < cutoff)) data.usage = data.usage.filter((r) => r.day >= cutoff);
        row = {
          connectionId: event.connectionId,
          day,
          model: event.model,
          ...(event.token && { tokenId: event.token.id, tokenName: event.token.name }),
          ...(event.client !== undefined && { client: event.client }),
          ...emptyTotals(),
        };
        data.usage.push(row);
      }
      row.requests += 1;
      if (event.error) row.errors += 1;
      row.inputTokens += event.inputTokens ?? 0;
      row.outputTokens += event.outputTokens ?? 0;
      row.latencyMsTotal += Math.round(event.latencyMs);
      if (typeof event.costUsd === 'number') row.costUsd = roundUsd(row.costUsd + event.costUsd);
      else if (event.costUsd === null) row.unpricedRequests += 1;
      if (event.estimated) row.estimatedRequests = (row.estimatedRequests ?? 0) + 1;
    });
  }

  /** Rows matching the filter, oldest first. Days are inclusive. */
  query(filter: UsageFilter = {}): UsageRecord[] {
    return this.db.data.usage
      .filter(
        (r) =>
          (filter.connectionId === undefined || r.connectionId === filter.connectionId) &&
          (filter.tokenId === undefined || r.tokenId === filter.tokenId) &&
          (filter.from === undefined || r.day >= filter.from) &&
          (filter.to === undefined || r.day <= filter.to),
      )
      .map((r) => ({ ...r }))
      .sort(
        (a, b) =>
          a.day.localeCompare(b.day) ||
          a.connectionId.localeCompare(b.connectionId) ||
          a.model.localeCompare(b.model) ||
          (a.tokenId ?? '').localeCompare(b.tokenId ?? '') ||
          (a.client ?? '').localeCompare(b.client ?? ''),
      );
  }
}

/** The rows summed. */
export function totalsOf(records: readonly UsageRecord[]): UsageTotals {
  const totals = emptyTotals();
  for (const r of records) addInto(totals, r);
  return totals;
}

const KEY_FIELD = {
  connection: 'connectionId',
  model: 'model',
  day: 'day',
  token: 'tokenId',
  client: 'client',
} as const satisfies Record<UsageGroupKey, keyof UsageRecord>;

/**
 * The rows summed by the named keys (each group carries only those keys), largest cost first, then
 * most requests; ties in key order, so the output is stable.
 */
export function groupRecords(records: readonly UsageRecord[], keys: readonly UsageGroupKey[]): UsageGroup[] {
  const fields = [...new Set(keys)].map((k) => KEY_FIELD[k]);
  const groups = new Map<string, UsageGroup>();
  for (const r of records) {
    const id = JSON.stringify(fields.map((f) => r[f]));
    let group = groups.get(id);
    if (!group) {
      // The owner's rows have no tokenId: their group carries none either. A token's group carries its name.
      group = {
        ...Object.fromEntries(fields.filter((f) => r[f] !== undefined).map((f) => [f, r[f]])),
        ...(fields.includes('tokenId') && r.tokenName !== undefined && { tokenName: r.tokenName }),
        ...emptyTotals(),
      };
      groups.set(id, group);
    }
    addInto(group, r);
  }
  return [...groups.values()].sort(
    (a, b) =>
      b.costUsd - a.costUsd ||
      b.requests - a.requests ||
      fields.reduce((c, f) => c || String(a[f] ?? '').localeCompare(String(b[f] ?? '')), 0),
  );
}

function emptyTotals(): UsageTotals {
  return {
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    latencyMsTotal: 0,
    costUsd: 0,
    unpricedRequests: 0,
    estimatedRequests: 0,
  };
}

function addInto(into: UsageTotals, r: UsageTotals): void {
  into.requests += r.requests;
  into.errors += r.errors;
  into.inputTokens += r.inputTokens;
  into.outputTokens += r.outputTokens;
  into.latencyMsTotal += r.latencyMsTotal;
  into.costUsd = roundUsd(into.costUsd + (r.costUsd ?? 0));
  into.unpricedRequests += r.unpricedRequests ?? 0;
  into.estimatedRequests = (into.estimatedRequests ?? 0) + (r.estimatedRequests ?? 0);
}

/** Sums of float dollars drift (0.1 + 0.2); a nano-dollar is far below anything shown. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

const DAY_MS = 86_400_000;
/** The last day formatted, with its bounds: every request records usage, and formatting a date is not free. */
let lastDay = { from: 0, to: 0, text: '' };

/** The UTC day (`YYYY-MM-DD`) of a time in epoch milliseconds (JS days are exactly 86,400,000 ms). */
function utcDayOf(ms: number): string {
  if (ms >= lastDay.from && ms < lastDay.to) return lastDay.text;
  const from = Math.floor(ms / DAY_MS) * DAY_MS;
  const text = new Date(from).toISOString().slice(0, 10);
  // Only today's is kept: the retention cutoff, asked for now and then, would evict it.
  if (ms >= Date.now() - DAY_MS) lastDay = { from, to: from + DAY_MS, text };
  return text;
}
