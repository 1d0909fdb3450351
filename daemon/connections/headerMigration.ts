/**
 * The startup pass that keeps secret header values out of `db.json`.
 *
 * Before Switchboard knew about secret headers, every header value was stored verbatim. On start,
 * any stored value that is secret by the rules (or listed in `secretHeaders` but not masked, e.g.
 * after a hand edit) moves into the vault and is replaced by the mask; the migration backups and
 * corrupt copies beside db.json are scrubbed of those values too, since they were copied from it.
 * Vault entries of headers no connection has any more (a crash between the two writes) are removed.
 * Only names are logged. No schema change: the file shape stays the same.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SECRET_HEADER_MASK } from '../../shared/protocol';
import type { Logger } from '../log';
import { writeFileAtomic } from '../store/atomicFile';
import type { Database } from '../store/database';
import type { HeaderSecrets } from './headerSecrets';
import { isSecretHeader } from '../../shared/rules/secretHeaders';
import { headerVaultId, lowerSet, putHeader } from './secretHeaders';

interface Move {
  connectionId: string;
  connectionName: string;
  header: string;
  value: string;
}

export interface HeaderMigrationDeps {
  db: Database;
  secrets: HeaderSecrets;
  log: Logger;
}

/** Moves plaintext secret header values into the vault and removes orphaned header entries. Never throws. */
export async function secureStoredHeaders(deps: HeaderMigrationDeps): Promise<void> {
  const { db, log } = deps;
  const moves = findPlaintext(db);
  if (moves.length > 0) {
    try {
      await moveToVault(deps, moves);
    } catch (error) {
      // Requests still work (the value is sent from db.json) and responses still mask it; say how to fix it.
      log.warn(
        `Secret header values in ${db.file} could not be moved to the key vault: ${(error as Error).message}. They stay in that file until the daemon can write the vault.`,
        {
          headers: describe(moves),
        },
      );
      return;
    }
  }
  await removeOrphans(deps);
}

function findPlaintext(db: Database): Move[] {
  const moves: Move[] = [];
  for (const c of db.data.connections) {
    const listed = lowerSet(c.secretHeaders);
    for (const [header, value] of Object.entries(c.headers ?? {})) {
      if (value === SECRET_HEADER_MASK) continue;
      if (listed.has(header.toLowerCase()) || isSecretHeader(header, value))
        moves.push({ connectionId: c.id, connectionName: c.name, header, value });
    }
  }
  return moves;
}

async function moveToVault({ db, secrets, log }: HeaderMigrationDeps, moves: Move[]): Promise<void> {
  // Vault first: if the record were rewritten first, a failed vault write would lose the value.
  for (const m of moves) await secrets.set(m.connectionId, m.header, m.value);
  await db.update((draft) => {
    for (const m of moves) {
      const record = draft.connections.find((c) => c.id === m.connectionId);
      if (!record?.headers || !Object.hasOwn(record.headers, m.header)) continue;
      putHeader(record.headers, m.header, SECRET_HEADER_MASK);
      const listed = lowerSet(record.secretHeaders);
      if (!listed.has(m.header.toLowerCase())) record.secretHeaders = [...(record.secretHeaders ?? []), m.header];
    }
  });
  const scrubbed = await scrubCopies(
    db.file,
    moves.map((m) => m.value),
    log,
  );
  log.info(
    `Moved ${moves.length} secret header value(s) from ${db.file} into the encrypted key vault; responses show them as ${SECRET_HEADER_MASK}.`,
    {
      headers: describe(moves),
      ...(scrubbed.length > 0 && { scrubbedCopies: scrubbed }),
    },
  );
}

/** `Conn "name": Header` for each move: names only, never a value. */
function describe(moves: Move[]): string[] {
  return moves.map((m) => `${m.connectionName}: ${m.header}`);
}

/**
 * Replaces the values in the copies of db.json beside it (`db.json.v1.bak`, `db.json.corrupt-…`),
 * as text: a corrupt copy may not parse. Returns the names of the files changed.
 */
async function scrubCopies(file: string, values: string[], log: Logger): Promise<string[]> {
  const dir = dirname(file);
  const prefix = `${basename(file)}.`;
  const changed: string[] = [];
  for (const name of await readdir(dir).catch(() => [])) {
    if (!name.startsWith(prefix) || !(name.endsWith('.bak') || name.includes('.corrupt-'))) continue;
    const path = join(dir, name);
    try {
      const text = await readFile(path, 'utf8');
      let next = text;
      for (const value of values) {
        // As written (a raw value) and as JSON escapes it.
        for (const form of new Set([value, JSON.stringify(value).slice(1, -1)]))
          next = next.split(form).join(SECRET_HEADER_MASK);
      }
      if (next === text) continue;
      await writeFileAtomic(path, next, { mode: 0o600 });
      changed.push(name);
    } catch (error) {
      log.warn(
        `${path} may still hold secret header values in plain text and could not be cleaned (${(error as Error).message}); delete it if you no longer need it.`,
      );
    }
  }
  return changed;
}

/** Header entries whose connection is gone, or whose header is no longer secret, are removed. */
async function removeOrphans({ db, secrets, log }: HeaderMigrationDeps): Promise<void> {
  // A store that started empty (an unreadable one moved aside for repair) says nothing about which
  // values are unused: removing them would lose the secrets of the copy the user is about to restore.
  if (db.startedEmpty) return;
  const wanted = new Set<string>();
  for (const c of db.data.connections) for (const name of c.secretHeaders ?? []) wanted.add(headerVaultId(c.id, name));
  const orphans = secrets.allIds().filter((id) => !wanted.has(id));
  if (orphans.length === 0) return;
  try {
    for (const id of orphans) await secrets.deleteId(id);
    log.info(`Removed ${orphans.length} secret header value(s) from the key vault that no connection uses any more.`);
  } catch (error) {
    log.warn(`Could not remove unused secret header values from the key vault: ${(error as Error).message}`);
  }
}
