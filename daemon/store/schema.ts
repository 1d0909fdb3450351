/**
 * The shape of `db.json`. Bump {@link CURRENT_SCHEMA_VERSION} and add a step to `migrations.ts`
 * whenever this shape changes in a way an older file would not satisfy.
 *
 * A stored connection has no field for a key, on purpose: keys live in the vault, in memory or in the
 * environment, and `db.json` can be read, copied or synced without leaking one.
 */
import type {
  CapacityPeriod,
  Connection,
  ModelCapability,
  ModelInfo,
  Provider,
  Settings,
  TestHistoryEntry,
  ToolToken,
  UsageRecord,
} from '../../shared/protocol';

/**
 * A connection as persisted: the public `Connection` without `keyAvailable`, which depends on
 * runtime state. `keyHint`/`keyFingerprint` may be kept so the UI can say which key is meant even
 * when it is not loaded.
 */
export type StoredConnection = Omit<Connection, 'keyAvailable'>;

/**
 * A tool token as persisted: its SHA-256 (hex), never the token. Tokens are 256 random bits, so a
 * plain hash cannot be reversed by guessing; a slow password hash would buy nothing.
 */
export type StoredToolToken = Omit<ToolToken, 'spentUsd'> & { hash: string };

/** One cached model list, per connection. */
export interface ModelCacheEntry {
  models: ModelInfo[];
  /** ISO time of the fetch; compared against `settings.modelsCacheMinutes`. */
  fetchedAt: string;
}

/** A user's own price for a provider's model (`prices/set`); wins over the catalog's. */
export interface PriceOverride {
  provider: string;
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  updatedAt: string;
}

/** A user's own facts for a provider's model (`modelFacts/set`); each field given wins over the catalog's. */
export interface ModelFactsOverride {
  provider: string;
  model: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities?: ModelCapability[];
  updatedAt: string;
}

/** One token bucket of a capacity limit, as last saved: its fill level at `at` (epoch ms). */
export interface BucketState {
  /** Units (requests or tokens) used and not yet refilled; may exceed the limit after a settle (debt). */
  used: number;
  at: number;
  /** The limit the bucket was sized for; a changed limit starts a fresh bucket. */
  limit: number;
}

/** Capacity state of one connection, keyed `<period>:<requests|tokens>`. */
export type ConnectionLimitState = Partial<Record<`${CapacityPeriod}:${'requests' | 'tokens'}`, BucketState>>;

/** Everything in `db.json`. */
export interface DbData {
  schemaVersion: number;
  connections: StoredConnection[];
  /** User-defined providers only; the built-in catalog is code and is never written here. */
  providers: Provider[];
  settings: Settings;
  /**
   * Empty: usage lives in `usage.jsonl` (usage/usageFile.ts), where the ledger moves the rows an older
   * store still holds here. Kept, empty, so an older daemon still reads this file.
   */
  usage: UsageRecord[];
  /** Keyed by connection id. */
  modelCache: Record<string, ModelCacheEntry>;
  /** The user's own model prices. */
  prices: PriceOverride[];
  /** Capacity counters, keyed by connection id, so limits hold across a restart. */
  limits: Record<string, ConnectionLimitState>;
  /** The budget period (`<connectionId>` → period start ISO) for which the 80% warning was sent. */
  budgetWarnings: Record<string, string>;
  /**
   * Tool tokens (`tokens/*`). Optional so that files from before tool tokens need no migration (and
   * an older daemon keeps them): read it as `data.tokens ?? []`.
   */
  tokens?: StoredToolToken[];
  /**
   * The user's own model facts (`modelFacts/*`). Optional, like `tokens`, so older files need no
   * migration: read it as `data.modelFacts ?? []`.
   */
  modelFacts?: ModelFactsOverride[];
  /**
   * The last test results of each connection, oldest first, by connection id (owner:
   * connectionTests/testHistory.ts). Optional, like `tokens`: read it as `data.testHistory ?? {}`.
   */
  testHistory?: Record<string, TestHistoryEntry[]>;
}

/** The schema version this daemon writes. Files with a higher version are refused, never downgraded. */
export const CURRENT_SCHEMA_VERSION = 2;

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
    prices: [],
    limits: {},
    budgetWarnings: {},
  };
}
