/**
 * `db.json`: the daemon's store (connections, user providers, settings, prices, limits, model cache);
 * usage has its own file (usage/usageFile.ts), appended to rather than rewritten.
 *
 * Two ways to change it:
 * - `update()` is a transaction: the mutation runs on a deep clone, the clone is written atomically,
 *   and only then does it become the current state. A failed write changes nothing, in memory or on
 *   disk, so what clients are told always matches what a restart would load.
 * - `updateLater()` is for hot counters (capacity counters, last-used times): it mutates the current state in
 *   place and coalesces many calls into one debounced write. Losing the last half second of counters
 *   in a crash is an acceptable price for not rewriting the file on every chat chunk.
 *
 * Both go through one queue, so the file always receives whole states in order and a deferred write
 * can never publish a half-applied transaction (transactions are never applied to the current state
 * until they are on disk).
 */
import { chmod, copyFile, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { Logger } from '../log';
import { AtomicJsonFile, CorruptFileError, moveAside, WriteQueue, type AtomicFs } from './atomicFile';
import { migrate, type Migration, type RawDb } from './migrations';
import { emptyDb, type DbData } from './schema';

export interface DatabaseOptions {
  /** Milliseconds `updateLater` waits to coalesce changes; default 500. */
  debounceMs?: number;
  /** Replaces filesystem steps of the atomic write (tests inject failures here). */
  fs?: Partial<AtomicFs>;
  /** Default: the daemon's migrations (tests pass synthetic ones). */
  migrations?: readonly Migration[];
  /** Default: CURRENT_SCHEMA_VERSION. */
  targetVersion?: number;
}

type Mutation = (draft: DbData) => void;

export class Database {
  private readonly queue = new WriteQueue();
  /** The current state holds deferred changes that are not on disk yet. */
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /**
   * While a transaction's draft is being written, deferred mutations land on the current state,
   * which the draft is about to replace; they are recorded here and replayed onto the draft so the
   * swap does not drop them.
   */
  private inFlight: Mutation[] | undefined;

  private constructor(
    readonly file: string,
    private readonly log: Logger,
    private readonly low: Low<DbData>,
    private readonly debounceMs: number,
  ) {}

  /**
   * Loads `file`, creating it when missing. A corrupt or truncated file is renamed to
   * `<file>.corrupt-<time>` (never silently replaced) and the daemon starts empty. A file from a newer
   * Switchboard makes this throw STORE_FAILED rather than downgrade it.
   */
  static async open(file: string, log: Logger, options: DatabaseOptions = {}): Promise<Database> {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const adapter = new AtomicJsonFile<DbData>(file, { fs: options.fs });
    const low = new Low<DbData>(adapter, emptyDb());
    const db = new Database(file, log, low, options.debounceMs ?? 500);

    const raw = await db.readRaw();
    if (raw === undefined) {
      db.startedEmpty = true;
      await db.writeInitial(low.data, 'create');
      return db;
    }
    const { data, fromVersion, applied } = migrate(raw, {
      file,
      migrations: options.migrations,
      target: options.targetVersion,
    });
    low.data = data;
    if (applied.length > 0) {
      // Keep the pre-migration file: a migration bug must not cost the user their connections.
      const backup = `${file}.v${fromVersion}.bak`;
      await copyFile(file, backup);
      await chmod(backup, 0o600);
      await db.writeInitial(data, 'migrate');
      log.info(
        `Migrated ${file} from schema v${fromVersion} to v${data.schemaVersion}; the previous file is kept as ${backup}`,
        { steps: applied },
      );
    }
    return db;
  }

  /**
   * True when this open found no store to load (none yet, or one moved aside as unreadable) and
   * started empty: then nothing else in the home may be judged by what this store lacks.
   */
  startedEmpty = false;

  /** The current committed state. Read it, never mutate it: changes go through `update`/`updateLater`. */
  get data(): Readonly<DbData> {
    return this.low.data;
  }

  /**
   * Runs `mutate` on a deep clone of the current state, writes the clone atomically, then makes it
   * current, and returns what `mutate` returned. Transactions run one at a time, in call order, each
   * seeing the previous one's result. `mutate` must be synchronous.
   *
   * If `mutate` throws, nothing is written and its error propagates unchanged. If the write fails,
   * the current state is left as it was and STORE_FAILED is thrown.
   */
  update<T>(mutate: (draft: DbData) => T): Promise<T> {
    return this.queue.run(async () => {
      // The clone includes deferred changes made so far; they get written with the transaction.
      const draft = structuredClone(this.low.data);
      const result = mutate(draft);
      if (isThenable(result)) {
        Promise.resolve(result).catch(() => undefined);
        throw new TypeError(
          'Database.update(): the mutation must be synchronous; do async work before calling update().',
        );
      }
      const late: Mutation[] = [];
      this.inFlight = late;
      try {
        await this.low.adapter.write(draft);
      } catch (error) {
        // The deferred changes recorded meanwhile already live in the current state; it stays dirty.
        throw this.storeFailed(error, 'nothing was changed.');
      } finally {
        this.inFlight = undefined;
      }
      for (const mutation of late) {
        try {
          mutation(draft);
        } catch (error) {
          // The transaction is on disk; a counter that no longer fits it (e.g. its connection was just
          // deleted) must not make the caller believe the transaction failed.
          this.log.warn(`Dropped a deferred change that no longer applies after a transaction: ${reason(error)}`);
        }
      }
      this.low.data = draft;
      this.dirty = late.length > 0;
      if (this.dirty) this.schedule();
      return result;
    });
  }

  /**
   * Applies `mutate` to the current state now and schedules one write a moment later, coalescing
   * with other calls. For counters only: the change is visible at once but not durable until the
   * write. A failed write is logged and retried on the next flush. `mutate` must not throw.
   */
  updateLater(mutate: (draft: DbData) => void): void {
    try {
      mutate(this.low.data);
      this.inFlight?.push(mutate);
    } finally {
      this.dirty = true;
      this.schedule();
    }
  }

  /** Writes pending deferred changes now. Throws STORE_FAILED if that write fails (they stay pending). */
  async flush(): Promise<void> {
    this.clearTimer();
    await this.writePending();
  }

  /** Flushes and stops scheduling writes (daemon shutdown); leaves no timer behind. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writePending().catch((error: unknown) => {
        this.log.warn(
          `Could not save deferred changes (counters) to ${this.file}: ${reason(error)}; will retry on the next write.`,
        );
      });
    }, this.debounceMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private writePending(): Promise<void> {
    return this.queue.run(async () => {
      if (!this.dirty) return;
      // Cleared before the write: changes made while it runs mark the state dirty again.
      this.dirty = false;
      try {
        // The adapter serializes synchronously, so this is one consistent snapshot.
        await this.low.adapter.write(this.low.data);
      } catch (error) {
        this.dirty = true;
        throw this.storeFailed(error, 'the changes are kept in memory and retried on the next write.');
      }
    });
  }

  /** The parsed file, `undefined` when there is none (or it was moved aside as corrupt). */
  private async readRaw(): Promise<RawDb | undefined> {
    let raw: unknown;
    try {
      raw = await this.low.adapter.read();
    } catch (error) {
      if (error instanceof CorruptFileError) {
        await this.setAside(error.reason);
        return undefined;
      }
      throw new SwitchboardError(ErrorCode.STORE_FAILED, `Could not read ${this.file}: ${reason(error)}`, {
        hint: `Check the permissions of ${this.file} and its directory; the file was not changed.`,
        file: this.file,
      });
    }
    if (raw === null) {
      if (!(await exists(this.file))) return undefined;
      await this.setAside('it holds null instead of a Switchboard store');
      return undefined;
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      await this.setAside('its top level is not an object');
      return undefined;
    }
    // Every store of every schema version has a `connections` list (v0 may have nothing else). An
    // object without one is some other JSON file: "migrating" it would empty it, so it is kept aside.
    if (!Array.isArray((raw as RawDb).connections)) {
      await this.setAside(
        'it has no "connections" list, so it is not a Switchboard store (or not one this version can read)',
      );
      return undefined;
    }
    return raw as RawDb;
  }

  /** Renames an unreadable file out of the way; refuses to continue if even that fails. */
  private async setAside(why: string): Promise<void> {
    let aside: string;
    try {
      aside = await moveAside(this.file);
    } catch (error) {
      throw new SwitchboardError(
        ErrorCode.STORE_FAILED,
        `${this.file} is unreadable (${why}) and could not be moved aside: ${reason(error)}`,
        {
          hint: `Move or repair ${this.file} yourself, then restart the daemon. It was not changed.`,
          file: this.file,
        },
      );
    }
    this.log.warn(
      `${this.file} is unreadable (${why}); moved it to ${aside} and started with an empty store. Repair that copy and move it back to recover its contents.`,
      {
        file: this.file,
        movedTo: aside,
      },
    );
  }

  private async writeInitial(data: DbData, what: 'create' | 'migrate'): Promise<void> {
    try {
      await this.low.adapter.write(data);
    } catch (error) {
      throw this.storeFailed(error, what === 'create' ? 'nothing was changed.' : 'the original file was not changed.');
    }
  }

  private storeFailed(error: unknown, consequence: string): SwitchboardError {
    return new SwitchboardError(ErrorCode.STORE_FAILED, `Could not save ${this.file}: ${reason(error)}`, {
      hint: `Check free disk space and permissions of ${this.file}; ${consequence}`,
      file: this.file,
    });
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
