/**
 * Secret header values through the connection service, on a real store, vault and audit log: kept
 * in the vault, masked in every response and event, sent upstream for real, never in db.json or the
 * audit log, and gone with their header or connection.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  SECRET_HEADER_MASK as MASK,
  type ConnectionsChangedParams,
  type CreateConnectionParams,
} from '../../../shared/protocol';
import { ConnectionService } from '../../../daemon/connections/service';
import { ProviderCatalog } from '../../../daemon/catalog/providerCatalog';
import { draftToResolved, toResolved } from '../../../daemon/connections/upstream';
import { EventHub } from '../../../daemon/events';
import { Keyring } from '../../../daemon/keys/keyring';
import { redactor } from '../../../daemon/redactor';
import { Vault } from '../../../daemon/keys/vault';
import { silentLogger } from '../../../daemon/log';
import { AuditLog } from '../../../daemon/store/auditLog';
import { Database } from '../../../daemon/store/database';
import { failure } from '../../helpers/failure';

const SECRET = 'Bearer sk-helicone-0123456789abcdefghij';
const OTHER = 'Bearer sk-helicone-zyxwvutsrqponmlkjihg';
const TENANT = 'acme-tenant-7';

let dir: string;
let db: Database;
let vault: Vault;
let providers: ProviderCatalog;
let service: ConnectionService;
let changes: ConnectionsChangedParams[];

async function build(): Promise<void> {
  db = await Database.open(join(dir, 'db.json'), silentLogger, { debounceMs: 5 });
  vault = await Vault.open({
    file: join(dir, 'vault.json'),
    masterKeyFile: join(dir, 'master.key'),
    env: {},
    log: silentLogger,
  });
  const events = new EventHub(() => []);
  events.onConnectionChanged((p) => changes.push(p));
  providers = new ProviderCatalog(db);
  service = new ConnectionService({
    db,
    audit: new AuditLog(join(dir, 'audit.jsonl'), silentLogger),
    vault,
    keyring: new Keyring(vault, {}),
    events,
    providers,
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-secret-headers-'));
  changes = [];
  await build();
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const make = (extra: Partial<CreateConnectionParams> = {}) =>
  service.create(
    {
      name: 'Gateway',
      provider: 'openai',
      apiKey: 'sk-main-key-0123456789',
      headers: { 'X-Team': 'blue', 'Helicone-Auth': SECRET },
      ...extra,
    },
    'test',
  );
const dbText = () => readFile(join(dir, 'db.json'), 'utf8');
const auditText = () => readFile(join(dir, 'audit.jsonl'), 'utf8');
const upstreamHeaders = (id: string) => {
  const stored = service.stored(id);
  return toResolved(
    stored,
    providers.require(stored.provider),
    service.keyFor(stored),
    service.headerSecretsFor(stored),
  ).headers;
};

describe('secret headers on create', () => {
  it('masks the value in the response and the event, lists the name, and sends the real value upstream', async () => {
    const c = await make();
    expect(c.headers).toEqual({ 'X-Team': 'blue', 'Helicone-Auth': MASK });
    expect(c.secretHeaders).toEqual(['Helicone-Auth']);
    expect(JSON.stringify(changes)).not.toContain('sk-helicone');
    expect(service.list()[0]!.headers).toEqual({ 'X-Team': 'blue', 'Helicone-Auth': MASK });
    expect(upstreamHeaders(c.id)).toEqual({ 'X-Team': 'blue', 'Helicone-Auth': SECRET });
  });

  it('keeps the value out of db.json and the audit log, which name the header only', async () => {
    const c = await make();
    const text = await dbText();
    expect(text).not.toContain('sk-helicone');
    expect(JSON.parse(text).connections[0]).toMatchObject({
      headers: { 'Helicone-Auth': MASK },
      secretHeaders: ['Helicone-Auth'],
    });
    expect(vault.get(`${c.id}#header:helicone-auth`)).toBe(SECRET);
    const audit = await auditText();
    expect(audit).not.toContain('sk-helicone');
    expect(JSON.parse(audit.trim()).details.headers).toEqual(['X-Team', 'Helicone-Auth']);
  });

  it('registers the value and the token after its auth scheme with the redactor while it is held', async () => {
    // Looks like no key, so only registration can scrub it.
    const token = 'plainlookingcredential0123';
    const c = await make({ headers: { 'X-Gateway': `Basic ${token}` } });
    expect(redactor.redact(`upstream said: bad credential ${token}`)).not.toContain('plainlooking');
    await service.delete(c.id, 'test');
    expect(redactor.redact(token)).toBe(token);
  });

  it('stores header secrets in the vault for a memory or keyless connection too', async () => {
    const memory = await make({ name: 'Mem', keySource: 'memory' });
    const local = await service.create(
      { name: 'Local', provider: 'ollama', headers: { 'X-Proxy-Token': TENANT } },
      'test',
    );
    expect(vault.get(`${memory.id}#header:helicone-auth`)).toBe(SECRET);
    expect(local.headers).toEqual({ 'X-Proxy-Token': MASK });
    expect(upstreamHeaders(local.id)).toEqual({ 'X-Proxy-Token': TENANT });
  });

  it('treats headers named in secretHeaders as secret', async () => {
    const c = await service.create(
      { name: 'T', provider: 'ollama', headers: { 'X-Tenant': TENANT }, secretHeaders: ['X-Tenant'] },
      'test',
    );
    expect(c.headers).toEqual({ 'X-Tenant': MASK });
    expect(await dbText()).not.toContain(TENANT);
  });

  it('leaves nothing in the vault when the record cannot be created', async () => {
    await make();
    const error = await failure(make({ headers: { 'Helicone-Auth': OTHER } }));
    expect(error.code).toBe(ErrorCode.DUPLICATE_NAME);
    expect(vault.ids().filter((id) => id.includes('#header:'))).toHaveLength(1);
  });
});

describe('secret headers on update', () => {
  it('keeps the stored secret when the mask comes back with other headers edited', async () => {
    const c = await make();
    const updated = await service.update({ id: c.id, headers: { 'X-Team': 'green', 'Helicone-Auth': MASK } }, 'test');
    expect(updated.headers).toEqual({ 'X-Team': 'green', 'Helicone-Auth': MASK });
    expect(upstreamHeaders(c.id)).toEqual({ 'X-Team': 'green', 'Helicone-Auth': SECRET });
    const entry = JSON.parse((await auditText()).trim().split('\n').at(-1)!);
    expect(entry.details).toMatchObject({ fields: ['headers'], headers: ['X-Team'] });
  });

  it('replaces the secret with a new value, audited by name and announced', async () => {
    const c = await make();
    changes.length = 0;
    const updated = await service.update({ id: c.id, headers: { 'X-Team': 'blue', 'Helicone-Auth': OTHER } }, 'test');
    expect(updated.headers!['Helicone-Auth']).toBe(MASK);
    expect(upstreamHeaders(c.id)!['Helicone-Auth']).toBe(OTHER);
    expect(changes.map((e) => e.kind)).toEqual(['updated']);
    const audit = await auditText();
    expect(audit).not.toMatch(/sk-helicone/);
    expect(JSON.parse(audit.trim().split('\n').at(-1)!).details.headers).toEqual(['Helicone-Auth']);
    // The old value is no longer held, so no longer scrubbed; the new one is.
    expect(redactor.redact(OTHER)).not.toContain('zyxwvutsrq');
  });

  it('deletes the vault entry of a removed secret header', async () => {
    const c = await make();
    const updated = await service.update({ id: c.id, headers: { 'X-Team': 'blue' } }, 'test');
    expect(updated.secretHeaders).toBeUndefined();
    expect(vault.ids(`${c.id}#`)).toEqual([]);
    expect(upstreamHeaders(c.id)).toEqual({ 'X-Team': 'blue' });
  });

  it('deletes every header secret on headers: null', async () => {
    const c = await make({ headers: { 'Helicone-Auth': SECRET, 'X-Portkey-Api-Key': 'pk-0123456789' } });
    const updated = await service.update({ id: c.id, headers: null }, 'test');
    expect(updated).not.toHaveProperty('headers');
    expect(updated).not.toHaveProperty('secretHeaders');
    expect(vault.ids(`${c.id}#`)).toEqual([]);
  });

  it('moves an existing plain header into the vault when secretHeaders names it', async () => {
    const c = await make({ headers: { 'X-Tenant': TENANT } });
    const updated = await service.update({ id: c.id, secretHeaders: ['X-Tenant'] }, 'test');
    expect(updated.headers).toEqual({ 'X-Tenant': MASK });
    expect(await dbText()).not.toContain(TENANT);
    expect(upstreamHeaders(c.id)).toEqual({ 'X-Tenant': TENANT });
  });

  it('puts the old secret back when the record write fails', async () => {
    const c = await make();
    await make({ name: 'Taken' });
    const error = await failure(
      service.update({ id: c.id, name: 'taken', headers: { 'Helicone-Auth': OTHER } }, 'test'),
    );
    expect(error.code).toBe(ErrorCode.DUPLICATE_NAME);
    expect(upstreamHeaders(c.id)!['Helicone-Auth']).toBe(SECRET);
  });

  it('refuses the mask for a header that is not stored', async () => {
    const c = await make();
    const error = await failure(service.update({ id: c.id, headers: { 'X-New-Token': MASK } }, 'test'));
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe('headers.X-New-Token');
  });

  it('leaves header secrets alone when only the API key is cleared or rotated', async () => {
    const c = await make();
    await service.update({ id: c.id, apiKey: 'sk-rotated-key-0123456789' }, 'test');
    await service.clearKey(c.id, 'test');
    expect(vault.get(`${c.id}#header:helicone-auth`)).toBe(SECRET);
  });
});

describe('secret headers on delete and upstream', () => {
  it('deletes the connection header secrets with the connection', async () => {
    const c = await make();
    const other = await make({ name: 'Other' });
    const deleted = await service.delete(c.id, 'test');
    expect(deleted.headers).toEqual({ 'X-Team': 'blue', 'Helicone-Auth': MASK });
    expect(vault.ids(`${c.id}#`)).toEqual([]);
    expect(vault.get(`${other.id}#header:helicone-auth`)).toBe(SECRET);
  });

  it('fails with SECRET_MISSING naming the header when its value cannot be read, and leaves it out of a keyless probe', async () => {
    const c = await make();
    const stored = service.stored(c.id);
    const provider = providers.require('openai');
    const error = await failure(
      Promise.resolve().then(() => toResolved(stored, provider, 'sk-main-key-0123456789', new Map())),
    );
    expect(error.code).toBe(ErrorCode.SECRET_MISSING);
    expect(error.message).toContain('"Helicone-Auth"');
    expect(toResolved({ ...stored, keySource: 'none' }, provider, undefined).headers).toEqual({ 'X-Team': 'blue' });
  });

  it('sends a draft header as typed, but never a mask', () => {
    const conn = draftToResolved(
      { provider: 'openai', headers: { 'Helicone-Auth': SECRET, 'X-Gateway-Token': MASK } },
      providers,
    );
    expect(conn.headers).toEqual({ 'Helicone-Auth': SECRET });
  });

  it('keeps header secrets across a restart (vault persisted)', async () => {
    const c = await make();
    await db.close();
    await build();
    expect(upstreamHeaders(c.id)).toEqual({ 'X-Team': 'blue', 'Helicone-Auth': SECRET });
  });
});

describe('the startup pass', () => {
  async function writeOldDb(headers: Record<string, string>, extra: Record<string, unknown> = {}): Promise<void> {
    await db.close();
    const record = {
      id: 'conn_old1',
      name: 'Old',
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      headers,
      timeoutMs: 60000,
      maxRetries: 2,
      isDefault: true,
      keySource: 'none',
      createdAt: '',
      updatedAt: '',
      ...extra,
    };
    const file = {
      schemaVersion: 2,
      connections: [record],
      providers: [],
      settings: { testIntervalHours: 24, modelsCacheMinutes: 60 },
      usage: [],
      modelCache: {},
      prices: [],
      limits: {},
      budgetWarnings: {},
    };
    await writeFile(join(dir, 'db.json'), JSON.stringify(file));
    await writeFile(join(dir, 'db.json.v1.bak'), JSON.stringify({ connections: [record] }));
    await build();
  }

  it('moves plaintext secret values from db.json and its backups into the vault, logging names only', async () => {
    await writeOldDb({ 'X-Team': 'blue', 'Helicone-Auth': SECRET });
    const lines: string[] = [];
    const log = {
      ...silentLogger,
      info: (m: string, f?: Record<string, unknown>) => lines.push(`${m} ${JSON.stringify(f)}`),
      warn: (m: string) => lines.push(m),
    };
    // Before the pass, responses already mask what looks secret.
    expect(service.get('conn_old1').headers).toEqual({ 'X-Team': 'blue', 'Helicone-Auth': MASK });
    await service.secureStoredHeaders(log);
    expect(await dbText()).not.toContain('sk-helicone');
    expect(await readFile(join(dir, 'db.json.v1.bak'), 'utf8')).not.toContain('sk-helicone');
    expect(service.stored('conn_old1')).toMatchObject({
      headers: { 'X-Team': 'blue', 'Helicone-Auth': MASK },
      secretHeaders: ['Helicone-Auth'],
    });
    expect(upstreamHeaders('conn_old1')).toEqual({ 'X-Team': 'blue', 'Helicone-Auth': SECRET });
    expect(lines.join('\n')).toMatch(/Moved 1 secret header value.*Old: Helicone-Auth.*db\.json\.v1\.bak/s);
    expect(lines.join('\n')).not.toContain('sk-helicone');
  });

  it('does nothing to a store with nothing to move, and removes vault entries no connection uses', async () => {
    await writeOldDb({ 'X-Team': 'blue' });
    await vault.set('conn_gone#header:x-token', 'orphaned-0123456789');
    const before = await dbText();
    await service.secureStoredHeaders(silentLogger);
    expect(await dbText()).toBe(before);
    expect(vault.ids()).toEqual([]);
  });
});
