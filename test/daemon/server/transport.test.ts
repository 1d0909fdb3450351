/**
 * The transport against the real daemon process: access control on both listeners, JSON-RPC 2.0
 * compliance on the wire, single instance, and clean shutdown. Needs `node esbuild.mjs` first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readDaemonInfo } from '../../../daemon/home/discovery';
import {
  cleanupDaemons,
  eventually,
  freshHome,
  spawnDaemon,
  startDaemon,
  type DaemonProcess,
} from '../../helpers/daemonProcess';
import { connectTcp, connectUnix, HandshakeRefused, httpGet, type RawRpc } from '../../helpers/rawRpc';

const clients: RawRpc[] = [];
async function track(client: Promise<RawRpc>): Promise<RawRpc> {
  const c = await client;
  clients.push(c);
  return c;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.ws.terminate();
});
afterAll(cleanupDaemons);

async function refusal(client: Promise<RawRpc>): Promise<{ status: number; message: string }> {
  const error = await client.then(
    (c) => {
      c.ws.terminate();
      throw new Error('handshake was accepted');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HandshakeRefused);
  const { status, body } = error as HandshakeRefused;
  return { status, message: (JSON.parse(body) as { error: { message: string } }).error.message };
}

const mode = (file: string) => statSync(file).mode & 0o777;
const unixOnly = process.platform === 'win32' ? it.skip : it;

describe('a running daemon', () => {
  let daemon: DaemonProcess;
  beforeAll(async () => {
    daemon = await startDaemon();
  });

  it('publishes daemon.json (0600) with everything a client needs', () => {
    const { info } = daemon;
    expect(info).toEqual({
      pid: daemon.proc.pid,
      version: expect.any(String),
      protocolVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      socket: expect.any(String),
      port: expect.any(Number),
      token: expect.stringMatching(/^\S{32,}$/),
      startedAt: expect.any(String),
    });
    expect(info.port).toBeGreaterThan(0);
    if (process.platform !== 'win32') expect(mode(join(daemon.home, 'daemon.json'))).toBe(0o600);
  });

  unixOnly('keeps its home 0700 and its socket 0600', () => {
    expect(mode(daemon.home)).toBe(0o700);
    expect(mode(daemon.info.socket)).toBe(0o600);
  });

  it('answers on the Unix socket without a token', async () => {
    const c = await track(connectUnix(daemon.info));
    const reply = await c.call('daemon/hello', { client: { name: 'transport-test' } });
    expect(reply.result).toMatchObject({ name: 'switchboard', pid: daemon.proc.pid });
  });

  it('answers on TCP with the bearer token', async () => {
    const c = await track(connectTcp(daemon.info));
    expect((await c.call('daemon/status')).result).toMatchObject({ pid: daemon.proc.pid, port: daemon.info.port });
  });

  it('refuses a TCP handshake without a token or with a wrong one (401), saying where the token is', async () => {
    const missing = await refusal(connectTcp(daemon.info, { token: null }));
    expect(missing.status).toBe(401);
    expect(missing.message).toMatch(/daemon\.json/);
    expect((await refusal(connectTcp(daemon.info, { token: 'f'.repeat(64) }))).status).toBe(401);
    expect((await refusal(connectTcp(daemon.info, { token: daemon.info.token.slice(1) }))).status).toBe(401);
  });

  it('refuses the token in the query string', async () => {
    expect(
      (await refusal(connectTcp(daemon.info, { token: null, path: `/rpc?token=${daemon.info.token}` }))).status,
    ).toBe(401);
    expect((await httpGet({ port: daemon.info.port }, `/v1/models?token=${daemon.info.token}`)).status).toBe(401);
  });

  it('refuses plain HTTP without a token or with a wrong one (401) and answers 404 JSON past it', async () => {
    const port = daemon.info.port;
    const host = `127.0.0.1:${port}`;
    const none = await httpGet({ port }, '/nowhere', { Host: host });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await httpGet({ port }, '/nowhere', { Host: host, Authorization: 'Bearer nope' })).status).toBe(401);
    const past = await httpGet({ port }, '/nowhere', { Host: host, Authorization: `Bearer ${daemon.info.token}` });
    expect(past.status).toBe(404);
    expect(JSON.parse(past.body)).toMatchObject({ error: { message: expect.any(String) } });
  });

  it('refuses any Origin with 403, on TCP even with the token, on the socket, and on plain HTTP', async () => {
    const origin = { Origin: 'https://evil.example' };
    expect((await refusal(connectTcp(daemon.info, { headers: origin }))).status).toBe(403);
    expect((await refusal(connectUnix(daemon.info, { headers: origin }))).status).toBe(403);
    const port = daemon.info.port;
    expect(
      (await httpGet({ port }, '/v1/models', { ...origin, Authorization: `Bearer ${daemon.info.token}` })).status,
    ).toBe(403);
  });

  it('refuses a Host other than loopback with our port (403)', async () => {
    for (const Host of ['evil.example', `evil.example:${daemon.info.port}`, `localhost:${daemon.info.port + 1}`]) {
      expect((await refusal(connectTcp(daemon.info, { headers: { Host } }))).status, Host).toBe(403);
    }
    const c = await track(connectTcp(daemon.info, { headers: { Host: `localhost:${daemon.info.port}` } }));
    expect((await c.call('daemon/status')).result).toBeDefined();
  });

  it('answers 404 for a WebSocket path other than /rpc', async () => {
    expect((await refusal(connectTcp(daemon.info, { path: '/other' }))).status).toBe(404);
  });

  it('closes a connection sending an oversized frame with 1009 and keeps serving others', async () => {
    const c = await track(connectTcp(daemon.info));
    c.send(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'daemon/status', params: { pad: 'x'.repeat(6 * 1024 * 1024) } }),
    );
    expect((await c.closed).code).toBe(1009);
    const other = await track(connectUnix(daemon.info));
    expect((await other.call('daemon/status')).result).toMatchObject({ pid: daemon.proc.pid });
  });

  describe('speaks JSON-RPC 2.0 exactly', () => {
    let c: RawRpc;
    beforeAll(async () => {
      c = await connectUnix(daemon.info);
    });
    afterAll(() => c.ws.terminate());

    it('answers malformed JSON with -32700 and id null', async () => {
      expect(await c.sendRaw('{"jsonrpc":"2.0","method":"daemon/status","id":1')).toMatchObject({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32700 },
      });
    });

    it('answers an invalid request with -32600', async () => {
      expect(await c.sendRaw('{"jsonrpc":"1.0","method":"daemon/status","id":3}')).toMatchObject({
        id: 3,
        error: { code: -32600 },
      });
      expect(await c.sendRaw('{"jsonrpc":"2.0","method":"daemon/status","id":{"a":1}}')).toMatchObject({
        id: null,
        error: { code: -32600 },
      });
      expect(await c.sendRaw('{"jsonrpc":"2.0","method":"daemon/status","params":"x","id":4}')).toMatchObject({
        id: 4,
        error: { code: -32600 },
      });
    });

    it('answers an unknown method with -32601', async () => {
      expect(await c.call('no/such')).toMatchObject({ error: { code: -32601 } });
    });

    it('answers bad params with -32602 naming the field', async () => {
      const reply = await c.call('daemon/hello', { client: { name: '' } });
      expect(reply.error).toMatchObject({ code: -32602, message: expect.stringContaining('client.name') });
    });

    it('refuses __proto__ in params with -32602 and nothing is polluted', async () => {
      const reply = await c.sendRaw(
        '{"jsonrpc":"2.0","id":9,"method":"daemon/hello","params":{"client":{"name":"x","__proto__":{"polluted":true}}}}',
      );
      expect(reply).toMatchObject({
        id: 9,
        error: { code: -32602, message: expect.stringContaining('params.client.__proto__') },
      });
      expect((await c.call('daemon/status')).result).toBeDefined();
    });

    it('refuses a deeply nested payload with -32600 and keeps serving', async () => {
      const bomb = `{"jsonrpc":"2.0","id":5,"method":"daemon/status","params":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
      expect(await c.sendRaw(bomb)).toMatchObject({ id: null, error: { code: -32600 } });
      expect((await c.call('daemon/status')).result).toBeDefined();
    });

    it('answers an empty batch with one -32600 error', async () => {
      expect(await c.sendRaw('[]')).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: expect.objectContaining({ code: -32600 }),
      });
    });

    it('answers a mixed batch item by item, leaving out notifications', async () => {
      const reply = (await c.sendRaw(
        JSON.stringify([
          { jsonrpc: '2.0', id: 'a', method: 'daemon/status' },
          { jsonrpc: '2.0', method: 'daemon/status' },
          { jsonrpc: '2.0', id: 'b', method: 'no/such' },
          { nonsense: true },
        ]),
      )) as Array<{ id: unknown; result?: unknown; error?: { code: number } }>;
      expect(reply).toHaveLength(3);
      expect(reply.find((r) => r.id === 'a')?.result).toMatchObject({ pid: daemon.proc.pid });
      expect(reply.find((r) => r.id === 'b')?.error?.code).toBe(-32601);
      expect(reply.find((r) => r.id === null)?.error?.code).toBe(-32600);
    });

    it('sends nothing for a notification or a batch of notifications', async () => {
      c.send('{"jsonrpc":"2.0","method":"daemon/status"}');
      c.send('[{"jsonrpc":"2.0","method":"daemon/status"},{"jsonrpc":"2.0","method":"no/such"}]');
      // Had either been answered, that answer would arrive before this one.
      expect(await c.call('daemon/status')).toMatchObject({ id: expect.any(Number), result: expect.anything() });
    });
  });
});

describe('one daemon per home', () => {
  it('a second daemon on the same home says so and exits 0', async () => {
    const first = await startDaemon();
    const second = spawnDaemon({ home: first.home });
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/already running/i);
    expect(second.output()).toContain(String(first.proc.pid));
    expect(readDaemonInfo(join(first.home, 'daemon.json'))?.pid).toBe(first.proc.pid);
  });

  it('of two daemons started at the same instant, exactly one keeps running', async () => {
    const home = freshHome();
    const a = spawnDaemon({ home });
    const b = spawnDaemon({ home });
    expect(
      await eventually(() => [a, b].some((d) => readDaemonInfo(join(home, 'daemon.json'))?.pid === d.proc.pid), 10_000),
    ).toBe(true);
    const winner = readDaemonInfo(join(home, 'daemon.json'))!.pid === a.proc.pid ? a : b;
    const loser = winner === a ? b : a;
    expect(await loser.exited).toBe(0);
    expect(loser.output()).toMatch(/already running/i);
    expect(winner.proc.exitCode).toBeNull();
  });

  it('replaces a stale daemon.json and lock left by a crashed daemon', async () => {
    const crashed = await startDaemon();
    await crashed.kill();
    expect(existsSync(join(crashed.home, 'daemon.json'))).toBe(true);
    const next = await startDaemon({ home: crashed.home });
    expect(next.info.pid).toBe(next.proc.pid);
    expect(next.info.token).not.toBe(crashed.info.token);
    const c = await track(connectUnix(next.info));
    expect((await c.call('daemon/status')).result).toMatchObject({ pid: next.proc.pid });
  });

  it('replaces a daemon.json naming a dead pid even without a lock', async () => {
    const home = freshHome();
    const deadPid = Number(spawnSync(process.execPath, ['-p', 'process.pid'], { encoding: 'utf8' }).stdout);
    const stale = {
      pid: deadPid,
      version: '0.0.0',
      protocolVersion: '1.0.0',
      socket: join(home, 'daemon.sock'),
      port: 1,
      token: 'old',
      startedAt: new Date(0).toISOString(),
    };
    writeFileSync(join(home, 'daemon.json'), JSON.stringify(stale));
    writeFileSync(join(home, 'daemon.sock'), '');
    const next = await startDaemon({ home });
    expect(next.info.pid).toBe(next.proc.pid);
  });
});

describe('shutdown', () => {
  unixOnly('SIGTERM exits 0 and removes the socket and daemon.json', async () => {
    const d = await startDaemon();
    expect(existsSync(d.info.socket)).toBe(true);
    expect(await d.stop()).toBe(0);
    expect(existsSync(d.info.socket)).toBe(false);
    expect(existsSync(join(d.home, 'daemon.json'))).toBe(false);
  });

  unixOnly('daemon/shutdown answers, closes clients with 1001, exits 0 and cleans up', async () => {
    const d = await startDaemon();
    const watcher = await track(connectTcp(d.info));
    const c = await track(connectUnix(d.info));
    expect((await c.call('daemon/shutdown')).result).toEqual({ ok: true });
    expect(await d.exited).toBe(0);
    expect((await watcher.closed).code).toBe(1001);
    expect(existsSync(d.info.socket)).toBe(false);
    expect(existsSync(join(d.home, 'daemon.json'))).toBe(false);
  });
});
