/**
 * Start-up housekeeping in the home: what crashes leave behind.
 * - Temp files of atomic writes (`.db.json.<pid>.<hex>.tmp`, `daemon.json.<pid>.tmp`) whose writer
 *   is gone: a crash between writing and renaming leaves them, and nothing else ever removes them.
 * - Vault entries of connections that no longer exist (a delete that stopped between the store and
 *   the vault): encrypted keys nobody can reach any more. Only judged against a store that was
 *   loaded: a store that started empty (first start, or an unreadable one moved aside for repair)
 *   says nothing about which keys are orphans, so then nothing is removed.
 */
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Vault } from '../keys/vault';
import type { Logger } from '../log';
import type { Database } from '../store/database';

/**
 * `.<name>.<pid>.<12 hex>.tmp` (store/atomicFile.ts) or `daemon.json.<pid>.tmp` (home/discovery.ts):
 * only the names the daemon itself writes, so a file of the user's that merely ends in `.tmp` stays.
 */
const TEMP_FILE = /^(?:\..+\.(\d+)\.[0-9a-f]{12}|daemon\.json\.(\d+))\.tmp$/;

/** Whether a process with this pid runs (EPERM: it runs, as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temp files in `dir` whose writing process is gone; returns how many. */
export async function sweepStaleTempFiles(
  dir: string,
  log: Logger,
  isAlive: (pid: number) => boolean = pidAlive,
): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    log.warn(`Could not list ${dir} to remove stale temp files`, { error: (error as Error).message });
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const match = TEMP_FILE.exec(name);
    if (!match) continue;
    const pid = Number(match[1] ?? match[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    try {
      await unlink(join(dir, name));
      removed++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        log.warn(`Could not remove the stale temp file ${name}`, { error: (error as Error).message });
    }
  }
  if (removed > 0) log.info(`Removed ${removed} temp file(s) left in ${dir} by writes that never finished`);
  return removed;
}

/** The connection an entry belongs to: its key (`<id>`) or another secret of it (`<id>#…`). */
const ownerOf = (entryId: string): string => entryId.split('#', 1)[0]!;

/** Removes vault entries whose connection is not in the store; returns how many. */
export async function sweepOrphanVaultEntries(db: Database, vault: Vault, log: Logger): Promise<number> {
  if (db.startedEmpty) return 0;
  const connections = new Set(db.data.connections.map((c) => c.id));
  const orphans = vault.ids().filter((id) => !connections.has(ownerOf(id)));
  let removed = 0;
  for (const id of orphans) {
    try {
      await vault.delete(id);
      removed++;
    } catch (error) {
      // A read-only or undecryptable vault: keep going without it, as the daemon does.
      log.warn('Could not remove a vault entry that belongs to no connection', { error: (error as Error).message });
      break;
    }
  }
  if (removed > 0)
    log.info(`Removed ${removed} vault entr${removed === 1 ? 'y' : 'ies'} that belonged to no connection`);
  return removed;
}
