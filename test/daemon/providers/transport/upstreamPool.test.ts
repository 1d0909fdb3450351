import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { IDLE_MS, idleLimitMs, MAX_IDLE_MS, upstreamPools } from '../../../../daemon/providers/transport/upstreamPool';

describe('idleLimitMs: how long a pooled socket is kept', () => {
  it('is 4 s without a hint, and the hint less a second with one, shorter or longer', () => {
    expect(IDLE_MS).toBe(4_000);
    expect(idleLimitMs(undefined)).toBe(4_000);
    expect(idleLimitMs(['Content-Type', 'text/event-stream'])).toBe(4_000);
    expect(idleLimitMs(['Keep-Alive', 'max=100'])).toBe(4_000);
    expect(idleLimitMs(['Keep-Alive', 'timeout=5'])).toBe(4_000);
    expect(idleLimitMs(['keep-alive', 'timeout=2, max=100'])).toBe(1_000);
    expect(idleLimitMs(['KEEP-ALIVE', 'timeout=60'])).toBe(59_000);
    expect(idleLimitMs(['Keep-Alive', 'timeout=30, max=1000'])).toBe(29_000);
  });

  it('keeps no socket longer than 10 minutes, whatever the server announced', () => {
    expect(MAX_IDLE_MS).toBe(600_000);
    expect(idleLimitMs(['Keep-Alive', 'timeout=601'])).toBe(600_000);
    expect(idleLimitMs(['Keep-Alive', 'timeout=99999999'])).toBe(600_000);
  });

  it('is 0 (not kept) when the server closes within a second', () => {
    expect(idleLimitMs(['Keep-Alive', 'timeout=1'])).toBe(0);
    expect(idleLimitMs(['Keep-Alive', 'timeout=0'])).toBe(0);
  });
});

describe('upstreamPools: sockets through real exchanges', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A node:http server; `keepAliveTimeout` is what it announces (`Keep-Alive: timeout=N`). */
  async function server(keepAliveTimeoutMs: number, handler: http.RequestListener): Promise<number> {
    const s = http.createServer(handler);
    s.keepAliveTimeout = keepAliveTimeoutMs;
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    closers.push(async () => {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    });
    return (s.address() as AddressInfo).port;
  }

  /** One GET through the pool; resolves with the body and the socket it went on. */
  function get(port: number): Promise<{ body: string; socket: Socket }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent: upstreamPools.http }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ body, socket: req.socket! }));
      });
      req.on('error', reject);
    });
  }

  const freeSockets = (port: number) => upstreamPools.http.freeSockets[`127.0.0.1:${port}:`] ?? [];
  const settle = () => new Promise((r) => setImmediate(r));

  it('keeps a socket with the server’s hint less a second, reuses it, and closes it once idle that long', async () => {
    const port = await server(2_000, (_req, res) => res.end('ok'));
    const first = await get(port);
    await settle();
    expect(freeSockets(port)).toEqual([first.socket]);
    expect(first.socket.timeout).toBe(1_000);
    // The limit is armed once per socket, not cleared and re-armed by every request on it.
    let rearmed = 0;
    const setTimeoutOf = first.socket.setTimeout.bind(first.socket);
    first.socket.setTimeout = (ms: number, cb?: () => void) => (rearmed++, setTimeoutOf(ms, cb));
    const second = await get(port);
    expect(second.socket).toBe(first.socket);
    await settle();
    expect(rearmed).toBe(0);
    expect(second.socket.listenerCount('timeout')).toBe(1); // the pool's own
    await new Promise((r) => setTimeout(r, 1_300));
    expect(second.socket.destroyed).toBe(true);
    expect(freeSockets(port)).toEqual([]);
  });

  it('does not cut an answer that is slower than the idle limit', async () => {
    const port = await server(2_000, (_req, res) => void setTimeout(() => res.end('late'), 1_500));
    const first = await get(port);
    expect(first.body).toBe('late');
    // The socket came back from the pool with its idle limit (1 s) armed, and the answer takes 1.5 s.
    expect(first.socket.timeout).toBe(1_000);
    const second = await get(port);
    expect(second.socket).toBe(first.socket);
    expect(second.body).toBe('late');
  });

  it('keeps a socket 4 s when the server gives no hint', async () => {
    // A server that answers HTTP/1.1 keep-alive without a Keep-Alive header (most servers behind a CDN).
    const raw = net.createServer((socket) => {
      socket.on('data', () =>
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok'),
      );
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const port = (raw.address() as AddressInfo).port;
    closers.push(async () => {
      for (const s of freeSockets(port)) s.destroy();
      await new Promise((r) => raw.close(r));
    });
    const { body, socket } = await get(port);
    await settle();
    expect(body).toBe('ok');
    expect(freeSockets(port)).toEqual([socket]);
    expect(socket.timeout).toBe(4_000);
  });

  it('keeps a socket past 4 s when the server announced longer (through a pause between bursts)', async () => {
    const port = await server(30_000, (_req, res) => res.end('ok'));
    const first = await get(port);
    await settle();
    expect(first.socket.timeout).toBe(29_000);
    expect(freeSockets(port)).toEqual([first.socket]);
    const second = await get(port);
    expect(second.socket).toBe(first.socket);
  });

  it('does not keep a socket whose server closes within a second', async () => {
    const port = await server(1_000, (_req, res) => res.end('ok'));
    const { socket } = await get(port);
    await settle();
    expect(freeSockets(port)).toEqual([]);
    expect(socket.destroyed).toBe(true);
  });
});
