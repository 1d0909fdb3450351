/**
 * The connection store's rules: unique names, exactly one default (or none once it is deleted),
 * provider ids from the catalog, keys held by the vault or in memory and never in `db.json`, an
 * audit entry for every change and a `connections/changed` event to every subscribed client.
 */
import { randomBytes } from 'node:crypto';
import type { Connection, CreateConnectionParams, KeySource, ResolveReason, TestResult, UpdateConnectionParams } from '../../shared/protocol';
import type { EventHub } from '../events';
import { keyFingerprint, keyHint } from '../../shared/client/keyMask';
import type { Keyring } from '../keys/keyring';
import type { Vault } from '../keys/vault';
import type { AuditLog } from '../store/auditLog';
import type { Database } from '../store/database';
import type { StoredConnection } from '../store/schema';
import { connectionNotFound, duplicateName, noConnection, validationError } from './errors';
import { checkFallbacks, copyRecord, dropFallback, pruneFallbackModels } from './fallbackRules';
import type { ProviderCatalog } from './providerCatalog';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

export interface ConnectionServiceDeps {
  db: Database;
  audit: AuditLog;
  vault: Vault;
  keyring: Keyring;
  events: EventHub;
  providers: ProviderCatalog;
}

export class ConnectionService {
  constructor(private readonly deps: ConnectionServiceDeps) {}

  /** All connections as clients see them, default first, then by name. */
  list(): Connection[] {
    return [...this.deps.db.data.connections]
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name))
      .map((c) => this.toPublic(c));
  }

  /** Id and name of every connection, unordered: what request routing needs, without the per-key work of {@link list}. */
  names(): Array<{ id: string; name: string }> {
    return this.deps.db.data.connections.map((c) => ({ id: c.id, name: c.name }));
  }

  get(id: string): Connection {
    return this.toPublic(this.stored(id));
  }

  /** The stored record (no key) for daemon-internal use. */
  stored(id: string): StoredConnection {
    const found = this.deps.db.data.connections.find((c) => c.id === id);
    if (!found) throw connectionNotFound(id);
    return found;
  }

  /** The stored connection with this id, or undefined (no error). */
  find(id: string): StoredConnection | undefined {
    return this.deps.db.data.connections.find((c) => c.id === id);
  }

  /** The key a request on this connection would send, if the daemon holds one. */
  keyFor(conn: StoredConnection): string | undefined {
    return this.deps.keyring.resolve(conn);
  }

  async create(params: CreateConnectionParams, actor: string): Promise<Connection> {
    const provider = this.deps.providers.require(params.provider);
    const baseUrl = params.baseUrl ?? provider.defaultBaseUrl;
    if (provider.azure && params.baseUrl === undefined) {
      throw validationError('baseUrl', 'Azure OpenAI needs your resource endpoint.', 'Set baseUrl to https://<your-resource>.openai.azure.com (from the Azure portal, "Keys and Endpoint").');
    }
    const keySource = this.chooseKeySource(params.keySource, params.apiKey, provider.requiresKey);
    const id = `conn_${randomBytes(6).toString('hex')}`;
    const now = new Date().toISOString();

    // The key is stored before the record so that a failed record write can be undone by deleting it.
    await this.storeKey(id, keySource, params.apiKey);
    let created: StoredConnection;
    try {
      created = await this.deps.db.update((db) => {
        this.assertUniqueName(db.connections, params.name);
        const makeDefault = params.isDefault === true || db.connections.length === 0;
        if (makeDefault) for (const c of db.connections) c.isDefault = false;
        const record: StoredConnection = {
          id,
          name: params.name,
          provider: provider.id,
          baseUrl,
          ...(params.defaultModel !== undefined && { defaultModel: params.defaultModel }),
          ...(params.allowedModels !== undefined && { allowedModels: params.allowedModels }),
          ...(params.organization !== undefined && { organization: params.organization }),
          ...(params.apiVersion !== undefined && { apiVersion: params.apiVersion }),
          ...(params.headers !== undefined && { headers: copyHeaders(params.headers) }),
          timeoutMs: params.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          maxRetries: params.maxRetries ?? DEFAULT_MAX_RETRIES,
          isDefault: makeDefault,
          keySource,
          ...(params.capacity !== undefined && { capacity: structuredClone(params.capacity) }),
          ...(params.onLimit !== undefined && { onLimit: params.onLimit }),
          ...(params.maxQueueWaitMs !== undefined && { maxQueueWaitMs: params.maxQueueWaitMs }),
          ...(params.budget !== undefined && { budget: { ...params.budget } }),
          ...(params.fallbacks !== undefined && { fallbacks: [...params.fallbacks] }),
          ...(params.fallbackModels !== undefined && { fallbackModels: copyRecord(params.fallbackModels) }),
          createdAt: now,
          updatedAt: now,
        };
        checkFallbacks(record, db.connections);
        db.connections.push(record);
        return record;
      });
    } catch (error) {
      await this.forgetKey(id);
      throw error;
    }
    const connection = this.toPublic(created);
    await this.deps.audit.append({ client: actor, action: 'create', connectionId: id, name: created.name, details: { provider: created.provider, keySource, ...this.fingerprintDetail(params.apiKey) } });
    this.deps.events.connectionChanged({ kind: 'created', id, connection });
    return connection;
  }

  async update(params: UpdateConnectionParams, actor: string): Promise<Connection> {
    const before = this.stored(params.id);
    const provider = this.deps.providers.require(params.provider ?? before.provider);
    if (provider.azure && params.baseUrl === undefined && !this.deps.providers.find(before.provider)?.azure) {
      throw validationError('baseUrl', 'Azure OpenAI needs your resource endpoint.', 'Send baseUrl = https://<your-resource>.openai.azure.com together with the new provider.');
    }
    const sourceChanges = params.keySource !== undefined && params.keySource !== before.keySource;
    const keySource = params.apiKey !== undefined || sourceChanges ? this.chooseKeySource(params.keySource ?? (before.keySource === 'none' ? undefined : before.keySource), params.apiKey, provider.requiresKey) : before.keySource;
    const oldKey = this.deps.keyring.resolve(before);

    if (params.apiKey !== undefined) await this.storeKey(before.id, keySource, params.apiKey);
    const changed: string[] = [];
    const updated = await this.deps.db.update((db) => {
      const record = db.connections.find((c) => c.id === params.id);
      if (!record) throw connectionNotFound(params.id);
      if (params.name !== undefined && params.name !== record.name) {
        this.assertUniqueName(db.connections.filter((c) => c.id !== record.id), params.name);
      }
      const assign = <K extends keyof StoredConnection>(key: K, value: StoredConnection[K] | null | undefined) => {
        if (value === undefined) return;
        if (value === null) {
          if (record[key] !== undefined) changed.push(key);
          delete record[key];
        } else if (JSON.stringify(record[key]) !== JSON.stringify(value)) {
          changed.push(key);
          record[key] = value;
        }
      };
      assign('name', params.name);
      assign('provider', params.provider);
      assign('baseUrl', params.baseUrl);
      assign('defaultModel', params.defaultModel);
      assign('allowedModels', params.allowedModels);
      assign('organization', params.organization);
      assign('apiVersion', params.apiVersion);
      assign('headers', params.headers === undefined || params.headers === null ? params.headers : copyHeaders(params.headers));
      assign('timeoutMs', params.timeoutMs);
      assign('maxRetries', params.maxRetries);
      assign('keySource', keySource);
      assign('capacity', params.capacity === undefined || params.capacity === null ? params.capacity : structuredClone(params.capacity));
      assign('onLimit', params.onLimit);
      assign('maxQueueWaitMs', params.maxQueueWaitMs);
      assign('budget', params.budget === undefined || params.budget === null ? params.budget : { ...params.budget });
      assign('fallbacks', params.fallbacks === undefined || params.fallbacks === null ? params.fallbacks : [...params.fallbacks]);
      assign('fallbackModels', params.fallbackModels === undefined || params.fallbackModels === null ? params.fallbackModels : copyRecord(params.fallbackModels));
      // Entries for fallbacks just removed go with them, unless the request set fallbackModels itself (then it is checked as sent).
      if (params.fallbackModels === undefined && pruneFallbackModels(record) && !changed.includes('fallbackModels')) changed.push('fallbackModels');
      checkFallbacks(record, db.connections);
      // Limits reported by another endpoint or for another key say nothing about this one.
      if (changed.some((f) => f === 'baseUrl' || f === 'provider') || params.apiKey !== undefined) delete record.discoveredCapacity;
      if (params.isDefault !== undefined && params.isDefault !== record.isDefault) {
        changed.push('isDefault');
        for (const c of db.connections) c.isDefault = false;
        record.isDefault = params.isDefault;
      }
      if (params.apiKey !== undefined) changed.push('apiKey');
      if (changed.length > 0) record.updatedAt = new Date().toISOString();
      return { ...record };
    });
    // A key that moved out of the vault must not linger there.
    if (before.keySource === 'vault' && keySource !== 'vault') await this.deps.vault.delete(before.id);
    if (before.keySource === 'memory' && keySource !== 'memory') this.deps.keyring.clearMemory(before.id);

    const connection = this.toPublic(updated);
    if (changed.length > 0) {
      const rotated = params.apiKey !== undefined;
      await this.deps.audit.append({
        client: actor,
        action: rotated ? 'rotateKey' : 'update',
        connectionId: updated.id,
        name: updated.name,
        details: { fields: changed, ...(rotated && { fingerprintBefore: oldKey ? keyFingerprint(oldKey) : null, fingerprintAfter: keyFingerprint(params.apiKey!) }) },
      });
      this.deps.events.connectionChanged({ kind: changed.includes('isDefault') ? 'defaultChanged' : rotated ? 'keyChanged' : 'updated', id: updated.id, connection });
    }
    return connection;
  }

  async delete(id: string, actor: string): Promise<Connection> {
    const { removed, rechained } = await this.deps.db.update((db) => {
      const index = db.connections.findIndex((c) => c.id === id);
      if (index < 0) throw connectionNotFound(id);
      const [record] = db.connections.splice(index, 1);
      delete db.modelCache[id];
      delete db.limits[id];
      delete db.budgetWarnings[id];
      // No chain may name a connection that is gone.
      const now = new Date().toISOString();
      const touched: StoredConnection[] = [];
      for (const other of db.connections) {
        if (!dropFallback(other, id)) continue;
        other.updatedAt = now;
        touched.push({ ...other });
      }
      return { removed: record!, rechained: touched };
    });
    const { keyHint: _hint, keyFingerprint: _fingerprint, ...rest } = this.toPublic(removed);
    const connection: Connection = { ...rest, keyAvailable: false };
    await this.forgetKey(id);
    await this.deps.audit.append({ client: actor, action: 'delete', connectionId: id, name: removed.name, ...(rechained.length > 0 && { details: { removedFromFallbacksOf: rechained.map((c) => c.id) } }) });
    this.deps.events.connectionChanged({ kind: 'deleted', id, connection });
    for (const other of rechained) this.deps.events.connectionChanged({ kind: 'updated', id: other.id, connection: this.toPublic(other) });
    return connection;
  }

  async setDefault(id: string, actor: string): Promise<Connection> {
    const updated = await this.deps.db.update((db) => {
      const record = db.connections.find((c) => c.id === id);
      if (!record) throw connectionNotFound(id);
      for (const c of db.connections) c.isDefault = c.id === id;
      return { ...record };
    });
    const connection = this.toPublic(updated);
    await this.deps.audit.append({ client: actor, action: 'setDefault', connectionId: id, name: updated.name });
    this.deps.events.connectionChanged({ kind: 'defaultChanged', id, connection });
    return connection;
  }

  /** Which connection a request uses: the one it names → the workspace's choice → the default. */
  resolve(explicitId?: string, workspaceId?: string): { connection: StoredConnection; reason: ResolveReason } {
    if (explicitId !== undefined) return { connection: this.stored(explicitId), reason: 'explicit' };
    // A workspace's choice can outlive its connection (deleted from another window or tool): fall through to the default.
    const chosen = workspaceId === undefined ? undefined : this.deps.db.data.connections.find((c) => c.id === workspaceId);
    if (chosen) return { connection: chosen, reason: 'workspace' };
    const def = this.deps.db.data.connections.find((c) => c.isDefault);
    if (!def) throw noConnection();
    return { connection: def, reason: 'default' };
  }

  /** Holds a key pushed by a client (VS Code SecretStorage) in memory; the connection's source becomes `memory`. */
  async setMemoryKey(connectionId: string, apiKey: string, actor: string): Promise<Connection> {
    const before = this.stored(connectionId);
    const oldKey = this.deps.keyring.resolve(before);
    this.deps.keyring.setMemory(connectionId, apiKey);
    let record = before;
    if (before.keySource !== 'memory') {
      record = await this.deps.db.update((db) => {
        const r = db.connections.find((c) => c.id === connectionId);
        if (!r) throw connectionNotFound(connectionId);
        r.keySource = 'memory';
        r.updatedAt = new Date().toISOString();
        return { ...r };
      });
      if (before.keySource === 'vault') await this.deps.vault.delete(connectionId);
    }
    const connection = this.toPublic(record);
    // Re-sending the same key on every reconnect is routine, not a change worth an audit line.
    if (oldKey !== apiKey) {
      await this.deps.audit.append({ client: actor, action: 'setKey', connectionId, name: record.name, details: { keySource: 'memory', fingerprintBefore: oldKey ? keyFingerprint(oldKey) : null, fingerprintAfter: keyFingerprint(apiKey) } });
      this.deps.events.connectionChanged({ kind: 'keyChanged', id: connectionId, connection });
    }
    return connection;
  }

  /** Forgets a connection's key wherever the daemon keeps it. */
  async clearKey(connectionId: string, actor: string): Promise<Connection> {
    const record = this.stored(connectionId);
    await this.forgetKey(connectionId);
    const connection = this.toPublic(record);
    await this.deps.audit.append({ client: actor, action: 'clearKey', connectionId, name: record.name });
    this.deps.events.connectionChanged({ kind: 'keyChanged', id: connectionId, connection });
    return connection;
  }

  /** Stores a test result on the connection and tells subscribed clients. */
  async recordTest(id: string, result: TestResult): Promise<Connection | undefined> {
    const updated = await this.deps.db.update((db) => {
      const record = db.connections.find((c) => c.id === id);
      if (!record) return undefined; // deleted while the test ran
      record.lastTest = result;
      return { ...record };
    });
    if (!updated) return undefined;
    this.deps.events.connectionTested({ id, result });
    return this.toPublic(updated);
  }

  /** The connection as every response shows it: key hint and fingerprint, never the key. */
  toPublic(record: StoredConnection): Connection {
    const key = this.deps.keyring.resolve(record);
    const { keyHint: _storedHint, keyFingerprint: _storedFp, ...rest } = record;
    return {
      ...structuredClone(rest),
      ...(key !== undefined && { keyHint: keyHint(key), keyFingerprint: keyFingerprint(key) }),
      keyAvailable: record.keySource === 'none' || key !== undefined,
    };
  }

  private chooseKeySource(requested: KeySource | undefined, apiKey: string | undefined, requiresKey: boolean): KeySource {
    if (apiKey !== undefined) {
      if (requested === undefined || requested === 'vault' || requested === 'memory') return requested ?? 'vault';
      throw validationError('keySource', `an apiKey cannot be stored with keySource "${requested}".`, 'Omit apiKey to read the key from the environment, or use keySource "vault" (stored encrypted by the daemon) or "memory".');
    }
    return requested ?? (requiresKey ? 'vault' : 'none');
  }

  private async storeKey(id: string, source: KeySource, apiKey: string | undefined): Promise<void> {
    if (apiKey === undefined) return;
    if (source === 'vault') await this.deps.vault.set(id, apiKey);
    else if (source === 'memory') this.deps.keyring.setMemory(id, apiKey);
  }

  private async forgetKey(id: string): Promise<void> {
    this.deps.keyring.clearMemory(id);
    if (this.deps.vault.has(id)) await this.deps.vault.delete(id);
  }

  private assertUniqueName(existing: readonly StoredConnection[], name: string): void {
    const wanted = name.toLocaleLowerCase();
    if (existing.some((c) => c.name.toLocaleLowerCase() === wanted)) throw duplicateName(name);
  }

  private fingerprintDetail(apiKey: string | undefined): Record<string, string> {
    return apiKey === undefined ? {} : { fingerprint: keyFingerprint(apiKey) };
  }
}

/** Copies user headers into a prototype-free object, so no header name can reach Object.prototype. */
function copyHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  return out;
}
