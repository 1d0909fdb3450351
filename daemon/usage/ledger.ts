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
  /**
   * The rows by their key, for `record` (every chat calls it): a lookup rather than a walk over
   * every row of the last 400 days, which grows with each connection, model, token and client a
   * person uses. Valid while the rows are the same list, grown only by `record` (same length as
   * when indexed); rebuilt otherwise (retention dropped rows, the store was reloaded or imported).
   * `inDayOrder`: no row comes before one of an earlier day (true as days pass), so the rows of a
   * recent period are the last ones, and `sum` reads only those.
   */
  private index: Index | undefined;

  constructor(private readonly db: Database) {}

  record(event: UsageEvent, now: Date | number = Date.now()): void {
    const ms = typeof now === 'number' ? now : now.getTime();
    const day = utcDayOf(ms);
    this.db.updateLater((data) => {
      const tokenId = event.token?.id;
      const key = rowKey(day, event.connectionId, event.model, tokenId, event.client);
      let row = this.rowsByKey(data.usage).get(key);
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
        const index = this.index;
        if (index?.rows === data.usage && index.length === data.usage.length - 1) {
          index.byKey.set(key, row);
          index.inDayOrder &&= index.length === 0 || data.usage[index.length - 1]!.day <= day;
          index.length++;
        } // else (the rows were just pruned): the next lookup rebuilds the index
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

  /**
   * The rows matching the filter, summed: `totalsOf(query(filter))` without copying and sorting
   * every row, for budgets, which read it on every chat of a connection that has one.
   */
  sum(filter: UsageFilter = {}): UsageTotals {
    const totals = emptyTotals();
    const rows = this.db.data.usage;
    this.rowsByKey(rows);
    if (filter.from !== undefined && this.index!.inDayOrder) {
      // From the newest back to the period's first day: a budget's month, not the ledger's 400 days.
      for (let i = rows.length - 1; i >= 0 && rows[i]!.day >= filter.from; i--)
        if (matches(rows[i]!, filter)) addInto(totals, rows[i]!);
    } else for (const r of rows) if (matches(r, filter)) addInto(totals, r);
    return totals;
  }

  /** The index of `rows` (see {@link index}), rebuilt when they are not the rows it was made of. */
  private rowsByKey(rows: UsageRecord[]): Map<string, UsageRecord> {
    const index = this.index;
    if (index !== undefined && index.rows === rows && index.length === rows.length) return index.byKey;
    const byKey = new Map<string, UsageRecord>();
    let inDayOrder = true;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      byKey.set(rowKey(r.day, r.connectionId, r.model, r.tokenId, r.client), r);
      if (i > 0 && rows[i - 1]!.day > r.day) inDayOrder = false;
    }
    this.index = { rows, length: rows.length, byKey, inDayOrder };
    return byKey;
  }

  /** Rows matching the filter, oldest first. Days are inclusive. */
  query(filter: UsageFilter = {}): UsageRecord[] {
    return this.db.data.usage
      .filter((r) => matches(r, filter))
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

/**
 * A row's identity: its day, connection, model, token and client. Only the last, a client's own
 * name, may hold a NUL (days and ids are made by the daemon, model ids have no control characters),
 * so the separators cannot be forged; an absent token or client differs from an empty one.
 */
function rowKey(
  day: string,
  connectionId: string,
  model: string,
  tokenId: string | undefined,
  client: string | undefined,
): string {
  return `${day}\0${connectionId}\0${model}\0${tokenId === undefined ? '-' : `+${tokenId}`}\0${client === undefined ? '-' : `+${client}`}`;
}

interface Index {
  rows: UsageRecord[];
  length: number;
  byKey: Map<string, UsageRecord>;
  inDayOrder: boolean;
}

/** Whether a row is one the filter picks. Days are inclusive. */
function matches(r: UsageRecord, filter: UsageFilter): boolean {
  return (
    (filter.connectionId === undefined || r.connectionId === filter.connectionId) &&
    (filter.tokenId === undefined || r.tokenId === filter.tokenId) &&
    (filter.from === undefined || r.day >= filter.from) &&
    (filter.to === undefined || r.day <= filter.to)
  );
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
