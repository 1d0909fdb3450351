/**
 * `audit.jsonl`: who changed what, one JSON object per line, append-only. Lines are appended, never
 * rewritten, so a crash can at worst tear the last line; `list` skips such a line and the next append
 * starts on a fresh line so it does not fuse with it.
 *
 * Callers must never put a key in an entry. Every entry still passes through the redactor before it
 * is written: the audit log is exactly the kind of file people paste into bug reports.
 *
 * Bounded: once the file passes {@link AUDIT_ROTATE_BYTES} it is renamed to `audit.jsonl.1`
 * (replacing the previous one) and a fresh file starts, so the log keeps between one and two
 * files' worth of history and never fills the disk.
 */
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditAction, AuditEntry } from '../../shared/protocol';
import { redactor } from '../redactor';
import type { Logger } from '../log';
import { WriteQueue } from './atomicFile';
import { appendPrivate, openPrivateAppend } from '../privateAppend';

/** Default number of entries `list` returns. */
export const DEFAULT_AUDIT_LIMIT = 100;

/** Size past which `audit.jsonl` is rotated to `audit.jsonl.1` (about 20,000 entries). */
export const AUDIT_ROTATE_BYTES = 4 * 1024 * 1024;

export class AuditLog {
  private readonly queue = new WriteQueue();
  /** Whether the file's last byte has been checked for a torn line (done once, before the first append). */
  private checkedTail = false;

  constructor(
    readonly file: string,
    private readonly log: Logger,
    private readonly rotateBytes = AUDIT_ROTATE_BYTES,
  ) {}

  /** Appends one entry, stamped with the current time. Appends are written one at a time, in call order. */
  append(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    // Stamped and redacted at call time, so the order of `at` matches the order of calls.
    const line = `${JSON.stringify(redactor.redactDeep({ at: new Date().toISOString(), ...entry }))}\n`;
    return this.queue.run(async () => {
      try {
        const prefix = this.checkedTail ? '' : await this.tornTailPrefix();
        // Never through a symlink, always 0600.
        await appendPrivate(this.file, prefix + line);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
        // The change is made already; failing it now would only hide that it happened.
        this.log.error(
          `${this.file} is a symbolic link: the daemon does not write through it, so this change is not in the audit log. Remove the link; the daemon then starts a new audit.jsonl.`,
          { action: entry.action },
        );
        return;
      }
      this.checkedTail = true;
      await this.rotateIfFull();
    });
  }

  /**
   * Moves a full file aside to `<file>.1`; the next append starts a new one. The entry is already
   * written, so a failed rotation is logged (and retried on the next append), never the append's failure.
   */
  private async rotateIfFull(): Promise<void> {
    try {
      const { size } = await stat(this.file);
      if (size < this.rotateBytes) return;
      await rename(this.file, `${this.file}.1`);
      this.log.info(`Rotated ${this.file} (${size} bytes) to ${this.file}.1`);
    } catch (error) {
      this.log.warn(
        `Could not rotate ${this.file} to ${this.file}.1 (${(error as Error).message}); it keeps growing until that works. Check that ${this.file}.1 is a file the daemon may replace.`,
      );
    }
  }

  /**
   * The newest `limit` entries that match `filter`, newest last, from the current file and (when it
   * holds fewer) the rotated one. Lines that do not parse (a torn last line) are skipped.
   */
  async list(limit = DEFAULT_AUDIT_LIMIT, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    // Wait for queued appends so a caller that just appended sees its entry.
    await this.queue.idle();
    const matches = auditMatcher(filter);
    const current = this.parse(await readIfExists(this.file)).filter(matches);
    const entries =
      current.length >= limit
        ? current
        : [...this.parse(await readIfExists(`${this.file}.1`)).filter(matches), ...current];
    return limit > 0 ? entries.slice(-limit) : [];
  }

  private parse(text: string): AuditEntry[] {
    const entries: AuditEntry[] = [];
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        skipped++;
      }
    }
    if (skipped > 0)
      this.log.debug(`Skipped ${skipped} unreadable line(s) of ${this.file} (a write cut off by a crash)`);
    return entries;
  }

  /**
   * Before the first append: creates the file 0600 if needed, and returns "\n" when its last line was
   * torn (no trailing newline), so the new entry starts on a line of its own.
   */
  private async tornTailPrefix(): Promise<string> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    // No-follow, and an existing file made by hand is set to 0600 through the descriptor.
    const handle = await openPrivateAppend(this.file);
    try {
      const { size } = await handle.stat();
      if (size === 0) return '';
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      return last[0] === 0x0a ? '' : '\n';
    } finally {
      await handle.close();
    }
  }
}

/** What `audit/list` may narrow the log to; every given part must match. */
export interface AuditFilter {
  connectionId?: string | undefined;
  actions?: readonly AuditAction[] | undefined;
  /** ISO time: entries at or after it. */
  since?: string | undefined;
}

function auditMatcher({ connectionId, actions, since }: AuditFilter): (entry: AuditEntry) => boolean {
  const kinds = actions && new Set<string>(actions);
  // Entries are stamped with toISOString (UTC, "Z"); the bound may carry any offset, so compare instants.
  const from = since === undefined ? undefined : Date.parse(since);
  return (entry) =>
    (connectionId === undefined || entry.connectionId === connectionId) &&
    (kinds === undefined || kinds.has(entry.action)) &&
    (from === undefined || Date.parse(entry.at) >= from);
}

async function readIfExists(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
