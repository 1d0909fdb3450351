import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../shared/errors';
import { connectionNotFound } from '../../../daemon/connections/errors';
import { toResolved } from '../../../daemon/connections/upstream';
import { silentLogger } from '../../../daemon/log';
import { SettingsStore } from '../../../daemon/settings/settingsStore';
import { ModelCache, RETRY_AFTER_FAILURE_MS } from '../../../daemon/models/modelCache';
import { findBuiltIn } from '../../../daemon/catalog/builtInProviders';
import { adapterFor } from '../../../daemon/providers/registry';
import { Database } from '../../../daemon/store/database';
import type { StoredConnection } from '../../../daemon/store/schema';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';

const KEY = 'sk-cache-test-0123456789abcdef';
const MODELS = ['gpt-4o-mini', 'gpt-4o'];

let up: MockUpstream;
let slow: MockUpstream;
let dir: string;
let db: Database;
let clock: number;
let cache: ModelCache;
const keys = new Map<string, string>();

beforeAll(async () => {
  up = await startMockUpstream({ validKeys: [KEY], models: MODELS });
  slow = await startMockUpstream({ validKeys: [KEY], models: ['slow-model'] });
});
afterAll(async () => {
  await up.close();
  await slow.close();
});

beforeEach(async () => {
  up.reset();
  slow.reset();
  up.models = [...MODELS];
  dir = await mkdtemp(join(tmpdir(), 'sb-modelcache-'));
  db = await Database.open(join(dir, 'db.json'), silentLogger, { debounceMs: 10 });
  clock = Date.parse('2026-01-01T00:00:00Z');
  keys.clear();
  await addConnection('conn_a', up.openaiBaseUrl, KEY);
  cache = new ModelCache({
    db,
    settings: new SettingsStore(db),
    log: silentLogger,
    adapterFor,
    now: () => clock,
    resolve: (id) => {
      const stored = db.data.connections.find((c) => c.id === id);
      if (!stored) throw connectionNotFound(id);
      return toResolved(stored, findBuiltIn(stored.provider)!, keys.get(id));
    },
  });
});
afterEach(async () => {
  cache.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

async function addConnection(id: string, baseUrl: string, key: string): Promise<void> {
  keys.set(id, key);
  const now = new Date(clock).toISOString();
  const record: StoredConnection = {
    id,
    name: id,
    provider: 'openai',
    baseUrl,
    timeoutMs: 5000,
    maxRetries: 0,
    isDefault: false,
    keySource: 'memory',
    createdAt: now,
    updatedAt: now,
  };
  await db.update((d) => void d.connections.push(record));
}

const modelRequests = (m: MockUpstream) => m.requests.filter((r) => r.path === '/v1/models').length;

describe('ModelCache', () => {
  it('fetches once and serves the list from the cache until modelsCacheMinutes have passed', async () => {
    const first = await cache.list('conn_a');
    expect(first).toMatchObject({ stale: false, fetchedAt: new Date(clock).toISOString() });
    expect(first.models.map((m) => m.id)).toEqual(MODELS);

    clock += 59 * 60_000; // default TTL: 60 minutes
    expect((await cache.list('conn_a')).models.map((m) => m.id)).toEqual(MODELS);
    expect(modelRequests(up)).toBe(1);

    clock += 2 * 60_000;
    up.models = ['gpt-new'];
    expect((await cache.list('conn_a')).models.map((m) => m.id)).toEqual(['gpt-new']);
    expect(modelRequests(up)).toBe(2);
  });

  it('persists the list in db.modelCache', async () => {
    await cache.list('conn_a');
    await db.flush();
    const onDisk = JSON.parse(await readFile(join(dir, 'db.json'), 'utf8'));
    expect(onDisk.modelCache.conn_a.models.map((m: { id: string }) => m.id)).toEqual(MODELS);
  });

  it('fetches anew on refresh', async () => {
    await cache.list('conn_a');
    await cache.list('conn_a', { refresh: true });
    expect(modelRequests(up)).toBe(2);
  });

  it('shares one in-flight fetch between concurrent callers', async () => {
    up.fault({ kind: 'slowHeaders', ms: 100, match: { path: '/v1/models' } });
    const results = await Promise.all([
      cache.list('conn_a'),
      cache.list('conn_a', { refresh: true }),
      cache.list('conn_a'),
    ]);
    expect(modelRequests(up)).toBe(1);
    for (const r of results) expect(r.models.map((m) => m.id)).toEqual(MODELS);
  });

  it('serves the last good list, marked stale with the reason, when a refresh fails', async () => {
    await cache.list('conn_a');
    up.fault({ kind: 'status', status: 500, match: { path: '/v1/models' } });
    const result = await cache.list('conn_a', { refresh: true });
    expect(result.stale).toBe(true);
    expect(result.models.map((m) => m.id)).toEqual(MODELS);
    expect(result.fetchedAt).toBe(new Date(clock).toISOString());
    expect(result.error).toMatchObject({
      code: 'UPSTREAM_ERROR',
      status: 500,
      message: expect.stringContaining('500'),
      hint: expect.any(String),
    });
  });

  it('throws the mapped error when a fetch fails and there is no list to fall back on', async () => {
    keys.set('conn_a', 'sk-wrong-key-000000000000000');
    const failure = await cache.list('conn_a').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SwitchboardError);
    expect((failure as SwitchboardError).code).toBe('INVALID_API_KEY');
    expect((failure as SwitchboardError).message).not.toContain('sk-wrong-key-000000000000000');
  });

  it('throws CONNECTION_NOT_FOUND for an unknown connection', async () => {
    await expect(cache.list('conn_nope')).rejects.toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
  });

  it('does not let a hanging endpoint delay another connection', async () => {
    await addConnection('conn_slow', slow.openaiBaseUrl, KEY);
    slow.fault({ kind: 'hang' });
    const hung = cache.list('conn_slow');
    hung.catch(() => undefined);
    await slow.waitFor((r) => r.path === '/v1/models');

    const started = Date.now();
    const other = await cache.list('conn_a');
    expect(other.models.map((m) => m.id)).toEqual(MODELS);
    expect(Date.now() - started).toBeLessThan(1000);

    cache.close(); // shutdown aborts the hung fetch instead of waiting for its timeout
    await expect(hung).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('remembers a list found by a connection test, without fetching', async () => {
    cache.remember('conn_a', [{ id: 'from-test' }]);
    const result = await cache.list('conn_a');
    expect(result).toMatchObject({ stale: false, models: [{ id: 'from-test' }] });
    expect(modelRequests(up)).toBe(0);
  });

  it('fetches again after forget()', async () => {
    await cache.list('conn_a');
    cache.forget('conn_a');
    await cache.list('conn_a');
    expect(modelRequests(up)).toBe(2);
  });

  it('does not keep a list for a connection deleted while it was fetched', async () => {
    cache.remember('conn_gone', [{ id: 'x' }]);
    expect(db.data.modelCache['conn_gone']).toBeUndefined();
  });

  describe('peek (answers that must not wait on a provider)', () => {
    it('returns nothing at first and fetches in the background; the next peek has the list', async () => {
      expect(cache.peek('conn_a')).toBeUndefined();
      await up.waitFor((r) => r.path === '/v1/models' && r.completed);
      await expect.poll(() => cache.peek('conn_a')?.map((m) => m.id)).toEqual(MODELS);
      expect(modelRequests(up)).toBe(1); // a fresh list is not fetched again
    });

    it('serves an expired list at once and refreshes it behind the caller', async () => {
      await cache.list('conn_a');
      clock += 61 * 60_000;
      up.models = ['gpt-5'];
      expect(cache.peek('conn_a')?.map((m) => m.id)).toEqual(MODELS);
      await expect.poll(() => cache.peek('conn_a')?.map((m) => m.id)).toEqual(['gpt-5']);
    });

    it('does not wait on a hanging endpoint, and starts one fetch at a time', async () => {
      await addConnection('conn_slow', slow.openaiBaseUrl, KEY);
      slow.fault({ kind: 'hang' });
      const started = Date.now();
      for (let i = 0; i < 5; i++) expect(cache.peek('conn_slow')).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(100);
      await slow.waitFor((r) => r.path === '/v1/models');
      expect(slow.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);
    });

    it('waits RETRY_AFTER_FAILURE_MS before trying a failing endpoint again', async () => {
      up.fault({ kind: 'status', status: 500 });
      cache.peek('conn_a');
      await up.waitFor((r) => r.status === 500);
      await expect.poll(() => (cache as unknown as { inFlight: Map<string, unknown> }).inFlight.size).toBe(0);
      cache.peek('conn_a');
      expect(modelRequests(up)).toBe(1);
      clock += RETRY_AFTER_FAILURE_MS;
      up.clearFaults();
      cache.peek('conn_a');
      await expect.poll(() => cache.peek('conn_a')?.map((m) => m.id)).toEqual(MODELS);
      expect(modelRequests(up)).toBe(2);
    });
  });
});
