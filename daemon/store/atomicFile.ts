/**
 * Crash-safe JSON files. A write goes to a temp file beside the target (same directory, so the same
 * filesystem and rename is atomic), is fsynced, renamed over the target, and the directory is fsynced
 * so the rename itself survives a power cut. A reader therefore sees the old file or the new one,
 * never a torn mix. Files are created 0600: they hold tokens, fingerprints and ciphertext.
 *
 * Writes to one file go through a queue, one at a time and in call order, so a slow early write can
 * never land after (and clobber) a later one.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

/** A file exists but does not hold valid JSON (empty and truncated files included). */
export class CorruptFileError extends Error {
  override readonly name = 'CorruptFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} is not valid JSON: ${reason}`);
  }
}

/** Runs async jobs one at a time, in the order they were queued. A failed job does not stop the queue. */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every job queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

/** The filesystem steps of an atomic write; tests replace one to inject a failure at that step. */
export interface AtomicFs {
  /** Creates `path` (which must not exist) with `mode`, writes `data`, fsyncs and closes it. */
  writeTemp(path: string, data: string | Uint8Array, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Hard link, failing with EEXIST when `to` exists (used for create-only writes). */
  link(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Makes a rename in `dir` durable. Best effort: some platforms cannot fsync a directory. */
  syncDir(dir: string): Promise<void>;
}

export const nodeAtomicFs: AtomicFs = {
  async writeTemp(path, data, mode) {
    const handle = await open(path, 'wx', mode);
    try {
      // `open`'s mode is filtered by the umask; chmod makes the result exactly `mode` either way.
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
  link: (from, to) => link(from, to),
  unlink: (path) => unlink(path),
  async syncDir(dir) {
    // Windows cannot open a directory for fsync (NTFS journals the rename itself).
    if (process.platform === 'win32') return;
    try {
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // The new content is already in place; failing here would make the caller believe the old
      // content is still current. Some filesystems reject directory fsync (EINVAL): accept that.
    }
  },
};

export interface AtomicWriteOptions {
  /** File mode of the result; default 0600. */
  mode?: number | undefined;
  /** Create only: fail with EEXIST instead of replacing an existing file (e.g. a master key). */
  exclusive?: boolean | undefined;
  /** Replaces individual filesystem steps (tests). */
  fs?: Partial<AtomicFs> | undefined;
}

/**
 * Replaces `file` with `data` atomically. On failure the old file is untouched and the temp file is
 * removed; the error is rethrown as is (its `code`, e.g. ENOSPC or EACCES, says why).
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const fs: AtomicFs = { ...nodeAtomicFs, ...options.fs };
  const mode = options.mode ?? 0o600;
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeTemp(temp, data, mode);
    if (options.exclusive) {
      await fs.link(temp, file);
      await fs.unlink(temp).catch(() => undefined);
    } else {
      await fs.rename(temp, file);
    }
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await fs.syncDir(dir);
}

/**
 * Reads and parses a JSON file. Returns null when the file does not exist; throws
 * {@link CorruptFileError} when it exists but is empty or not valid JSON; other I/O errors (EACCES…)
 * are rethrown as is, because they are not the file's fault and must not get it moved aside.
 */
export async function readJsonFile<T>(file: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  // A byte-order mark is what a hand edit in some Windows editors adds; it is not corruption.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new CorruptFileError(file, 'the file is empty (a write was probably cut off)');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CorruptFileError(file, (error as Error).message);
  }
}

/**
 * Renames an unreadable file to `<file>.corrupt-<ISO time, ":" → "-">` and returns that path, so a
 * fresh file can be started without destroying what may still be repaired by hand.
 */
export async function moveAside(file: string, now: Date = new Date()): Promise<string> {
  const aside = `${file}.corrupt-${now.toISOString().replace(/:/g, '-')}`;
  await rename(file, aside);
  return aside;
}

/** A lowdb adapter over {@link writeFileAtomic} and {@link readJsonFile}. */
export class AtomicJsonFile<T> implements Adapter<T> {
  private readonly queue = new WriteQueue();

  constructor(
    readonly file: string,
    private readonly options: AtomicWriteOptions = {},
  ) {}

  read(): Promise<T | null> {
    return readJsonFile<T>(this.file);
  }

  /** Serializes `data` now (so later mutations of it cannot leak into this write), then queues the write. */
  write(data: T): Promise<void> {
    const text = `${JSON.stringify(data, null, 2)}\n`;
    return this.queue.run(() => writeFileAtomic(this.file, text, this.options));
  }
}
