/**
 * A 401 during a chat marks the connection failing, as a connection test would: its last test
 * becomes an authentication error (kept on the connection, announced with connections/tested), on
 * the SDK path (JSON-RPC chat/stream) and the forwarding path (/v1/chat/completions) alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import {
  ConnectionsGet,
  ConnectionsTested,
  EventsSubscribe,
  type ConnectionsTestedParams,
} from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
const WRONG_KEY = 'sk-wrong-key-0123456789abcdefghij';

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

async function expectFailing(id: string) {
  const { connection } = await env.client.request(ConnectionsGet, { id });
  expect(connection.lastTest).toMatchObject({ status: 'error', summary: 'Key rejected (401) during a chat' });
  expect(connection.lastTest!.stages.find((s) => s.name === 'authentication')).toMatchObject({
    status: 'error',
    reason: expect.stringContaining('The key was rejected (401) during a chat.'),
  });
  expect(JSON.stringify(connection)).not.toContain(WRONG_KEY);
}

describe('a key rejected during a chat', () => {
  it('marks the connection failing at authentication after a JSON-RPC chat, and says so to subscribers', async () => {
    const conn = await env.create({
      name: 'wrong-rpc',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: WRONG_KEY,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
    });
    expect(conn.lastTest).toBeUndefined();
    const watcher = await env.connect('watcher');
    await watcher.request(EventsSubscribe, { events: ['connections/tested'] });
    const tested: ConnectionsTestedParams[] = [];
    watcher.onNotification(ConnectionsTested, (p) => tested.push(p));

    const error = await rejectionOf(env.client.chat({ connectionId: conn.id, messages: user('hi') }).result);
    expect(error.code).toBe(ErrorCode.INVALID_API_KEY);
    for (let i = 0; i < 200 && tested.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(tested.map((t) => [t.id, t.result.status])).toEqual([[conn.id, 'error']]);
    await expectFailing(conn.id);
  });

  it('marks the connection failing after a forwarded /v1/chat/completions', async () => {
    const conn = await env.create({
      name: 'wrong-http',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: WRONG_KEY,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
    });
    const res = await fetch(`http://127.0.0.1:${env.daemon.info.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.daemon.info.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'wrong-http', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    await res.text();
    let last = (await env.client.request(ConnectionsGet, { id: conn.id })).connection.lastTest;
    for (let i = 0; i < 200 && last === undefined; i++) {
      await new Promise((r) => setTimeout(r, 25));
      last = (await env.client.request(ConnectionsGet, { id: conn.id })).connection.lastTest;
    }
    await expectFailing(conn.id);
  });
});
