/** Fixtures of the limits unit tests: a real store in a temp dir, connections written straight into it, a settable clock. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionLookup } from '../../../daemon/limits/admission';
import { silentLogger } from '../../../daemon/log';
import { Database } from '../../../daemon/store/database';
import type { StoredConnection } from '../../../daemon/store/schema';

export interface Store {
  db: Database;
  /** The connections these fixtures wrote, as limits read them (ConnectionService's `find` and `names`). */
  connections: ConnectionLookup;
  dir: string;
  /** Adds (or replaces) a connection record; returns it as stored. */
  put(conn: Partial<StoredConnection> & { id: string }): Promise<StoredConnection>;
  close(): Promise<void>;
}

export async function openStore(dir?: string): Promise<Store> {
  const home = dir ?? (await mkdtemp(join(tmpdir(), 'sb-limits-')));
  const db = await Database.open(join(home, 'db.json'), silentLogger, { debounceMs: 5 });
  return {
    db,
    connections: {
      find: (id) => db.data.connections.find((c) => c.id === id),
      names: () => db.data.connections.map((c) => ({ id: c.id, name: c.name })),
    },
    dir: home,
    put: async (conn) => {
      const record: StoredConnection = {
        name: conn.id,
        provider: 'openai',
        baseUrl: 'http://127.0.0.1:9/v1',
        timeoutMs: 60_000,
        maxRetries: 0,
        isDefault: false,
        keySource: 'none',
        createdAt: '',
        updatedAt: '',
        ...conn,
      };
      await db.update((data) => {
        data.connections = data.connections.filter((c) => c.id !== conn.id);
        data.connections.push(record);
      });
      return db.data.connections.find((c) => c.id === conn.id)!;
    },
    close: async () => {
      await db.close();
      if (!dir) await rm(home, { recursive: true, force: true });
    },
  };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2025, 5, 15, 12, 0, 0)): {
  now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
} {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms), set: (ms) => (t = ms) };
}
