/**
 * The audit log records what happened to a connection besides changes, through the real daemon:
 * each test (by hand and on schedule: result, stage, reason, who ran it) and each key a provider
 * refused (401/403) during a chat or a test, with where it happened — and `audit/list` narrows the
 * log by connection, kind, time and count. Never a key in any of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import {
  AuditList,
  ConnectionsTest,
  ConnectionsUpdate,
  SettingsUpdate,
  type AuditEntry,
  type AuditListParams,
} from '../../../shared/protocol';
import type { z } from 'zod';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
const BAD_KEY = 'sk-test-refused-key-CANARY-0000000000';

beforeAll(async () => {
  ensureBuilt();
  env = await setup({}, { SWITCHBOARD_TEST_PACE_MS: '100' });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

const audit = async (params?: z.input<typeof AuditListParams>): Promise<AuditEntry[]> =>
  (await env.client.request(AuditList, params)).entries;

/** Polls until `find` returns something, for entries written just after the call that caused them returned. */
async function entryFor(params: z.input<typeof AuditListParams>, find: (e: AuditEntry) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = (await audit(params)).find(find);
    if (hit || Date.now() > deadline) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const create = (name: string, apiKey = BAD_KEY) =>
  env.create({
    name,
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });

describe('the audit log', () => {
  it('records a test run by hand with its result, stage and reason, and the refused key with where', async () => {
    const c = await create('tested-by-hand');
    await env.client.request(ConnectionsTest, { id: c.id });
    const test = await entryFor(
      { connectionId: c.id, actions: ['connectionTest'] },
      (e) => e.details?.['trigger'] === 'manual',
    );
    expect(test).toMatchObject({
      action: 'connectionTest',
      client: 'integration-test',
      connectionId: c.id,
      name: 'tested-by-hand',
      details: { trigger: 'manual', status: 'error', stage: 'authentication', reason: expect.stringMatching(/401/) },
    });
    const refused = await entryFor(
      { connectionId: c.id, actions: ['keyRejected'] },
      (e) => e.details?.['surface'] === 'connection test',
    );
    expect(refused).toMatchObject({
      client: 'integration-test',
      name: 'tested-by-hand',
      details: { status: 401, surface: 'connection test' },
    });

    // A test that passes is recorded too, without a stage.
    await env.client.request(ConnectionsUpdate, { id: c.id, apiKey: KEYS.a });
    await env.client.request(ConnectionsTest, { id: c.id });
    const passed = await entryFor(
      { connectionId: c.id, actions: ['connectionTest'] },
      (e) => e.details?.['trigger'] === 'manual' && e.details?.['status'] === 'ok',
    );
    expect(passed?.details).not.toHaveProperty('stage');
    expect(JSON.stringify(await audit({ limit: 10_000 }))).not.toContain(BAD_KEY);
  });

  it('records a key refused (401) during a JSON-RPC chat: which connection, which surface, which client', async () => {
    const c = await create('refused-in-chat');
    const chatter = await env.connect('chatting-client');
    const error = await rejectionOf(chatter.chat({ connectionId: c.id, messages: user('hi') }).result);
    expect(error.code).toBe(ErrorCode.INVALID_API_KEY);
    const entry = await entryFor({ connectionId: c.id, actions: ['keyRejected'] }, () => true);
    expect(entry).toMatchObject({
      action: 'keyRejected',
      client: 'chatting-client',
      connectionId: c.id,
      name: 'refused-in-chat',
      details: { status: 401, surface: 'chat/stream', model: 'gpt-5.4' },
    });
    // The chat stands in for a test (the connection is marked failing) but is not logged as a test.
    const tests = await audit({ connectionId: c.id, actions: ['connectionTest'] });
    expect(tests.filter((e) => e.details?.['trigger'] !== 'scheduled')).toEqual([]);
  });

  it('records a 403 on the HTTP API with the route and the caller', async () => {
    const c = await create('forbidden-over-http', KEYS.a);
    // Only the chat: a background request of the new connection (its model list) must not take the fault.
    env.up.fault({ kind: 'status', status: 403, count: 1, match: { path: /\/chat\/completions$/ } });
    const res = await fetch(`http://127.0.0.1:${env.daemon.info.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.daemon.info.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'forbidden-over-http', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(403);
    await res.text();
    const entry = await entryFor({ connectionId: c.id, actions: ['keyRejected'] }, () => true);
    expect(entry).toMatchObject({
      client: 'http',
      details: { status: 403, surface: 'POST /v1/chat/completions' },
    });
    expect(JSON.stringify(entry)).not.toContain(KEYS.a);
  });

  it('records scheduled tests as run by the scheduler', async () => {
    const c = await create('scheduled-audit');
    await env.client.request(SettingsUpdate, { testIntervalHours: 0.0001 });
    try {
      const test = await entryFor(
        { connectionId: c.id, actions: ['connectionTest'] },
        (e) => e.details?.['trigger'] === 'scheduled',
        30_000,
      );
      expect(test).toMatchObject({
        client: 'scheduler',
        details: { trigger: 'scheduled', status: 'error', stage: 'authentication' },
      });
      const refused = await entryFor(
        { connectionId: c.id, actions: ['keyRejected'] },
        (e) => e.details?.['surface'] === 'scheduled test',
      );
      expect(refused).toMatchObject({ client: 'scheduler', details: { status: 401 } });
    } finally {
      await env.client.request(SettingsUpdate, { testIntervalHours: 0 });
    }
  });
});

describe('audit/list filters', () => {
  it('narrows by connection, kinds, time and count, newest last', async () => {
    const a = await create('filter-a', KEYS.a);
    const b = await create('filter-b', KEYS.a);
    const before = new Date(Date.now() - 1000).toISOString();
    await env.client.request(ConnectionsUpdate, { id: a.id, description: 'first' });
    await env.client.request(ConnectionsUpdate, { id: a.id, description: 'second' });
    await env.client.request(ConnectionsUpdate, { id: b.id, description: 'other' });

    const onlyA = await audit({ connectionId: a.id });
    expect(onlyA.length).toBeGreaterThanOrEqual(3);
    expect(onlyA.every((e) => e.connectionId === a.id)).toBe(true);

    const updates = await audit({ connectionId: a.id, actions: ['update'] });
    expect(updates.map((e) => e.action)).toEqual(['update', 'update']);
    expect(await audit({ connectionId: a.id, actions: ['update'], limit: 1 })).toEqual([updates[1]]);
    expect((await audit({ connectionId: a.id, actions: ['create', 'delete'] })).map((e) => e.action)).toEqual([
      'create',
    ]);

    const recent = await audit({ since: before, actions: ['update'] });
    expect(recent.map((e) => e.name)).toEqual(expect.arrayContaining(['filter-a', 'filter-b']));
    expect(recent.every((e) => e.at >= before)).toBe(true);
    expect(await audit({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    // Offsets are instants: the same moment written in another zone finds the same entries.
    const plusTwo = new Date(Date.parse(before) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(await audit({ since: plusTwo, actions: ['update'] })).toEqual(recent);
  });

  it('refuses a kind it does not know and a time that is not one, naming the field', async () => {
    await expect(
      env.client.request(AuditList, { actions: ['keyRejected'], since: '2026-01-01T00:00:00Z' }),
    ).resolves.toHaveProperty('entries');
    const kind = await rejectionOf(env.client.request(AuditList, { actions: ['sneeze' as 'update'] }));
    expect(kind.message).toMatch(/actions/);
    const time = await rejectionOf(env.client.request(AuditList, { since: 'yesterday' }));
    expect(time.message).toMatch(/since/);
  });
});
