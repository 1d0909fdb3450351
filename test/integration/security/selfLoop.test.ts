/**
 * A base URL that leads back to the daemon's own port is refused when the connection is created or
 * updated, with an error that says why (a request loop) and what to use instead. By address, by a
 * name that resolves to this machine, on create and on update; another port on this machine is fine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { ConnectionsCreate, ConnectionsGet, ConnectionsUpdate } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, type Env } from '../chat/harness';

let env: Env;
let port: number;

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  port = env.daemon.info.port;
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

describe("a base URL at the daemon's own port", () => {
  it.each([
    ['127.0.0.1', () => `http://127.0.0.1:${port}/v1`],
    ['localhost (a name resolving to this machine)', () => `http://localhost:${port}/v1`],
    ['::1', () => `http://[::1]:${port}/v1`],
    ['0.0.0.0', () => `http://0.0.0.0:${port}`],
  ])('is refused on create (%s), naming the loop', async (_label, url) => {
    const error = await rejectionOf(
      env.client.request(ConnectionsCreate, {
        name: `loop-${Math.random().toString(36).slice(2, 8)}`,
        provider: 'openai',
        baseUrl: url(),
        apiKey: KEYS.a,
      }),
    );
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.message).toContain(`points back at this Switchboard daemon (port ${port} on this machine)`);
    expect(error.message).toContain('loop');
    expect(error.data.field).toBe('baseUrl');
    expect(error.data.hint).toMatch(/provider's own URL/);
  });

  it('is refused on update, and the connection keeps its base URL', async () => {
    const conn = await env.create({ name: 'fine', provider: 'openai', baseUrl: env.up.openaiBaseUrl, apiKey: KEYS.a });
    const error = await rejectionOf(
      env.client.request(ConnectionsUpdate, { id: conn.id, baseUrl: `http://127.0.0.1:${port}/v1` }),
    );
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.message).toContain('points back at this Switchboard daemon');
    expect((await env.client.request(ConnectionsGet, { id: conn.id })).connection.baseUrl).toBe(env.up.openaiBaseUrl);
  });

  it('leaves other ports on this machine alone (a local model server is a fine upstream)', async () => {
    const conn = await env.create({
      name: 'local-server',
      provider: 'openai',
      baseUrl: `http://127.0.0.1:${port === 65535 ? port - 1 : port + 1}/v1`,
      apiKey: KEYS.a,
    });
    expect(conn.baseUrl).toContain('127.0.0.1');
  });
});
