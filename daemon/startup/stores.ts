/** Step 1 of starting: open what the daemon keeps on disk in its home. */
import type { HomePaths } from '../home/paths';
import { Keyring } from '../keys/keyring';
import { Vault } from '../keys/vault';
import type { Logger } from '../log';
import { AuditLog } from '../store/auditLog';
import { Database } from '../store/database';
import { UsageLedger } from '../usage/ledger';
import type { Cleanups } from './cleanups';
import { sweepOrphanVaultEntries, sweepStaleTempFiles } from './sweepHome';

export interface Stores {
  /** The lowdb document (`db.json`); each slice has its own owner among the services. */
  db: Database;
  /** `audit.jsonl`: who changed what, never a key. */
  audit: AuditLog;
  /** `usage.jsonl`: requests, tokens and cost per connection, model and day. */
  ledger: UsageLedger;
  /** The encrypted key file (`vault.json`). */
  vault: Vault;
  /** Finds a connection's key wherever its `keySource` says (vault, memory, environment). */
  keyring: Keyring;
}

export async function openStores(
  paths: HomePaths,
  env: NodeJS.ProcessEnv,
  log: Logger,
  cleanups: Cleanups,
): Promise<Stores> {
  const db = await Database.open(paths.dbFile, log);
  cleanups.push(() => db.close());
  const audit = new AuditLog(paths.auditFile, log);
  const ledger = await UsageLedger.open({ file: paths.usageFile, db, log });
  // Closed before the store (cleanups run last-added first).
  cleanups.push(() => ledger.close());
  const vault = await Vault.open({ file: paths.vaultFile, masterKeyFile: paths.masterKeyFile, env, log });
  await sweepStaleTempFiles(paths.home, log);
  await sweepOrphanVaultEntries(db, vault, log);
  return { db, audit, ledger, vault, keyring: new Keyring(vault, env) };
}
