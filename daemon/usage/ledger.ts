/**
 * The usage ledger: requests, errors, tokens, latency and cost per connection, model and UTC day.
 * Counters are hot (every chat touches them): they change in memory at once and are written a
 * moment later, many changes in one write that appends only the rows that changed to
 * `usage.jsonl` (usageFile.ts). Losing the last half second of counters in a crash is the price of
 * not writing on every request.
 *
 * Cost is summed only over requests whose model had a price; the others are counted in
 * `unpricedRequests`, so an unknown cost is never shown as zero.
 *
 * The ledger is bounded: rows older than {@link RETENTION_DAYS} days are dropped when a new row is
 * started (at most once per connection, model and day), so the file does not grow forever.
 */
import type { UsageGroup, UsageGroupKey, UsageRecord, UsageTotals } from '../../shared/protocol';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { Logger } from '../log';
import type { Database } from '../store/database';
import { rowKey, UsageFile, usageRowKey, type UsageFileOptions } from './usageFile';

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

export interface UsageLedgerOptions extends UsageFileOptions {
  /** `usage.jsonl` in the daemon's home. */
  file: string;
  /** The store whose `usage` rows (where they lived before `usage.jsonl`) move to the file on open. */
  db: Database;
  log: Logger;
  /** Milliseconds a change waits to be written with the ones after it; default 500. */
  debounceMs?: number;
}

export class UsageLedger {
  /** Every row, in the order they were started (in day order while days pass: see {@link inDayOrder}). */
  private rows: UsageRecord[] = [];
  /** The rows by their key, for `record` (every chat calls it): a lookup, not a walk over 400 days of rows. */
  private byKey = new Map<string, UsageRecord>();
  /** No row comes before one of an earlier day (true as days pass), so `sum` reads a recent period from the end. */
  private inDayOrder = true;
  /** Rows changed since the last write. */
  private readonly changed = new Set<UsageRecord>();
  /** The next write replaces the file (rows were dropped, or the file has a torn line or too many old ones). */
  private rewriteNext = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /**
   * The write under way. The next one decides what to write (append or rewrite) only once this one
   * is done: an append queued behind a failed one could land on its torn half line.
   */
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: UsageFile,
    private readonly log: Logger,
    private readonly debounceMs: number,
  ) {}

  /**
   * Reads `usage.jsonl`, and moves the rows a `db.json` still holds (written before the file existed,
   * or by an older daemon since) into it. Throws STORE_FAILED when the file cannot be read or the
   * move cannot be written; then nothing was changed.
   */
  static async open(options: UsageLedgerOptions): Promise<UsageLedger> {
    const ledger = new UsageLedger(new UsageFile(options.file, options), options.log, options.debounceMs ?? 500);
    await ledger.load(options.db);
    return ledger;
  }

  private async load(db: Database): Promise<void> {
    const file = this.file.file;
    let contents;
    try {
      contents = await this.file.read();
    } catch (error) {
      throw storeFailed(file, `Could not read ${file}: ${reason(error)}`, 'the file was not changed.');
    }
    if (contents !== undefined) {
      this.setRows(contents.rows);
      if (contents.skipped > 0)
        this.log.warn(
          `Skipped ${contents.skipped} unreadable line(s) of ${file} (a write cut off by a crash, or an edit); the other rows are kept.`,
        );
      this.rewriteNext = contents.tornTail || this.file.needsCompaction(this.rows.length);
    }
    const legacy = db.data.usage;
    if (legacy.length === 0) return;
    // Rows of db.json: all of them when there is no file yet; otherwise only those the file lacks
    // (an older daemon's rows since the move). A row the file has is the file's: the move may have
    // been cut between writing the file and emptying db.json, and counting it twice would be wrong.
    for (const row of legacy) {
      const key = usageRowKey(row);
      if (this.byKey.has(key)) continue;
      const copy = { ...row };
      this.rows.push(copy);
      this.byKey.set(key, copy);
    }
    this.setRows(this.rows);
    try {
      await this.file.rewrite(this.rows);
      this.rewriteNext = false;
    } catch (error) {
      throw storeFailed(file, `Could not save ${file}: ${reason(error)}`, 'db.json still holds the usage.');
    }
    await db.update((data) => {
      data.usage = [];
    });
    this.log.info(`Moved ${legacy.length} usage row(s) from ${db.file} to ${file}.`);
  }

  record(event: UsageEvent, now: Date | number = Date.now()): void {
    const ms = typeof now === 'number' ? now : now.getTime();
    const day = utcDayOf(ms);
    const tokenId = event.token?.id;
    const key = rowKey(day, event.connectionId, event.model, tokenId, event.client);
    let row = this.byKey.get(key);
    if (!row) {
      const cutoff = utcDayOf(ms - RETENTION_DAYS * DAY_MS);
      if (this.rows.some((r) => r.day < cutoff)) {
        this.setRows(this.rows.filter((r) => r.day >= cutoff));
        this.rewriteNext = true;
      }
      row = {
        connectionId: event.connectionId,
        day,
        model: event.model,
        ...(event.token && { tokenId: event.token.id, tokenName: event.token.name }),
        ...(event.client !== undefined && { client: event.client }),
        ...emptyTotals(),
      };
      const last = this.rows[this.rows.length - 1];
      if (last !== undefined && last.day > day) this.inDayOrder = false;
      this.rows.push(row);
      this.byKey.set(key, row);
    }
    row.requests += 1;
    if (event.error) row.errors += 1;
    row.inputTokens += event.inputTokens ?? 0;
    row.outputTokens += event.outputTokens ?? 0;
    row.latencyMsTotal += Math.round(event.latencyMs);
    if (typeof event.costUsd === 'number') row.costUsd = roundUsd(row.costUsd + event.costUsd);
    else if (event.costUsd === null) row.unpricedRequests += 1;
    if (event.estimated) row.estimatedRequests = (row.estimatedRequests ?? 0) + 1;
    this.changed.add(row);
    this.schedule();
  }

  /**
   * The rows matching the filter, summed: `totalsOf(query(filter))` without copying and sorting
   * every row, for budgets, which read it on every chat of a connection that has one.
   */
  sum(filter: UsageFilter = {}): UsageTotals {
    const totals = emptyTotals();
    const rows = this.rows;
    if (filter.from !== undefined && this.inDayOrder) {
      // From the newest back to the period's first day: a budget's month, not the ledger's 400 days.
      for (let i = rows.length - 1; i >= 0 && rows[i]!.day >= filter.from; i--)
        if (matches(rows[i]!, filter)) addInto(totals, rows[i]!);
    } else for (const r of rows) if (matches(r, filter)) addInto(totals, r);
    return totals;
  }

  /** Writes the changes not written yet. Throws STORE_FAILED when that fails (they stay pending, for the next write). */
  async flush(): Promise<void> {
    this.clearTimer();
    await this.write();
  }

  /** Writes what is pending and stops scheduling writes (daemon shutdown); leaves no timer behind. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private setRows(rows: UsageRecord[]): void {
    this.rows = rows;
    this.byKey = new Map();
    this.inDayOrder = true;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      this.byKey.set(usageRowKey(r), r);
      if (i > 0 && rows[i - 1]!.day > r.day) this.inDayOrder = false;
    }
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write().catch((error: unknown) => {
        this.log.warn(`${reason(error)}; will retry on the next write.`);
      });
    }, this.debounceMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One write at a time: the next starts once the one under way is done, and takes what changed meanwhile. */
  private write(): Promise<void> {
    const next = this.writing.catch(() => undefined).then(() => this.writeNow());
    this.writing = next;
    return next;
  }

  private async writeNow(): Promise<void> {
    const rewrite = this.rewriteNext || this.file.needsCompaction(this.rows.length);
    if (!rewrite && this.changed.size === 0) return;
    const changed = [...this.changed];
    // Cleared before the write (which serializes the rows now): changes made while it runs are the next write's.
    this.changed.clear();
    this.rewriteNext = false;
    try {
      if (rewrite) await this.file.rewrite(this.rows);
      else await this.file.append(changed);
    } catch (error) {
      // The whole file next time (an append may have been cut off mid-line), when the next change
      // schedules a write or at shutdown: not in a loop against a full disk.
      this.rewriteNext = true;
      throw storeFailed(
        this.file.file,
        `Could not save usage to ${this.file.file}: ${reason(error)}`,
        'the counters are kept in memory and written with the next change.',
      );
    }
  }

  /** Rows matching the filter, oldest first. Days are inclusive. */
  query(filter: UsageFilter = {}): UsageRecord[] {
    return this.rows
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

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function storeFailed(file: string, message: string, consequence: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.STORE_FAILED, message, {
    hint: `Check free disk space and permissions of ${file}; ${consequence}`,
    file,
  });
}
