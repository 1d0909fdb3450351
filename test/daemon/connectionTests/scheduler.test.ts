import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionsTestedParams, TestResult } from '../../../shared/protocol';
import { ConnectionService } from '../../../daemon/connections/service';
import { ProviderCatalog } from '../../../daemon/catalog/providerCatalog';
import { EventHub } from '../../../daemon/events';
import { Keyring } from '../../../daemon/keys/keyring';
import { Vault } from '../../../daemon/keys/vault';
import { silentLogger } from '../../../daemon/log';
import { ModelCache } from '../../../daemon/models/modelCache';
import { adapterFor } from '../../../daemon/providers/registry';
import { SettingsStore } from '../../../daemon/settings/settingsStore';
import type { ClientSession } from '../../../daemon/rpc/session';
import { OWNER } from '../../../daemon/tokens/caller';
import { AuditLog } from '../../../daemon/store/auditLog';
import { Database } from '../../../daemon/store/database';
import { testSavedConnection } from '../../../daemon/connectionTests/connectionTester';
import { TestScheduler } from '../../../daemon/connectionTests/scheduler';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';

const KEY = 'sk-sched-test-0123456789abcdef';

let up: MockUpstream;
let dir: string;
let db: Database;
let connections: ConnectionService;
let providers: ProviderCatalog;
let models: ModelCache;
let tested: ConnectionsTestedParams[];
let scheduler: TestScheduler | undefined;

beforeAll(async () => {
  up = await startMockUpstream({ validKeys: [KEY], models: ['gpt-4o-mini', 'gpt-4o'] });
});
afterAll(() => up.close());

beforeEach(async () => {
  up.reset();
  dir = await mkdtemp(join(tmpdir(), 'sb-sched-'));
  db = await Database.open(join(dir, 'db.json'), silentLogger, { debounceMs: 10 });
  const vault = await Vault.open({
    file: join(dir, 'vault.json'),
    masterKeyFile: join(dir, 'master.key'),
    env: {},
    log: silentLogger,
  });
  tested = [];
  // The one session a client would have after `events/subscribe`.
  const session = {
    id: 's1',
    clientName: 'test',
    subscriptions: new Set(['connections/tested']),
    closed: new AbortController().signal,
    notify: (_d: unknown, p: unknown) => tested.push(p as ConnectionsTestedParams),
    drained: async () => undefined,
    send: () => undefined,
    caller: OWNER,
    disconnect: () => undefined,
  } as ClientSession;
  providers = new ProviderCatalog(db);
  connections = new ConnectionService({
    db,
    audit: new AuditLog(join(dir, 'audit.jsonl'), silentLogger),
    vault,
    keyring: new Keyring(vault, {}),
    events: new EventHub(() => [session]),
    providers,
  });
  models = new ModelCache({
    db,
    settings: new SettingsStore(db),
    log: silentLogger,
    adapterFor,
    resolve: () => {
      throw new Error('not used');
    },
  });
});
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  models.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const create = (name: string, withKey: boolean) =>
  connections.create(
    {
      name,
      provider: 'openai',
      baseUrl: up.openaiBaseUrl,
      defaultModel: 'gpt-4o-mini',
      keySource: 'memory',
      maxRetries: 0,
      ...(withKey && { apiKey: KEY }),
    },
    'test',
  );

const lastTest = (id: string): TestResult | undefined => db.data.connections.find((c) => c.id === id)?.lastTest;

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function startScheduler(over: { staggerMs?: number } = {}): TestScheduler {
  scheduler = new TestScheduler({
    settings: new SettingsStore(db),
    log: silentLogger,
    connections,
    providers,
    adapterFor,
    models,
    firstRunDelayMs: 0,
    staggerMs: over.staggerMs ?? 5,
  });
  scheduler.start();
  return scheduler;
}

describe('testSavedConnection', () => {
  it('stores the result, tells subscribed clients and refreshes the model cache', async () => {
    const conn = await create('Good', true);
    const { result, connection } = await testSavedConnection({ connections, providers, adapterFor, models }, conn.id);
    expect(result.status).toBe('ok');
    expect(connection?.lastTest).toEqual(result);
    expect(tested).toEqual([{ id: conn.id, result, trigger: 'manual' }]);
    expect(db.data.modelCache[conn.id]?.models.map((m) => m.id)).toEqual(['gpt-4o-mini', 'gpt-4o']);
  });

  it('turns a missing key into an authentication stage error instead of throwing', async () => {
    const conn = await create('Keyless', false);
    const { result } = await testSavedConnection({ connections, providers, adapterFor, models }, conn.id);
    expect(result.stages.find((s) => s.name === 'authentication')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('has no API key available'),
    });
    expect(result.stages.find((s) => s.name === 'connectivity')?.status).toBe('ok');
    expect(lastTest(conn.id)).toEqual(result);
    expect(up.requests).toHaveLength(0);
  });

  it('throws CONNECTION_NOT_FOUND for an unknown id', async () => {
    await expect(testSavedConnection({ connections, providers, adapterFor }, 'conn_missing')).rejects.toMatchObject({
      code: 'CONNECTION_NOT_FOUND',
    });
  });
});

describe('TestScheduler', () => {
  it('tests due connections one at a time, and skips those whose key is not available without recording a failure', async () => {
    const a = await create('A', true);
    const b = await create('B', true);
    const keyless = await create('Keyless', false);
    startScheduler({ staggerMs: 50 });
    await until(() => lastTest(a.id) !== undefined && lastTest(b.id) !== undefined);
    expect(lastTest(keyless.id)).toBeUndefined();
    // One at a time: the second models request started after the first had ended.
    const [first, second] = up.requests.filter((r) => r.path === '/v1/models');
    expect(second!.startedAt).toBeGreaterThanOrEqual(first!.endedAt!);
    expect(tested.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('leaves alone a connection tested within the interval', async () => {
    const fresh = await create('Fresh', true);
    const stale = await create('Stale', true);
    const old: TestResult = {
      status: 'ok',
      summary: 'old',
      testedAt: new Date(Date.now() - 25 * 3_600_000).toISOString(),
      durationMs: 1,
      stages: [],
    };
    await connections.recordTest(fresh.id, { ...old, testedAt: new Date().toISOString(), summary: 'recent' });
    await connections.recordTest(stale.id, old);
    startScheduler();
    await until(() => lastTest(stale.id)?.summary !== 'old');
    await new Promise((r) => setTimeout(r, 100));
    expect(lastTest(fresh.id)?.summary).toBe('recent');
  });

  it('tests nothing when testIntervalHours is 0', async () => {
    await db.update((d) => void (d.settings.testIntervalHours = 0));
    const conn = await create('Off', true);
    startScheduler();
    await new Promise((r) => setTimeout(r, 100));
    expect(lastTest(conn.id)).toBeUndefined();
  });

  it('stops a test in flight on stop() and records nothing for it', async () => {
    const conn = await create('Hangs', true);
    up.fault({ kind: 'hang', match: { path: '/v1/models' } });
    const s = startScheduler();
    await up.waitFor((r) => r.path === '/v1/models');
    await s.stop();
    scheduler = undefined;
    await new Promise((r) => setTimeout(r, 50));
    expect(lastTest(conn.id)).toBeUndefined();
    expect(up.requests.find((r) => r.path === '/v1/models')?.aborted).toBe(true);
  });
});
