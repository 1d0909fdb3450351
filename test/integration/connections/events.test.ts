/**
 * Several clients on one real daemon: change events reach exactly the clients that subscribed (over
 * the Unix socket and over TCP with the token), and concurrent writes keep the store's rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SwitchboardClient } from '../../../shared/client';
import { ErrorCode } from '../../../shared/errors';
import {
  ConnectionsChanged,
  ConnectionsCreate,
  ConnectionsDelete,
  ConnectionsList,
  ConnectionsSetDefault,
  ConnectionsTest,
  ConnectionsTested,
  ConnectionsUpdate,
  EventsSubscribe,
  type ConnectionsChangedParams,
  type ConnectionsTestedParams,
} from '../../../shared/protocol';
import { cleanupDaemons, eventually, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt } from '../../helpers/integrationClient';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';

let daemon: DaemonProcess;
let mock: MockUpstream;
/** Makes the changes, over the Unix socket. */
let a: SwitchboardClient;
/** Subscribed, over TCP with the bearer token. */
let b: SwitchboardClient;
/** Connected over the Unix socket, never subscribed. */
let quiet: SwitchboardClient;
let seenByB: { changed: ConnectionsChangedParams[]; tested: ConnectionsTestedParams[] };
let seenByQuiet: unknown[];

beforeAll(() => ensureDaemonBuilt());
beforeEach(async () => {
  mock = await startMockUpstream();
  daemon = await startDaemon();
  a = await connectClient(daemon, 'client-a', { transport: 'unix' });
  b = await connectClient(daemon, 'client-b', { transport: 'tcp' });
  quiet = await connectClient(daemon, 'client-quiet', { transport: 'unix' });
  expect([a.transport, b.transport, quiet.transport]).toEqual(['unix', 'tcp', 'unix']);
  seenByB = { changed: [], tested: [] };
  seenByQuiet = [];
  b.onNotification(ConnectionsChanged, (p) => seenByB.changed.push(p));
  b.onNotification(ConnectionsTested, (p) => seenByB.tested.push(p));
  quiet.onNotification(ConnectionsChanged, (p) => seenByQuiet.push(p));
  quiet.onNotification(ConnectionsTested, (p) => seenByQuiet.push(p));
  expect((await b.request(EventsSubscribe, {})).events.sort()).toEqual([
    'connections/changed',
    'connections/quotaWarning',
    'connections/statusChanged',
    'connections/tested',
    'usage/budgetWarning',
  ]);
});
afterEach(async () => {
  await closeClients();
  await cleanupDaemons();
  await mock.close();
});
afterAll(() => cleanupDaemons());

describe('events/subscribe', () => {
  it('tells a subscribed TCP client of every change another client makes, never with a key', async () => {
    const firstKey = 'sk-event-first-0123456789abcd';
    const rotatedKey = 'sk-event-rotated-0123456789wxyz';
    const x = (await a.request(ConnectionsCreate, { name: 'X', provider: 'openai', apiKey: firstKey })).connection;
    const y = (await a.request(ConnectionsCreate, { name: 'Y', provider: 'ollama' })).connection;
    await a.request(ConnectionsUpdate, { id: y.id, name: 'Y renamed' });
    await a.request(ConnectionsSetDefault, { id: y.id });
    await a.request(ConnectionsUpdate, { id: x.id, apiKey: rotatedKey });
    const deleted = (await a.request(ConnectionsDelete, { id: x.id })).connection;

    expect(await eventually(() => seenByB.changed.length >= 6)).toBe(true);
    expect(seenByB.changed.map((e) => [e.kind, e.id, e.connection.id])).toEqual([
      ['created', x.id, x.id],
      ['created', y.id, y.id],
      ['updated', y.id, y.id],
      ['defaultChanged', y.id, y.id],
      ['keyChanged', x.id, x.id],
      ['deleted', x.id, x.id],
    ]);
    const [created, , renamed, madeDefault, rotated, gone] = seenByB.changed;
    expect(created!.connection).toEqual(x);
    expect(created!.connection).toMatchObject({ keyHint: '…abcd', keyAvailable: true });
    expect(renamed!.connection.name).toBe('Y renamed');
    expect(madeDefault!.connection.isDefault).toBe(true);
    expect(rotated!.connection).toMatchObject({ keyHint: '…wxyz', keyAvailable: true });
    expect(rotated!.connection.keyFingerprint).not.toBe(x.keyFingerprint);
    expect(gone!.connection).toEqual(deleted);
    const wire = JSON.stringify(seenByB.changed);
    for (const key of [firstKey, rotatedKey]) expect(wire).not.toContain(key.slice(0, 12));
    expect(wire).not.toMatch(/apiKey/);

    // Give any stray notification time to arrive before asserting the quiet client got none.
    await a.request(ConnectionsList);
    await new Promise((r) => setTimeout(r, 200));
    expect(seenByQuiet).toEqual([]);
  });

  it('passes on a connection with every optional field, checked and unchanged', async () => {
    const other = (await a.request(ConnectionsCreate, { name: 'Other', provider: 'ollama' })).connection;
    const full = (
      await a.request(ConnectionsCreate, {
        name: 'Full',
        provider: 'openai',
        baseUrl: mock.openaiBaseUrl,
        apiKey: 'sk-full-0123456789abcdef',
        defaultModel: 'gpt-5.4',
        allowedModels: ['gpt-5.4'],
        organization: 'org-1',
        headers: { 'X-Team': 'a', 'X-Session-Token': 'tok-123456789' },
        timeoutMs: 5000,
        maxRetries: 0,
        capacity: [{ period: 'minute', requests: 5, tokens: 1000 }],
        onLimit: 'queue',
        maxQueueWaitMs: 1000,
        budget: { period: 'month', amount: 5 },
        fallbacks: [other.id],
        fallbackModels: { [other.id]: 'llama3' },
      })
    ).connection;
    const tested = await a.request(ConnectionsTest, { id: full.id });
    expect(await eventually(() => seenByB.tested.length === 1 && seenByB.changed.length >= 2)).toBe(true);
    expect(seenByB.changed[1]!.connection).toEqual(full);
    expect(full.secretHeaders).toEqual(['X-Session-Token']);
    expect(seenByB.tested[0]!.result).toEqual(tested.result);
  });

  it('delivers only the events a client asked for', async () => {
    const c = await connectClient(daemon, 'client-c', { transport: 'tcp' });
    const got: string[] = [];
    c.onNotification(ConnectionsChanged, () => got.push('changed'));
    c.onNotification(ConnectionsTested, () => got.push('tested'));
    expect((await c.request(EventsSubscribe, { events: ['connections/tested'] })).events).toEqual([
      'connections/tested',
    ]);
    const conn = (
      await a.request(ConnectionsCreate, {
        name: 'Local',
        provider: 'custom',
        baseUrl: mock.openaiBaseUrl,
        apiKey: 'local-token-1234',
      })
    ).connection;
    await a.request(ConnectionsTest, { id: conn.id });
    expect(await eventually(() => got.length >= 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual(['tested']);
  });

  it('broadcasts connections/tested with the stored result when a connection is tested by id', async () => {
    const conn = (
      await a.request(ConnectionsCreate, {
        name: 'Mocked',
        provider: 'openai',
        baseUrl: mock.openaiBaseUrl,
        apiKey: 'sk-tested-0123456789',
        defaultModel: 'gpt-5.4',
      })
    ).connection;
    const answer = await a.request(ConnectionsTest, { id: conn.id });
    expect(answer.result.stages.find((s) => s.name === 'authentication')?.status).toBe('ok');
    expect(answer.connection?.lastTest).toEqual(answer.result);
    expect(await eventually(() => seenByB.tested.length === 1)).toBe(true);
    expect(seenByB.tested[0]).toEqual({ id: conn.id, result: answer.result, trigger: 'manual' });
    await new Promise((r) => setTimeout(r, 200));
    expect(seenByQuiet).toEqual([]);
  });
});

describe('concurrent writes', () => {
  it('lets exactly one of two simultaneous creates with the same name succeed', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `Race ${round}`;
      const outcomes = await Promise.allSettled([
        a.request(ConnectionsCreate, { name, provider: 'ollama' }),
        b.request(ConnectionsCreate, { name: name.toUpperCase(), provider: 'ollama' }),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost.map((o) => (o.reason as { code?: string }).code)).toEqual([ErrorCode.DUPLICATE_NAME]);
    }
    const { connections } = await a.request(ConnectionsList);
    expect(connections).toHaveLength(5);
    expect(connections.filter((c) => c.isDefault)).toHaveLength(1);
  });

  it('lands 50 concurrent creates from two clients, all in db.json, with every key in the vault', async () => {
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0 ? a : b).request(ConnectionsCreate, {
          name: `Bulk ${i}`,
          provider: 'ollama',
          ...(i % 5 === 0 && { apiKey: `local-token-${i}-0123456789` }),
        }),
      ),
    );
    expect(new Set(created.map((r) => r.connection.id)).size).toBe(50);
    const { connections } = await a.request(ConnectionsList);
    expect(connections).toHaveLength(50);
    expect(connections.filter((c) => c.isDefault)).toHaveLength(1);
    const stored = JSON.parse(readFileSync(join(daemon.home, 'db.json'), 'utf8')) as {
      connections: Array<{ name: string }>;
    };
    expect(stored.connections.map((c) => c.name).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `Bulk ${i}`).sort(),
    );
    const vault = JSON.parse(readFileSync(join(daemon.home, 'vault.json'), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    expect(Object.keys(vault.entries).sort()).toEqual(
      created
        .filter((r) => r.connection.keySource === 'vault')
        .map((r) => r.connection.id)
        .sort(),
    );
    expect(Object.keys(vault.entries)).toHaveLength(10);
    expect(await eventually(() => seenByB.changed.length === 50)).toBe(true);
  });
});
