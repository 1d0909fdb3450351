/**
 * Each connection's model list, cached in `db.modelCache` for `settings.modelsCacheMinutes`.
 *
 * - Concurrent callers for one connection share one in-flight fetch: a picker opening in three
 *   editors at once costs the provider one request.
 * - In-flight fetches are keyed per connection and nothing is locked globally, so a provider that
 *   hangs delays only the callers of its own connections.
 * - A failed fetch falls back to the last good list, marked `stale` with the reason: a flaky
 *   provider should not empty a model picker that worked a minute ago.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { EmbeddedError, ModelInfo, ModelsListResult, Provider } from '../../shared/protocol';
import type { Logger } from '../log';
import type { ProviderAdapter, ResolvedConnection } from '../providers/adapter';
import { toSwitchboardError } from '../providers/upstreamErrors';
import type { SettingsStore } from '../settings/settingsStore';
import type { Database } from '../store/database';

/** How long `peek` waits before trying again a connection whose list could not be fetched. */
export const RETRY_AFTER_FAILURE_MS = 30_000;

export interface ModelCacheDeps {
  /** Owns the `modelCache` slice; nothing else writes it. */
  db: Database;
  /** Read for `modelsCacheMinutes` on every look, so a change applies at once. */
  settings: Pick<SettingsStore, 'get'>;
  log: Logger;
  adapterFor: (provider: Provider) => ProviderAdapter;
  /** The connection with its key; throws CONNECTION_NOT_FOUND / SECRET_MISSING. */
  resolve: (connectionId: string) => ResolvedConnection;
  /** Clock, for tests of the TTL. */
  now?: () => number;
}

export class ModelCache {
  private readonly inFlight = new Map<string, Promise<ModelsListResult>>();
  /** When a background refresh of a connection last failed (see `peek`). */
  private readonly failedAt = new Map<string, number>();
  /** Aborted by `close()`, so shutdown does not wait on a provider that never answers. */
  private readonly closing = new AbortController();

  constructor(private readonly deps: ModelCacheDeps) {}

  /**
   * The connection's models: from the cache while fresh, else fetched. `refresh` skips the cache
   * (but still joins a fetch already running, which is just as fresh).
   */
  list(connectionId: string, options: { refresh?: boolean } = {}): Promise<ModelsListResult> {
    const cached = this.deps.db.data.modelCache[connectionId];
    if (!options.refresh && cached && this.isFresh(cached.fetchedAt)) {
      return Promise.resolve({ models: cached.models, fetchedAt: cached.fetchedAt, stale: false });
    }
    let pending = this.inFlight.get(connectionId);
    if (!pending) {
      pending = this.fetch(connectionId).finally(() => this.inFlight.delete(connectionId));
      this.inFlight.set(connectionId, pending);
    }
    return pending;
  }

  /**
   * The list cached for the connection right now, fresh or not, without waiting (undefined when none
   * was ever fetched). A list missing or past its TTL is refreshed in the background — one fetch per
   * connection at a time, and not again within {@link RETRY_AFTER_FAILURE_MS} of a failed one — so a
   * later call sees it. For answers that must not wait on a provider (`GET /v1/models`).
   */
  peek(connectionId: string): ModelInfo[] | undefined {
    const cached = this.deps.db.data.modelCache[connectionId];
    if (
      (!cached || !this.isFresh(cached.fetchedAt)) &&
      !this.inFlight.has(connectionId) &&
      !this.failedRecently(connectionId)
    ) {
      this.list(connectionId, { refresh: true }).then(
        (result) => {
          if (result.stale) this.failedAt.set(connectionId, this.now());
        },
        () => this.failedAt.set(connectionId, this.now()),
      );
    }
    return cached?.models;
  }

  /** Stores a list found elsewhere (a connection test), so the next `list` need not ask again. */
  remember(connectionId: string, models: ModelInfo[]): void {
    this.store(connectionId, models, new Date(this.now()).toISOString());
  }

  /** Drops a connection's list (its base URL, key or provider changed: the old list may not apply). */
  forget(connectionId: string): void {
    this.failedAt.delete(connectionId);
    if (!this.deps.db.data.modelCache[connectionId]) return;
    this.deps.db.updateLater((db) => void delete db.modelCache[connectionId]);
  }

  /** Stops fetches in flight (daemon shutdown); their callers get CANCELLED or their stale list. */
  close(): void {
    this.closing.abort(
      new SwitchboardError(ErrorCode.CANCELLED, 'The daemon is shutting down.', {
        hint: 'Start the daemon again and retry.',
      }),
    );
  }

  private async fetch(connectionId: string): Promise<ModelsListResult> {
    let conn: ResolvedConnection | undefined;
    try {
      conn = this.deps.resolve(connectionId);
      const models = await this.deps.adapterFor(conn.provider).listModels(conn, this.closing.signal);
      const fetchedAt = new Date(this.now()).toISOString();
      this.store(connectionId, models, fetchedAt);
      return { models, fetchedAt, stale: false };
    } catch (error) {
      const err =
        error instanceof SwitchboardError
          ? error
          : conn
            ? toSwitchboardError(error, { conn, phase: 'models' })
            : undefined;
      // A connection that does not exist has no list to fall back on; neither does an internal bug.
      if (!err || err.code === ErrorCode.CONNECTION_NOT_FOUND) throw error;
      const last = this.deps.db.data.modelCache[connectionId];
      if (!last) throw err;
      this.deps.log.warn(
        `Could not refresh the models of ${connectionId}; serving the list from ${last.fetchedAt}: ${err.message}`,
        { code: err.code },
      );
      const embedded: EmbeddedError = { ...err.toData(), message: err.message };
      return { models: last.models, fetchedAt: last.fetchedAt, stale: true, error: embedded };
    }
  }

  private failedRecently(connectionId: string): boolean {
    const at = this.failedAt.get(connectionId);
    return at !== undefined && this.now() - at < RETRY_AFTER_FAILURE_MS;
  }

  private store(connectionId: string, models: ModelInfo[], fetchedAt: string): void {
    this.failedAt.delete(connectionId);
    // A list is a cache, not a record worth a transaction: a lost write costs one refetch.
    this.deps.db.updateLater((db) => {
      // The connection may have been deleted while its list was being fetched; do not resurrect it.
      if (!db.connections.some((c) => c.id === connectionId)) return;
      db.modelCache[connectionId] = { models: structuredClone(models), fetchedAt };
    });
  }

  private isFresh(fetchedAt: string): boolean {
    const ttlMs = this.deps.settings.get().modelsCacheMinutes * 60_000;
    const age = this.now() - Date.parse(fetchedAt);
    return age >= 0 && age < ttlMs;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
