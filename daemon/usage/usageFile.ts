/**
 * `usage.jsonl`: the usage ledger's rows, one JSON object per line, appended as they change.
 *
 * The rows used to live in `db.json`, which is rewritten whole on every deferred write: under load
 * that is every half second, and a year of history (12,000 rows, 3.5 MB) took 23 ms of
 * main-thread CPU per write (0.9 ms here, for three changed rows), stalling every stream the daemon
 * relayed meanwhile. Here a write appends only the rows that changed since the last one (a line
 * holds a row's whole state, and the last line of a row wins on reading), and the file is rewritten
 * whole only now and then, to drop the lines later ones replaced ({@link UsageFile.needsCompaction})
 * or the rows retention dropped.
 *
 * A crash can at worst tear the last line: reading skips a line that does not parse (and the
 * deferred changes it held, as a crash before a write loses them), and the next write rewrites the
 * file whole so nothing is appended to a torn line. Appends never follow a symlink and the file is
 * 0600, as the daemon's other files; a rewrite is atomic (temp file, fsync, rename).
 */
import { readFile } from 'node:fs/promises';
import type { UsageRecord } from '../../shared/protocol';
import { appendPrivate } from '../privateAppend';
import { WriteQueue, writeFileAtomic, type AtomicFs } from '../store/atomicFile';

/** Lines beyond twice the rows (and this many more) make the next write a rewrite. */
const COMPACTION_SLACK = 1000;

export interface UsageFileOptions {
  /** Replaces filesystem steps (tests inject failures here). */
  fs?: Partial<AtomicFs & { append: (file: string, text: string) => Promise<void> }>;
}

/** What reading found. */
export interface UsageFileContents {
  /** Each row's last state, in the order the rows first appeared. */
  rows: UsageRecord[];
  /** Lines that did not hold a row (a torn last line, a hand edit): skipped. */
  skipped: number;
  /** The file does not end with a whole line: the next write must not append to it. */
  tornTail: boolean;
}

export class UsageFile {
  private readonly queue = new WriteQueue();
  /** Lines in the file, as read and written since: what compaction is judged by. */
  private lines = 0;

  constructor(
    readonly file: string,
    private readonly options: UsageFileOptions = {},
  ) {}

  /** The rows on disk; `undefined` when there is no file. Other read errors (EACCES…) are thrown as they are. */
  async read(): Promise<UsageFileContents | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const byKey = new Map<string, UsageRecord>();
    let skipped = 0;
    let lines = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      lines++;
      const row = parseRow(line);
      if (row === undefined) skipped++;
      // The last state of a row wins; a Map keeps the position of its first line.
      else byKey.set(usageRowKey(row), row);
    }
    this.lines = lines;
    return { rows: [...byKey.values()], skipped, tornTail: text.length > 0 && !text.endsWith('\n') };
  }

  /** Appends the rows' current states (serialized now: later changes belong to a later write). */
  append(rows: Iterable<UsageRecord>): Promise<void> {
    let text = '';
    let count = 0;
    for (const row of rows) {
      text += `${JSON.stringify(row)}\n`;
      count++;
    }
    if (count === 0) return Promise.resolve();
    const append = this.options.fs?.append ?? appendPrivate;
    return this.queue.run(async () => {
      await append(this.file, text);
      this.lines += count;
    });
  }

  /** Replaces the file with the rows, one line each (serialized now), atomically. */
  rewrite(rows: readonly UsageRecord[]): Promise<void> {
    let text = '';
    for (const row of rows) text += `${JSON.stringify(row)}\n`;
    return this.queue.run(async () => {
      await writeFileAtomic(this.file, text, { fs: this.options.fs });
      this.lines = rows.length;
    });
  }

  /** The file holds so many replaced lines that it should be rewritten with `rows` live ones. */
  needsCompaction(rows: number): boolean {
    return this.lines > 2 * rows + COMPACTION_SLACK;
  }
}

/** A row's identity: its day, connection, model, token and client (see {@link UsageRecord}). */
export function usageRowKey(row: Pick<UsageRecord, 'day' | 'connectionId' | 'model' | 'tokenId' | 'client'>): string {
  return rowKey(row.day, row.connectionId, row.model, row.tokenId, row.client);
}

/**
 * A row's identity from its parts. Only the last, a client's own name, may hold a NUL (days and ids
 * are made by the daemon, model ids have no control characters), so the separators cannot be
 * forged; an absent token or client differs from an empty one.
 */
export function rowKey(
  day: string,
  connectionId: string,
  model: string,
  tokenId: string | undefined,
  client: string | undefined,
): string {
  return `${day}\0${connectionId}\0${model}\0${tokenId === undefined ? '-' : `+${tokenId}`}\0${client === undefined ? '-' : `+${client}`}`;
}

const COUNTERS = ['requests', 'errors', 'inputTokens', 'outputTokens', 'latencyMsTotal', 'costUsd'] as const;

/** A line as a row, or `undefined` when it is not one (torn, or edited by hand into something else). */
function parseRow(line: string): UsageRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const row = value as Partial<Record<keyof UsageRecord, unknown>>;
  if (typeof row.day !== 'string' || typeof row.connectionId !== 'string' || typeof row.model !== 'string')
    return undefined;
  if (row.tokenId !== undefined && typeof row.tokenId !== 'string') return undefined;
  if (row.client !== undefined && typeof row.client !== 'string') return undefined;
  for (const counter of COUNTERS) if (typeof row[counter] !== 'number') return undefined;
  return row as UsageRecord;
}
