/**
 * Test history and status changes through the real daemon: every test of a saved connection (by
 * hand, on schedule) is kept, newest first, with its stage, reason and trigger; a scheduled test
 * that turns a connection red sends `connections/statusChanged` once, not on every run, and once
 * more when it works again. The scheduler runs fast here (SWITCHBOARD_TEST_PACE_MS, a short interval).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import {
  ConnectionsStatusChanged,
  ConnectionsTest,
  ConnectionsTestHistory,
  ConnectionsUpdate,
  EventsSubscribe,
  SettingsUpdate,
  type ConnectionsStatusChangedParams,
  type TestHistoryEntry,
} from '../../../shared/protocol';
import { eventually } from '../../helpers/daemonProcess';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, type Env } from '../chat/harness';

let env: Env;
const BAD_KEY = 'sk-test-wrong-key-0000000000000000';

beforeAll(async () => {
  ensureBuilt();
  env = await setup({}, { SWITCHBOARD_TEST_PACE_MS: '100' });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

/** Polls an async condition until it holds or the time is up. */
async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

const history = async (id: string): Promise<TestHistoryEntry[]> =>
  (await env.client.request(ConnectionsTestHistory, { id })).entries;

describe('test history', () => {
  it('keeps each test with its stage, reason and trigger, newest first', async () => {
    const c = await env.create({
      name: 'manual',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: BAD_KEY,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
    });
    // Nothing by hand yet (the fast scheduler may already have tested it).
    expect((await history(c.id)).filter((e) => e.trigger !== 'scheduled')).toEqual([]);
    await env.client.request(ConnectionsTest, { id: c.id });
    await env.client.request(ConnectionsUpdate, { id: c.id, apiKey: KEYS.a });
    await env.client.request(ConnectionsTest, { id: c.id });
    const entries = await history(c.id);
    // The scheduler runs fast in this daemon and may test the new connection between these steps:
    // its runs are kept too, marked as scheduled.
    expect(entries.every((e) => e.trigger === 'manual' || e.trigger === 'scheduled')).toBe(true);
    const times = entries.map((e) => e.testedAt);
    expect(times).toEqual([...times].sort().reverse());
    const manual = entries.filter((e) => e.trigger === 'manual');
    expect(manual.map((e) => e.status)).toEqual(['ok', 'error']);
    expect(manual[1]).toMatchObject({ stage: 'authentication', reason: expect.stringMatching(/key/i) });
    expect(manual[0]!.stage).toBeUndefined();
    // Never a key in the history.
    expect(JSON.stringify(entries)).not.toContain(BAD_KEY);
    expect(JSON.stringify(entries)).not.toContain(KEYS.a);
  });

  it('refuses an unknown connection with CONNECTION_NOT_FOUND rather than an empty history', async () => {
    expect((await rejectionOf(env.client.request(ConnectionsTestHistory, { id: 'conn_000000000000' }))).code).toBe(
      ErrorCode.CONNECTION_NOT_FOUND,
    );
  });
});

describe('scheduled tests', () => {
  it('say once that a connection turned red, not on every run, and once that it works again', async () => {
    const listener = await env.connect('listener');
    await listener.request(EventsSubscribe, { events: ['connections/statusChanged'] });
    const changes: ConnectionsStatusChangedParams[] = [];
    listener.onNotification(ConnectionsStatusChanged, (p) => changes.push(p));

    const c = await env.create({
      name: 'scheduled',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
    });
    await env.client.request(ConnectionsTest, { id: c.id }); // green, by hand
    await env.client.request(ConnectionsUpdate, { id: c.id, apiKey: BAD_KEY });
    // About every 0.4 s once due.
    await env.client.request(SettingsUpdate, { testIntervalHours: 0.0001 });
    const scheduledErrors = async () =>
      (await history(c.id)).filter((e) => e.trigger === 'scheduled' && e.status === 'error').length;
    expect(await until(async () => (await scheduledErrors()) >= 3, 30_000)).toBe(true);
    const mine = changes.filter((ch) => ch.id === c.id);
    // Untested → green by hand, then green → red once, however many scheduled runs found it red.
    expect(mine.map((ch) => [ch.previous, ch.status, ch.trigger])).toEqual([
      [undefined, 'ok', 'manual'],
      ['ok', 'error', 'scheduled'],
    ]);
    expect(mine[1]!.name).toBe('scheduled');
    expect(JSON.stringify(mine)).not.toContain(BAD_KEY);

    await env.client.request(ConnectionsUpdate, { id: c.id, apiKey: KEYS.a });
    expect(await eventually(() => changes.filter((ch) => ch.id === c.id).length === 3, 30_000)).toBe(true);
    expect(changes.filter((ch) => ch.id === c.id).map((ch) => [ch.previous, ch.status])).toEqual([
      [undefined, 'ok'],
      ['ok', 'error'],
      ['error', 'ok'],
    ]);
    await env.client.request(SettingsUpdate, { testIntervalHours: 0 });
  });
});
