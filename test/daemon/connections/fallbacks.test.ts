/** The connection service's rules for capacity, budget and fallback fields, on a real store. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import type { ConnectionsChangedParams } from '../../../shared/protocol';
import { ConnectionService } from '../../../daemon/connections/service';
import { ProviderCatalog } from '../../../daemon/catalog/providerCatalog';
import { EventHub } from '../../../daemon/events';
import { Keyring } from '../../../daemon/keys/keyring';
import { Vault } from '../../../daemon/keys/vault';
import { silentLogger } from '../../../daemon/log';
import { AuditLog } from '../../../daemon/store/auditLog';
import { Database } from '../../../daemon/store/database';
import { failure } from '../../helpers/failure';

let dir: string;
let db: Database;
let service: ConnectionService;
let changes: ConnectionsChangedParams[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-fallbacks-'));
  db = await Database.open(join(dir, 'db.json'), silentLogger, { debounceMs: 5 });
  const vault = await Vault.open({
    file: join(dir, 'vault.json'),
    masterKeyFile: join(dir, 'master.key'),
    env: {},
    log: silentLogger,
  });
  const events = new EventHub(() => []);
  changes = [];
  events.onConnectionChanged((p) => changes.push(p));
  service = new ConnectionService({
    db,
    audit: new AuditLog(join(dir, 'audit.jsonl'), silentLogger),
    vault,
    keyring: new Keyring(vault, {}),
    events,
    providers: new ProviderCatalog(db),
  });
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const make = (name: string, extra: Record<string, unknown> = {}) =>
  service.create({ name, provider: 'ollama', ...extra }, 'test');

describe('fallbacks on create and update', () => {
  it('stores fallbacks, their models, capacity, queueing and budget', async () => {
    const b = await make('B');
    const a = await make('A', {
      fallbacks: [b.id],
      fallbackModels: { [b.id]: 'llama3.2' },
      capacity: [{ period: 'minute', requests: 60 }],
      onLimit: 'queue',
      maxQueueWaitMs: 5000,
      budget: { period: 'month', amount: 20 },
    });
    expect(service.get(a.id)).toMatchObject({
      fallbacks: [b.id],
      fallbackModels: { [b.id]: 'llama3.2' },
      capacity: [{ period: 'minute', requests: 60 }],
      onLimit: 'queue',
      maxQueueWaitMs: 5000,
      budget: { period: 'month', amount: 20 },
    });
  });

  it('refuses a fallback that is not an existing connection, with VALIDATION on field fallbacks', async () => {
    const error = await failure(make('A', { fallbacks: ['conn_missing'] }));
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe('fallbacks');
    expect(error.message).toBe('fallbacks: no connection has the id "conn_missing".');
    expect(service.list()).toEqual([]);
  });

  it('refuses a connection as its own fallback', async () => {
    const a = await make('A');
    const error = await failure(service.update({ id: a.id, fallbacks: [a.id] }, 'test'));
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.message).toBe('fallbacks: connection "A" cannot be its own fallback.');
    expect(service.get(a.id).fallbacks).toBeUndefined();
  });

  it('refuses the same fallback twice', async () => {
    const b = await make('B');
    const error = await failure(make('A', { fallbacks: [b.id, b.id] }));
    expect(error.data.field).toBe('fallbacks');
    expect(error.message).toBe('fallbacks: "B" is listed twice.');
  });

  it('refuses a fallbackModels entry for a connection that is not a fallback', async () => {
    const b = await make('B');
    const c = await make('C');
    const error = await failure(make('A', { fallbacks: [b.id], fallbackModels: { [c.id]: 'llama3.2' } }));
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe('fallbackModels');
    expect(error.message).toBe('fallbackModels: "C" is not one of the connection\'s fallbacks.');
  });

  it('drops the model of a fallback removed by an update, and clears fields given null', async () => {
    const b = await make('B');
    const c = await make('C');
    const a = await make('A', {
      fallbacks: [b.id, c.id],
      fallbackModels: { [b.id]: 'm1', [c.id]: 'm2' },
      budget: { period: 'day', amount: 1 },
      capacity: [{ period: 'hour', tokens: 1000 }],
    });
    const updated = await service.update({ id: a.id, fallbacks: [c.id], budget: null, capacity: null }, 'test');
    expect(updated.fallbacks).toEqual([c.id]);
    expect(updated.fallbackModels).toEqual({ [c.id]: 'm2' });
    expect(updated.budget).toBeUndefined();
    expect(updated.capacity).toBeUndefined();
    const audit = (await readFile(join(dir, 'audit.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(audit.at(-1)).toMatchObject({
      action: 'update',
      details: { fields: expect.arrayContaining(['fallbacks', 'fallbackModels', 'budget', 'capacity']) },
    });
  });

  it('refuses a fallbackModels key like "__proto__" without touching Object.prototype', async () => {
    const error = await failure(make('A', { fallbackModels: JSON.parse('{"__proto__": "x"}') }));
    expect(error.data.field).toBe('fallbackModels');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('deleting a connection', () => {
  it("takes it out of every other connection's fallbacks and fallbackModels, and tells clients", async () => {
    const b = await make('B');
    const c = await make('C');
    const a = await make('A', { fallbacks: [b.id, c.id], fallbackModels: { [b.id]: 'm1' } });
    const d = await make('D', { fallbacks: [b.id] });
    changes.length = 0;
    await service.delete(b.id, 'test');
    expect(service.get(a.id)).toMatchObject({ fallbacks: [c.id] });
    expect(service.get(a.id).fallbackModels).toBeUndefined();
    expect(service.get(d.id).fallbacks).toBeUndefined();
    expect(changes.map((p) => [p.kind, p.id])).toEqual([
      ['deleted', b.id],
      ['updated', a.id],
      ['updated', d.id],
    ]);
  });

  it('drops its capacity counters and budget-warning mark', async () => {
    const a = await make('A');
    await db.update((data) => {
      data.limits[a.id] = { 'minute:requests': { used: 1, at: 0, limit: 5 } };
      data.budgetWarnings[a.id] = '2025-06-01T00:00:00.000Z';
    });
    await service.delete(a.id, 'test');
    expect(db.data.limits[a.id]).toBeUndefined();
    expect(db.data.budgetWarnings[a.id]).toBeUndefined();
  });
});

describe('discovered capacity', () => {
  it('is forgotten when the base URL changes, since it described another endpoint', async () => {
    const a = await make('A');
    db.updateLater((data) => {
      data.connections.find((x) => x.id === a.id)!.discoveredCapacity = {
        requestsLimit: 10,
        observedAt: '2025-06-01T00:00:00.000Z',
      };
    });
    await service.update({ id: a.id, timeoutMs: 5000 }, 'test');
    expect(service.get(a.id).discoveredCapacity).toMatchObject({ requestsLimit: 10 });
    await service.update({ id: a.id, baseUrl: 'http://127.0.0.1:1/v1' }, 'test');
    expect(service.get(a.id).discoveredCapacity).toBeUndefined();
  });
});
