/**
 * RpcServer in-process, with a real Router and real sockets, for what the daemon process cannot be
 * made to show quickly: heartbeats, concurrency on one socket, backpressure, and close semantics.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../daemon/log';
import { Router } from '../../../daemon/rpc/router';
import type { ClientSession } from '../../../daemon/rpc/session';
import { HTTP_KEEP_ALIVE_MS, RpcServer, type RpcServerOptions } from '../../../daemon/server/rpcServer';
import { notification, params, request, result } from '../../../shared/protocol';
import type { DaemonInfo } from '../../../daemon/home/discovery';
import { connectTcp, connectUnix, httpGet, type RawRpc } from '../../helpers/rawRpc';

const SleepParams = z.strictObject({ ms: z.number() });
const Sleep = request('test/sleep', params<z.output<typeof SleepParams>>(), result<{ slept: number }>());
const Blob = notification('test/blob', params<{ data: string }>(), (v): v is { data: string } => typeof v === 'object');
const TOKEN = 'k'.repeat(64);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(overrides: Partial<RpcServerOptions> = {}): Promise<{ server: RpcServer; info: DaemonInfo }> {
  const home = mkdtempSync(join(tmpdir(), 'sb-rpcserver-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const router = new Router(silentLogger);
  router.on(
    Sleep,
    async ({ ms }) => {
      await new Promise((r) => setTimeout(r, ms));
      return { slept: ms };
    },
    SleepParams,
  );
  const server = await RpcServer.start({
    socketPath: join(home, 'daemon.sock'),
    port: 0,
    token: TOKEN,
    router,
    log: silentLogger,
    ...overrides,
  });
  cleanups.push(() => server.close());
  const info: DaemonInfo = {
    pid: process.pid,
    version: 'test',
    protocolVersion: '1.0.0',
    socket: server.socketPath,
    port: server.port,
    token: TOKEN,
    startedAt: '',
  };
  return { server, info };
}

async function client(connecting: Promise<RawRpc>): Promise<RawRpc> {
  const c = await connecting;
  cleanups.push(() => c.ws.terminate());
  return c;
}

describe('RpcServer', () => {
  it('runs requests on one socket concurrently: a slow call does not hold up a fast one', async () => {
    const { info } = await serve();
    const c = await client(connectUnix(info));
    c.send(JSON.stringify({ jsonrpc: '2.0', id: 'slow', method: 'test/sleep', params: { ms: 400 } }));
    c.send(JSON.stringify({ jsonrpc: '2.0', id: 'fast', method: 'test/sleep', params: { ms: 1 } }));
    expect(await c.next()).toMatchObject({ id: 'fast' });
    expect(await c.next()).toMatchObject({ id: 'slow' });
  });

  it('drops a peer that stops answering pings', async () => {
    const { info, server } = await serve({ pingIntervalMs: 100 });
    const silent = new WebSocket(`ws://127.0.0.1:${info.port}/rpc`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
      autoPong: false,
    });
    cleanups.push(() => silent.terminate());
    silent.on('error', () => undefined);
    const polite = await client(connectTcp(info));
    await new Promise<void>((done) => silent.once('close', () => done()));
    await new Promise((r) => setTimeout(r, 50)); // the server's side of the close lands a moment later
    expect(server.sessions.size).toBe(1);
    expect((await polite.call('test/sleep', { ms: 1 })).result).toEqual({ slept: 1 });
  });

  it('tracks sessions and aborts a session’s signal when its socket closes', async () => {
    const opened: ClientSession[] = [];
    const closedSessions: ClientSession[] = [];
    const { server, info } = await serve({
      onSessionOpen: (s) => opened.push(s),
      onSessionClose: (s) => closedSessions.push(s),
    });
    const c = await client(connectUnix(info));
    await c.call('test/sleep', { ms: 1 });
    expect(server.sessions.size).toBe(1);
    const session = opened[0]!;
    expect(session.clientName).toBe('unknown');
    expect(session.closed.aborted).toBe(false);
    await c.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(session.closed.aborted).toBe(true);
    expect(closedSessions).toEqual([session]);
    expect(server.sessions.size).toBe(0);
  });

  it('needs no wait (drained() is undefined) while the send buffer is below its high-water mark', async () => {
    let session: ClientSession | undefined;
    const { info } = await serve({ onSessionOpen: (s) => (session = s) });
    const c = await client(connectUnix(info));
    await c.call('test/sleep', { ms: 1 });
    session!.notify(Blob, { data: 'small' });
    expect(session!.drained()).toBeUndefined();
  });

  it('applies backpressure: drained() waits while the client reads nothing, and resolves when it closes', async () => {
    let session: ClientSession | undefined;
    const { info } = await serve({ onSessionOpen: (s) => (session = s) });
    const c = await client(connectUnix(info));
    await c.call('test/sleep', { ms: 1 });
    (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = 'x'.repeat(256 * 1024); // 32 of them: 8 MiB, past the high-water mark, under the 16 MiB unread-reply cap
    for (let i = 0; i < 32; i++) session!.notify(Blob, { data: chunk });
    let drained = false;
    const pending = session!.drained();
    expect(pending).toBeInstanceOf(Promise);
    const waiting = pending!.then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(drained).toBe(false);
    c.ws.terminate();
    await waiting;
    expect(drained).toBe(true);
    session!.notify(Blob, { data: 'after close' }); // dropped silently
  });

  it('closes clients with 1001 and removes its socket file; a second close() is harmless', async () => {
    const { server, info } = await serve();
    const c = await client(connectTcp(info));
    await server.close();
    expect((await c.closed).code).toBe(1001);
    expect(existsSync(info.socket)).toBe(false);
    await server.close();
  });

  it('replaces a stale socket file left by a crash', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sb-rpcserver-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const socketPath = join(home, 'daemon.sock');
    writeFileSync(socketPath, 'stale');
    const { info } = await serve({ socketPath });
    const c = await client(connectUnix(info));
    expect((await c.call('test/sleep', { ms: 1 })).result).toEqual({ slept: 1 });
  });

  it('rejects start when the port is taken, leaving nothing listening', async () => {
    const { info } = await serve();
    const home = mkdtempSync(join(tmpdir(), 'sb-rpcserver-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const router = new Router(silentLogger);
    await expect(
      RpcServer.start({
        socketPath: join(home, 'daemon.sock'),
        port: info.port,
        token: TOKEN,
        router,
        log: silentLogger,
      }),
    ).rejects.toThrow(/EADDRINUSE/);
    expect(existsSync(join(home, 'daemon.sock'))).toBe(false);
  });

  it('serves plain HTTP through the hook only after the checks pass', async () => {
    const seen: string[] = [];
    const { info } = await serve({
      httpHandler: (req, res) => {
        seen.push(req.url ?? '');
        if (req.url !== '/v1/models') return false;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"data":[]}');
        return true;
      },
    });
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await httpGet({ port: info.port }, '/v1/models')).status).toBe(401);
    expect(seen).toEqual([]);
    expect(await httpGet({ port: info.port }, '/v1/models', auth)).toMatchObject({ status: 200, body: '{"data":[]}' });
    expect((await httpGet({ port: info.port }, '/v1/other', auth)).status).toBe(404);
    expect((await httpGet({ socketPath: info.socket }, '/v1/models', { Host: 'localhost' })).status).toBe(404);
    expect(seen).toEqual(['/v1/models', '/v1/other']);
  });

  it('keeps an idle keep-alive connection past the clients’ own 5 s expiry, and says for how long', async () => {
    const { info } = await serve({
      httpHandler: (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"data":[]}');
        return true;
      },
    });
    const socket = connect(info.port, '127.0.0.1');
    cleanups.push(() => void socket.destroy());
    let received = '';
    let closed = false;
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('close', () => (closed = true));
    const ask = () =>
      socket.write(`GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:${info.port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
    const answers = () => received.split('HTTP/1.1 200 OK').length - 1;

    ask();
    await until(socket, () => answers() === 1);
    expect(received.toLowerCase()).toContain(`keep-alive: timeout=${HTTP_KEEP_ALIVE_MS / 1000}`);
    // Node's default would have closed it at 5 s, as a client using it again at its own 5 s expiry.
    await new Promise((r) => setTimeout(r, 5_500));
    expect(closed).toBe(false);
    ask();
    await until(socket, () => answers() === 2);
  }, 15_000);
});

/** Resolves once `done()` holds after data on the socket; rejects if it closes first. */
function until(socket: Socket, done: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done()) return;
      socket.off('data', check);
      socket.off('close', closed);
      resolve();
    };
    const closed = () => reject(new Error('the connection closed before the answer'));
    socket.on('data', check);
    socket.on('close', closed);
    check();
  });
}
