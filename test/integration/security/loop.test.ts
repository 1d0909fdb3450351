/**
 * Request loops through the real daemon: a connection whose base URL leads back to the daemon
 * (here through a port forward no URL check can see) must cost one refused request, not an
 * unbounded loop. The daemon marks every upstream request with the hop header and refuses any
 * inbound request that carries it, on HTTP and on the WebSocket handshake alike.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import { HOP_HEADER } from '../../../daemon/loopGuard';
import { connectTcp, connectUnix, HandshakeRefused, httpGet } from '../../helpers/rawRpc';
import { cleanupDaemons, ensureBuilt, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
let forward: http.Server;
let forwarded = 0;
/** A safety stop for the test itself: without the guard the loop would never end on its own. */
const LOOP_STOP = 5;

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  // A plain HTTP port forward to the daemon: what a proxy, a DNS alias or an SSH tunnel would be.
  forward = http.createServer((req, res) => {
    forwarded++;
    if (forwarded > LOOP_STOP) {
      res.writeHead(500, { 'x-should-retry': 'false', 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: 'loop stopped by the test' } }));
    }
    const out = http.request(
      {
        host: '127.0.0.1',
        port: env.daemon.info.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: `127.0.0.1:${env.daemon.info.port}` },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((done) => forward.listen(0, '127.0.0.1', done));
});
afterAll(async () => {
  forward?.closeAllConnections();
  await new Promise((done) => forward?.close(done));
  await env?.teardown();
  await cleanupDaemons();
});

describe('the hop header', () => {
  it('stops a connection that leads back to the daemon after one request, saying why', async () => {
    const port = (forward.address() as AddressInfo).port;
    // The daemon's own token as the key, so the looping request would be accepted without the guard.
    const conn = await env.create({
      name: 'loop',
      provider: 'openai',
      baseUrl: `http://127.0.0.1:${port}/v1`,
      apiKey: env.daemon.info.token,
      defaultModel: 'gpt-5.4',
      maxRetries: 2,
    });
    forwarded = 0;
    const error = await rejectionOf(env.client.chat({ connectionId: conn.id, messages: user('hi') }).result);
    expect(forwarded).toBe(1); // no loop, and no retry of the refusal
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error.data).toMatchObject({ status: 508 });
    expect(error.message).toMatch(/points back at Switchboard/);
  });

  it('refuses an HTTP request carrying it with 508 and x-should-retry: false', async () => {
    const answer = await httpGet({ port: env.daemon.info.port }, '/v1/models', {
      authorization: `Bearer ${env.daemon.info.token}`,
      [HOP_HEADER]: '1',
    });
    expect(answer.status).toBe(508);
    expect(answer.headers['x-should-retry']).toBe('false');
    expect(JSON.parse(answer.body).error.message).toMatch(/base URL/);
  });

  it('refuses a WebSocket handshake carrying it, on TCP and on the Unix socket', async () => {
    const tcp = await connectTcp(env.daemon.info, { headers: { [HOP_HEADER]: '1' } }).catch((e: unknown) => e);
    expect(tcp).toBeInstanceOf(HandshakeRefused);
    expect((tcp as HandshakeRefused).status).toBe(508);
    const unix = await connectUnix(env.daemon.info, { headers: { [HOP_HEADER]: '1' } }).catch((e: unknown) => e);
    expect((unix as HandshakeRefused).status).toBe(508);
  });
});
