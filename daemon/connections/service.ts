/**
 * The connection store's rules: unique names, exactly one default (or none once it is deleted),
 * provider ids from the catalog, keys held by the vault or in memory and never in `db.json` (nor are
 * secret header values: see headerPlan.ts), an audit entry for every change and a
 * `connections/changed` event to every subscribed client.
 */
import { randomBytes } from 'node:crypto';
import type { SwitchboardError } from '../../shared/errors';
import { definedOnly, type Loose } from '../../shared/definedOnly';
import type {
  GenerationDefaults,
  Connection,
  CreateConnectionParams,
  KeySource,
  ResolveReason,
  TestResult,
  TestTrigger,
  UpdateConnectionParams,
} from '../../shared/protocol';
import type { EventHub } from '../events';
import { keyFingerprint, keyHint } from '../../shared/rules/keyMask';
import { ID_SHAPED_NAME_PROBLEM, looksLikeConnectionId } from '../../shared/rules/connectionRef';
import type { Keyring } from '../keys/keyring';
import type { Vault } from '../keys/vault';
import type { Logger } from '../log';
import type { AuditLog } from '../store/auditLog';
import type { Database } from '../store/database';
import type { StoredConnection } from '../store/schema';
import { connectionDisabled, connectionNotFound, duplicateName, noConnection, validationError } from './errors';
import { checkFallbacks, copyRecord, dropFallback, pruneFallbackModels } from './fallbackRules';
import { checkDefaultModelAllowed } from './modelRules';
import { needsKey, planAws, sessionTokenVaultId, type AwsPlan } from './awsSettings';
import { secureStoredHeaders } from './headerMigration';
import { refuseSelfLoop } from './selfLoop';
import { planHeaders, type HeaderPlan } from './headerPlan';
import { HeaderSecrets } from './headerSecrets';
import { hostMove } from './hostBinding';
import { publicHeaders } from './secretHeaders';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, toResolved } from './upstream';
import type { ResolvedConnection } from '../providers/adapter';

export interface ConnectionServiceDeps {
  db: Database;
  audit: AuditLog;
  vault: Vault;
  keyring: Keyring;
  events: EventHub;
  providers: ProviderCatalog;
  /** The TCP ports the daemon listens on: a base URL leading back to one is refused (selfLoop.ts). */
  ownPorts?: () => readonly number[];
}

/** How often a connection's `lastUsedAt` is written at most. */
const MARK_USED_EVERY_MS = 1_000;

export class ConnectionService {
  private readonly headerSecrets: HeaderSecrets;
  /** When {@link markUsed} last wrote each connection's `lastUsedAt` (epoch ms). */
  private readonly markedAt = new Map<string, number>();

  constructor(private readonly deps: ConnectionServiceDeps) {
    this.headerSecrets = new HeaderSecrets(deps.vault);
  }

  /** Startup: moves secret header values a db.json from before secret headers still holds in plain text into the vault. */
  secureStoredHeaders(log: Logger): Promise<void> {
    return secureStoredHeaders({ db: this.deps.db, secrets: this.headerSecrets, log });
  }

  /** All connections as clients see them, default first, then by name. */
  list(): Connection[] {
    return [...this.deps.db.data.connections]
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name))
      .map((c) => this.toPublic(c));
  }

  /** Id and name of every connection, unordered: what request routing needs, without the per-key work of {@link list}. */
  names(): ReadonlyArray<{ readonly id: string; readonly name: string }> {
    // The stored records themselves (read-only here): no copy per request.
    return this.deps.db.data.connections;
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

  /** Every stored record (no key), for daemon-internal walks such as the test scheduler's. */
  storedAll(): readonly StoredConnection[] {
    return this.deps.db.data.connections;
  }

  /** The stored connection with this id, or undefined (no error). */
  find(id: string): StoredConnection | undefined {
    return this.deps.db.data.connections.find((c) => c.id === id);
  }

  /** The key a request on this connection would send, if the daemon holds one. */
  keyFor(conn: StoredConnection): string | undefined {
    return this.deps.keyring.resolve(conn);
  }

  /** The real values of the connection's secret headers, by lowercased name (for `toResolved`); unreadable ones are absent. */
  headerSecretsFor(conn: StoredConnection): Map<string, string> {
    return this.headerSecrets.valuesFor(conn);
  }

  /**
   * What an adapter needs to call this connection's upstream: its provider, key and secret header
   * values. Throws SECRET_MISSING when a key or secret header the request needs is not available.
   */
  upstreamFor(conn: StoredConnection): ResolvedConnection {
    return toResolved(
      conn,
      this.deps.providers.require(conn.provider),
      this.keyFor(conn),
      this.headerSecretsFor(conn),
      this.sessionTokenFor(conn),
    );
  }

  /** How many connections there are. */
  count(): number {
    return this.deps.db.data.connections.length;
  }

  async create(params: CreateConnectionParams, actor: string): Promise<Connection> {
    assertNameNotIdShaped(params.name);
    const provider = this.deps.providers.require(params.provider);
    const baseUrl = params.baseUrl ?? provider.defaultBaseUrl;
    if (provider.azure && params.baseUrl === undefined) {
      throw validationError(
        'baseUrl',
        'Azure OpenAI needs your resource endpoint.',
        'Set baseUrl to https://<your-resource>.openai.azure.com (from the Azure portal, "Keys and Endpoint").',
      );
    }
    await refuseSelfLoop(baseUrl, this.deps.ownPorts?.() ?? []);
    const aws = planAws(provider, undefined, params.aws);
    if (aws.settings?.auth === 'profile' && params.apiKey !== undefined) throw profileWithKey();
    const keySource = this.chooseKeySource(params.keySource, params.apiKey, needsKey(provider, aws.settings));
    const headers = planHeaders(undefined, params.headers, params.secretHeaders, () => undefined);
    const id = `conn_${randomBytes(6).toString('hex')}`;
    const now = new Date().toISOString();

    // The key and secret headers are stored before the record so that a failed record write can be undone by deleting them.
    let created: StoredConnection;
    try {
      await this.storeKey(id, keySource, params.apiKey);
      if (typeof aws.sessionToken === 'string') await this.deps.vault.set(sessionTokenVaultId(id), aws.sessionToken);
      if (headers) await this.headerSecrets.store(id, headers.store);
      created = await this.deps.db.update((db) => {
        this.assertUniqueName(db.connections, params.name);
        const makeDefault = params.isDefault === true || db.connections.length === 0;
        if (makeDefault) for (const c of db.connections) c.isDefault = false;
        const record: StoredConnection = {
          id,
          name: params.name,
          ...(params.description !== undefined && params.description !== '' && { description: params.description }),
          // Only "off" is written: a record without the field is on.
          ...(params.enabled === false && { enabled: false }),
          ...(params.generationDefaults !== undefined &&
            hasDefaults(params.generationDefaults) && { generationDefaults: definedOnly(params.generationDefaults) }),
          provider: provider.id,
          baseUrl,
          ...(params.defaultModel !== undefined && { defaultModel: params.defaultModel }),
          ...(params.allowedModels !== undefined && { allowedModels: params.allowedModels }),
          ...(params.organization !== undefined && { organization: params.organization }),
          ...(params.apiVersion !== undefined && { apiVersion: params.apiVersion }),
          ...(headers?.headers !== undefined && { headers: headers.headers }),
          ...(headers?.secretHeaders !== undefined && { secretHeaders: headers.secretHeaders }),
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
          ...(aws.settings !== undefined && { aws: aws.settings }),
          createdAt: now,
          updatedAt: now,
        };
        checkDefaultModelAllowed(record, 'defaultModel');
        checkFallbacks(record, db.connections);
        db.connections.push(record);
        return record;
      });
    } catch (error) {
      await this.forgetKey(id);
      await this.headerSecrets.forgetAll(id);
      await this.forgetSessionToken(id);
      throw error;
    }
    const connection = this.toPublic(created);
    const headerNames = headers?.headers ? Object.keys(headers.headers) : [];
    await this.deps.audit.append({
      client: actor,
      action: 'create',
      connectionId: id,
      name: created.name,
      details: {
        provider: created.provider,
        keySource,
        ...this.fingerprintDetail(params.apiKey),
        ...(headerNames.length > 0 && { headers: headerNames }),
      },
    });
    this.deps.events.connectionChanged({ kind: 'created', id, connection });
    return connection;
  }

  async update(params: UpdateConnectionParams, actor: string): Promise<Connection> {
    const before = this.stored(params.id);
    const provider = this.deps.providers.require(params.provider ?? before.provider);
    if (provider.azure && params.baseUrl === undefined && !this.deps.providers.find(before.provider)?.azure) {
      throw validationError(
        'baseUrl',
        'Azure OpenAI needs your resource endpoint.',
        'Send baseUrl = https://<your-resource>.openai.azure.com together with the new provider.',
      );
    }
    if (params.baseUrl !== undefined) await refuseSelfLoop(params.baseUrl, this.deps.ownPorts?.() ?? []);
    const aws = planAws(provider, before, params.aws);
    if (aws.settings?.auth === 'profile' && params.apiKey !== undefined) throw profileWithKey();
    const requiresKey = needsKey(provider, aws.settings);
    const sourceChanges = params.keySource !== undefined && params.keySource !== before.keySource;
    let keySource =
      params.apiKey !== undefined || sourceChanges
        ? this.chooseKeySource(
            params.keySource ?? (before.keySource === 'none' ? undefined : before.keySource),
            params.apiKey,
            requiresKey,
          )
        : before.keySource;
    // A Bedrock connection moving to a profile keeps no key; one moving off a profile needs one again.
    if (aws.settings?.auth === 'profile') keySource = 'none';
    else if (aws.settings && keySource === 'none') keySource = 'vault';
    const oldKey = this.deps.keyring.resolve(before);
    const headers = planHeaders(before, params.headers, params.secretHeaders, (name) =>
      this.headerSecrets.get(before.id, name),
    );
    // Another origin: the credentials stored for the old one stay behind (see hostBinding.ts).
    const moved = hostMove(before.baseUrl, params.baseUrl);
    const binding = moved ? this.unbindFromHost(before, params, keySource, headers, provider.requiresKey) : undefined;
    if (binding?.keySource) keySource = binding.keySource;

    // New secret header values first, so that a failed record write can put the old ones back.
    const undoHeaders = headers ? await this.headerSecrets.store(before.id, headers.store) : undefined;
    const changed: string[] = [];
    let updated: StoredConnection;
    try {
      if (params.apiKey !== undefined) await this.storeKey(before.id, keySource, params.apiKey);
      updated = await this.recordUpdate(params, keySource, headers, changed, binding?.secretHeaders ?? [], aws);
      if (typeof aws.sessionToken === 'string')
        await this.deps.vault.set(sessionTokenVaultId(before.id), aws.sessionToken);
      else if (aws.sessionToken === null) await this.forgetSessionToken(before.id);
    } catch (error) {
      await undoHeaders?.().catch(() => undefined);
      throw error;
    }
    if (headers) await this.headerSecrets.forget(before.id, headers.forget);
    if (binding?.dropKey) {
      // Whatever source held it: the key for the old host must not be sent to the new one.
      if (this.deps.vault.has(before.id)) await this.deps.vault.delete(before.id);
      this.deps.keyring.clearMemory(before.id);
      changed.push('apiKey');
    }
    if (binding && binding.secretHeaders.length > 0)
      await this.headerSecrets.forget(
        before.id,
        binding.secretHeaders.map((n) => n.toLowerCase()),
      );
    // A key that moved out of the vault must not linger there.
    if (before.keySource === 'vault' && keySource !== 'vault') await this.deps.vault.delete(before.id);
    if (before.keySource === 'memory' && keySource !== 'memory') this.deps.keyring.clearMemory(before.id);

    const connection = this.toPublic(updated);
    if (changed.length > 0) {
      const rotated = params.apiKey !== undefined;
      const dropped = binding && (binding.dropKey || binding.secretHeaders.length > 0);
      await this.deps.audit.append({
        client: actor,
        action: rotated ? 'rotateKey' : 'update',
        connectionId: updated.id,
        name: updated.name,
        details: {
          fields: changed,
          // Header names only: a value, secret or not, never goes into the audit log.
          ...(headers && headers.changed.length > 0 && { headers: headers.changed }),
          ...(rotated && {
            fingerprintBefore: oldKey ? keyFingerprint(oldKey) : null,
            fingerprintAfter: keyFingerprint(params.apiKey!),
          }),
          ...(moved && { originBefore: moved.from, originAfter: moved.to }),
          ...(binding?.dropKey && { keyDropped: true, ...(oldKey && { fingerprintBefore: keyFingerprint(oldKey) }) }),
          ...(binding && binding.secretHeaders.length > 0 && { secretHeadersDropped: binding.secretHeaders }),
        },
      });
      this.deps.events.connectionChanged({
        kind: changed.includes('isDefault') ? 'defaultChanged' : rotated || dropped ? 'keyChanged' : 'updated',
        id: updated.id,
        connection,
      });
    }
    return connection;
  }

  /**
   * What a move to another origin leaves behind: the key unless the request brings one (an apiKey,
   * or a keySource naming an environment variable), and every secret header value the request does
   * not give anew. An `env:` key source falls back to an empty vault (or `none`), as the variable
   * was meant for the old host.
   */
  private unbindFromHost(
    before: StoredConnection,
    params: UpdateConnectionParams,
    keySource: KeySource,
    headers: HeaderPlan | undefined,
    requiresKey: boolean,
  ): { dropKey: boolean; keySource?: KeySource; secretHeaders: string[] } {
    const bringsKey =
      params.apiKey !== undefined || (params.keySource !== undefined && params.keySource.startsWith('env:'));
    const hadKey =
      this.deps.keyring.resolve(before) !== undefined || this.deps.vault.has(before.id) || keySource.startsWith('env:');
    const dropKey = !bringsKey && hadKey;
    const newSource: KeySource | undefined =
      dropKey && keySource.startsWith('env:') ? (requiresKey ? 'vault' : 'none') : undefined;
    const secretAfter = headers ? (headers.secretHeaders ?? []) : (before.secretHeaders ?? []);
    const fresh = headers?.store ?? new Map<string, string>();
    const secretHeaders = secretAfter.filter((name) => !fresh.has(name.toLowerCase()));
    return { dropKey, ...(newSource && { keySource: newSource }), secretHeaders };
  }

  /**
   * The record write of `update`: applies the fields and lists in `changed` the ones that changed.
   * `dropHeaders` are secret headers whose values stay with the old host: they leave the record.
   */
  private recordUpdate(
    params: UpdateConnectionParams,
    keySource: KeySource,
    headers: HeaderPlan | undefined,
    changed: string[],
    dropHeaders: readonly string[],
    aws: AwsPlan,
  ): Promise<StoredConnection> {
    return this.deps.db.update((db) => {
      const record = db.connections.find((c) => c.id === params.id);
      if (!record) throw connectionNotFound(params.id);
      if (params.name !== undefined && params.name !== record.name) {
        // A name stored before this rule may stay as it is; a new one may not look like an id.
        assertNameNotIdShaped(params.name);
        this.assertUniqueName(
          db.connections.filter((c) => c.id !== record.id),
          params.name,
        );
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
      assign('description', params.description === '' ? null : params.description);
      if (params.enabled !== undefined && params.enabled !== (record.enabled !== false)) {
        changed.push('enabled');
        if (params.enabled) delete record.enabled;
        else record.enabled = false;
      }
      const defaults = params.generationDefaults;
      assign(
        'generationDefaults',
        defaults === undefined || defaults === null ? defaults : hasDefaults(defaults) ? definedOnly(defaults) : null,
      );
      assign('provider', params.provider);
      assign('baseUrl', params.baseUrl);
      assign('defaultModel', params.defaultModel);
      assign('allowedModels', params.allowedModels);
      assign('organization', params.organization);
      assign('apiVersion', params.apiVersion);
      assign('aws', aws.settings ?? null);
      if (aws.sessionToken !== undefined && !changed.includes('aws')) changed.push('aws');
      if (headers) {
        assign('headers', headers.headers ?? null);
        assign('secretHeaders', headers.secretHeaders ?? null);
        // A new secret value leaves the stored mask as it was: the change is still one.
        if (headers.changed.length > 0 && !changed.includes('headers')) changed.push('headers');
      }
      if (dropHeaders.length > 0) {
        const drop = new Set(dropHeaders.map((n) => n.toLowerCase()));
        const kept = Object.entries(record.headers ?? {}).filter(([name]) => !drop.has(name.toLowerCase()));
        const secrets = (record.secretHeaders ?? []).filter((name) => !drop.has(name.toLowerCase()));
        if (kept.length > 0) record.headers = Object.fromEntries(kept);
        else delete record.headers;
        if (secrets.length > 0) record.secretHeaders = secrets;
        else delete record.secretHeaders;
        if (!changed.includes('headers')) changed.push('headers');
      }
      assign('timeoutMs', params.timeoutMs);
      assign('maxRetries', params.maxRetries);
      assign('keySource', keySource);
      assign(
        'capacity',
        params.capacity === undefined || params.capacity === null ? params.capacity : structuredClone(params.capacity),
      );
      assign('onLimit', params.onLimit);
      assign('maxQueueWaitMs', params.maxQueueWaitMs);
      assign('budget', params.budget === undefined || params.budget === null ? params.budget : { ...params.budget });
      assign(
        'fallbacks',
        params.fallbacks === undefined || params.fallbacks === null ? params.fallbacks : [...params.fallbacks],
      );
      assign(
        'fallbackModels',
        params.fallbackModels === undefined || params.fallbackModels === null
          ? params.fallbackModels
          : copyRecord(params.fallbackModels),
      );
      // Entries for fallbacks just removed go with them, unless the request set fallbackModels itself (then it is checked as sent).
      if (params.fallbackModels === undefined && pruneFallbackModels(record) && !changed.includes('fallbackModels'))
        changed.push('fallbackModels');
      if (changed.includes('defaultModel') || changed.includes('allowedModels')) {
        checkDefaultModelAllowed(record, changed.includes('defaultModel') ? 'defaultModel' : 'allowedModels');
      }
      checkFallbacks(record, db.connections);
      // Limits reported by another endpoint or for another key say nothing about this one.
      if (changed.some((f) => f === 'baseUrl' || f === 'provider') || params.apiKey !== undefined)
        delete record.discoveredCapacity;
      if (params.isDefault !== undefined && params.isDefault !== record.isDefault) {
        changed.push('isDefault');
        for (const c of db.connections) c.isDefault = false;
        record.isDefault = params.isDefault;
      }
      if (params.apiKey !== undefined) changed.push('apiKey');
      if (changed.length > 0) record.updatedAt = new Date().toISOString();
      return { ...record };
    });
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
    await this.headerSecrets.forgetAll(id);
    await this.forgetSessionToken(id);
    await this.deps.audit.append({
      client: actor,
      action: 'delete',
      connectionId: id,
      name: removed.name,
      ...(rechained.length > 0 && { details: { removedFromFallbacksOf: rechained.map((c) => c.id) } }),
    });
    this.deps.events.connectionChanged({ kind: 'deleted', id, connection });
    for (const other of rechained)
      this.deps.events.connectionChanged({ kind: 'updated', id: other.id, connection: this.toPublic(other) });
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
    if (explicitId !== undefined) {
      const named = this.stored(explicitId);
      // Named outright: saying it is off beats quietly answering from another connection.
      if (!isEnabled(named)) throw connectionDisabled(named);
      return { connection: named, reason: 'explicit' };
    }
    // A workspace's choice can outlive its connection (deleted from another window or tool) or be
    // switched off: fall through to the default.
    const chosen =
      workspaceId === undefined ? undefined : this.deps.db.data.connections.find((c) => c.id === workspaceId);
    if (chosen && isEnabled(chosen)) return { connection: chosen, reason: 'workspace' };
    const def = this.deps.db.data.connections.find((c) => c.isDefault);
    if (!def) throw noConnection();
    if (!isEnabled(def)) throw connectionDisabled(def, 'default');
    return { connection: def, reason: 'default' };
  }

  /**
   * Notes that a request went to the connection now. A hot counter, written with the usage
   * (`updateLater`): no audit line, no event, no `updatedAt` change — using is not editing. At most
   * once a second per connection: a busy connection's time stays within a second of its last use.
   */
  markUsed(id: string): void {
    const now = Date.now();
    const last = this.markedAt.get(id);
    if (last !== undefined && now - last < MARK_USED_EVERY_MS && now >= last) return;
    this.markedAt.set(id, now);
    const at = new Date(now).toISOString();
    this.deps.db.updateLater((db) => {
      const record = db.connections.find((c) => c.id === id);
      if (record) record.lastUsedAt = at;
    });
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
      await this.deps.audit.append({
        client: actor,
        action: 'setKey',
        connectionId,
        name: record.name,
        details: {
          keySource: 'memory',
          fingerprintBefore: oldKey ? keyFingerprint(oldKey) : null,
          fingerprintAfter: keyFingerprint(apiKey),
        },
      });
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

  /**
   * Stores a test result on the connection and tells subscribed clients; when the result changes the
   * connection's status (green, yellow, red) it also sends `connections/statusChanged`, once.
   */
  async recordTest(id: string, result: TestResult, trigger: TestTrigger = 'manual'): Promise<Connection | undefined> {
    const done = await this.deps.db.update((db) => {
      const record = db.connections.find((c) => c.id === id);
      if (!record) return undefined; // deleted while the test ran
      const previous = record.lastTest?.status;
      record.lastTest = result;
      return { record: { ...record }, previous };
    });
    if (!done) return undefined;
    const { record, previous } = done;
    this.deps.events.connectionTested({ id, result, trigger });
    if (previous !== result.status) {
      this.deps.events.connectionStatusChanged({
        id,
        name: record.name,
        ...(previous && { previous }),
        status: result.status,
        trigger,
        result,
      });
    }
    return this.toPublic(record);
  }

  /** The connection as every response shows it: key hint and fingerprint, never the key; secret header values masked. */
  toPublic(record: StoredConnection): Connection {
    const key = this.deps.keyring.resolve(record);
    const { keyHint: _storedHint, keyFingerprint: _storedFp, headers, secretHeaders, ...rest } = record;
    return {
      ...structuredClone(rest),
      ...publicHeaders(headers, secretHeaders),
      ...(key !== undefined && { keyHint: keyHint(key), keyFingerprint: keyFingerprint(key) }),
      enabled: isEnabled(record),
      keyAvailable: record.keySource === 'none' || key !== undefined,
    };
  }

  private chooseKeySource(
    requested: KeySource | undefined,
    apiKey: string | undefined,
    requiresKey: boolean,
  ): KeySource {
    if (apiKey !== undefined) {
      if (requested === undefined || requested === 'vault' || requested === 'memory') return requested ?? 'vault';
      throw validationError(
        'keySource',
        `an apiKey cannot be stored with keySource "${requested}".`,
        'Omit apiKey to read the key from the environment, or use keySource "vault" (stored encrypted by the daemon) or "memory".',
      );
    }
    return requested ?? (requiresKey ? 'vault' : 'none');
  }

  private async storeKey(id: string, source: KeySource, apiKey: string | undefined): Promise<void> {
    if (apiKey === undefined) return;
    if (source === 'vault') await this.deps.vault.set(id, apiKey);
    else if (source === 'memory') this.deps.keyring.setMemory(id, apiKey);
  }

  /** The session token of a Bedrock connection's temporary credentials, when the vault holds one. */
  sessionTokenFor(conn: StoredConnection): string | undefined {
    return conn.aws?.hasSessionToken ? this.deps.vault.get(sessionTokenVaultId(conn.id)) : undefined;
  }

  private async forgetSessionToken(id: string): Promise<void> {
    if (this.deps.vault.has(sessionTokenVaultId(id))) await this.deps.vault.delete(sessionTokenVaultId(id));
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

/** Whether a connection is switched on (a record without `enabled` is). */
export function isEnabled(conn: { enabled?: boolean }): boolean {
  return conn.enabled !== false;
}

/** Defaults with at least one value set; `{}` means "none" and is not stored. */
function hasDefaults(defaults: Loose<GenerationDefaults>): boolean {
  return defaults.temperature !== undefined || defaults.maxTokens !== undefined;
}

function profileWithKey(): SwitchboardError {
  return validationError(
    'apiKey',
    'a Bedrock connection with auth "profile" takes its credentials from the AWS profile, not from a key.',
    'Leave apiKey out, or use auth "accessKeys" (apiKey = the secret access key) or "apiKey" (a Bedrock API key).',
  );
}

/** New names must not look like ids: `remove conn_…` must never find one connection by name and another by id. */
function assertNameNotIdShaped(name: string): void {
  if (looksLikeConnectionId(name))
    throw validationError(
      'name',
      `"${name}" ${ID_SHAPED_NAME_PROBLEM}.`,
      'Choose a name that is not "conn_" followed by hex digits, e.g. "work-2". Commands accept a connection\'s id as well as its name, so no name needs to look like one.',
    );
}
