/**
 * The shape of `db.json`. Bump {@link CURRENT_SCHEMA_VERSION} and add a step to `migrations.ts`
 * whenever this shape changes in a way an older file would not satisfy.
 *
 * A stored connection has no field for a key, on purpose: keys live in the vault, in memory or in the
 * environment, and `db.json` can be read, copied or synced without leaking one.
 */
import type { Connection, ModelInfo, Provider, Settings, UsageRecord } from '../../shared/protocol';

/**
 * A connection as persisted: the public `Connection` without `keyAvailable`, which depends on
 * runtime state. `keyHint`/`keyFingerprint` may be kept so the UI can say which key is meant even
 * when it is not loaded.
 */
export type StoredConnection = Omit<Connection, 'keyAvailable'>;

/** One cached model list, per connection. */
export interface ModelCacheEntry {
  models: ModelInfo[];
  /** ISO time of the fetch; compared against `settings.modelsCacheMinutes`. */
  fetchedAt: string;
}

/** Everything in `db.json`. */
export interface DbData {
  schemaVersion: number;
  connections: StoredConnection[];
  /** User-defined providers only; the built-in catalog is code and is never written here. */
  providers: Provider[];
  settings: Settings;
  usage: UsageRecord[];
  /** Keyed by connection id. */
  modelCache: Record<string, ModelCacheEntry>;
}

/** The schema version this daemon writes. Files with a higher version are refused, never downgraded. */
export const CURRENT_SCHEMA_VERSION = 1;

/** Settings a fresh store starts with (and a migration fills in where missing). */
export function defaultSettings(): Settings {
  return { testIntervalHours: 24, modelsCacheMinutes: 60 };
}

/** A fresh, empty store at the current version. A new object each call: callers may mutate it. */
export function emptyDb(): DbData {
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    connections: [],
    providers: [],
    settings: defaultSettings(),
    usage: [],
    modelCache: {},
  };
}
