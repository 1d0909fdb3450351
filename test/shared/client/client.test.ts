/** Unit tests of SwitchboardClient against the FAKE daemon in ./fakeDaemon (not the real daemon). */
import { JSONRPCErrorException } from 'json-rpc-2.0';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DaemonUnavailableError, RpcError, SwitchboardClient, SwitchboardError } from '../../../shared/client';
import {
  ConnectionsChanged,
  ConnectionsGet,
  DaemonStatus,
  EventsSubscribe,
  notification,
  params,
} from '../../../shared/protocol';
import { appError, FakeDaemon } from './fakeDaemon';

let daemon: FakeDaemon;
let client: SwitchboardClient | undefined;

beforeEach(async () => {
  daemon = await FakeDaemon.start();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await daemon.stop();
});

const connect = async (opts: Parameters<typeof SwitchboardClient.connect>[0] = {}): Promise<SwitchboardClient> =>
  (client = await SwitchboardClient.connect({ home: daemon.home, ...opts }));

describe('connect', () => {
  it('connects over the Unix socket and introduces itself with daemon/hello', async () => {
    const c = await connect({ clientName: 'test-tool', clientVersion: '1.2.3' });
    expect(c.transport).toBe('unix');
    expect(c.connected).toBe(true);
    expect(c.daemon.version).toBe('0.0.0-fake');
    expect(daemon.calls('daemon/hello')).toEqual([
      { client: { name: 'test-tool', version: '1.2.3' }, protocolVersion: '1.0.0' },
    ]);
  });

  it('sends no Origin header on either transport, and no token over the socket', async () => {
    await (await connect({ transport: 'unix' })).close();
    await connect({ transport: 'tcp' });
    expect(daemon.upgrades.map((u) => u.status)).toEqual([101, 101]);
    for (const u of daemon.upgrades) expect(u.headers.origin).toBeUndefined();
    expect(daemon.upgrades[0]!.headers.authorization).toBeUndefined();
  });

  it('falls back to TCP with the bearer token when the socket is missing', async () => {
    const c = await connect({ info: { ...daemon.info, socket: `${daemon.home}/missing.sock` } });
    expect(c.transport).toBe('tcp');
    expect(daemon.upgrades[0]!.headers.authorization).toBe(`Bearer ${daemon.token}`);
  });

  it('reaches a socket whose path has spaces in it (macOS Application Support)', async () => {
    const spaced = await FakeDaemon.start({ homeName: 'Application Support' });
    try {
      const c = await SwitchboardClient.connect({ home: spaced.home, transport: 'unix' });
      expect(c.transport).toBe('unix');
      await c.close();
    } finally {
      await spaced.stop();
    }
  });

  it('says the daemon is not running when daemon.json is absent', async () => {
    const home = `${daemon.home}/empty`;
    const error = await SwitchboardClient.connect({ home }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonUnavailableError);
    expect(error).toMatchObject({ code: 'UNREACHABLE', reason: 'not-running' });
    expect((error as Error).message).toBe(
      `The Switchboard daemon is not running (no daemon.json in ${home}). Start it with \`npm start\` or \`switchboard daemon start\`.`,
    );
  });

  it('says the daemon is not running when daemon.json names a dead pid', async () => {
    const error = await connect({ info: { ...daemon.info, pid: 2 ** 22 + 12345 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'stale' });
    expect((error as Error).message).toMatch(/not running .*pid 4206649, which has exited/);
  });

  it('names both listeners when neither accepts the connection', async () => {
    const info = { ...daemon.info, socket: `${daemon.home}/gone.sock`, port: 1 };
    const error = await connect({ info }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'refused' });
    expect((error as Error).message).toContain('gone.sock: does not exist');
    expect((error as Error).message).toContain('127.0.0.1:1: connection refused');
  });

  it('reports a rejected token as unauthorized', async () => {
    const error = await connect({ transport: 'tcp', info: { ...daemon.info, token: 'wrong' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ reason: 'unauthorized' });
    expect((error as Error).message).toContain('HTTP 401');
  });

  it('refuses a daemon with an incompatible protocol and closes the socket', async () => {
    daemon.handle('daemon/hello', () => ({
      name: 'switchboard',
      version: '9',
      protocolVersion: '9.0.0',
      pid: process.pid,
      compatible: false,
    }));
    const error = await connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'incompatible' });
  });
});

describe('request', () => {
  it('resolves to the result and sends no params when none are given', async () => {
    daemon.handle('daemon/status', () => ({ pid: 7, clients: 1 }));
    const c = await connect();
    await expect(c.request(DaemonStatus)).resolves.toMatchObject({ pid: 7 });
    expect(daemon.received.at(-1)).toMatchObject({ method: 'daemon/status', params: undefined });
  });

  it('rejects an application error with a SwitchboardError carrying code, message and data', async () => {
    daemon.handle('connections/get', ({ id }) => {
      throw appError('CONNECTION_NOT_FOUND', `No connection has id ${id}.`, { connectionId: id });
    });
    const c = await connect();
    const error = await c.request(ConnectionsGet, { id: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({
      code: 'CONNECTION_NOT_FOUND',
      message: 'No connection has id nope.',
      data: { hint: 'hint for CONNECTION_NOT_FOUND', connectionId: 'nope' },
    });
  });

  it('rejects a protocol error with an RpcError carrying data.field', async () => {
    daemon.handle('connections/get', () => {
      throw new JSONRPCErrorException('Invalid params: id: must not be empty', -32602, { field: 'id' });
    });
    const c = await connect();
    const error = await c.request(ConnectionsGet, { id: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: -32602, data: { field: 'id' } });
  });

  it('rejects an unknown method with -32601', async () => {
    const c = await connect();
    await expect(c.request(EventsSubscribe, {})).rejects.toMatchObject({ name: 'RpcError', code: -32601 });
  });

  it('times out when the daemon never answers', async () => {
    daemon.handle('daemon/status', () => new Promise(() => undefined));
    const c = await connect({ requestTimeoutMs: 100 });
    const started = Date.now();
    await expect(c.request(DaemonStatus)).rejects.toMatchObject({ code: 'TIMEOUT', data: { method: 'daemon/status' } });
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(c.request(DaemonStatus, undefined, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('rejects with CANCELLED when its signal aborts', async () => {
    daemon.handle('daemon/status', () => new Promise(() => undefined));
    const c = await connect();
    const controller = new AbortController();
    const pending = c.request(DaemonStatus, undefined, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(c.request(DaemonStatus, undefined, { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });

  it('rejects every pending request when the daemon drops the connection', async () => {
    daemon.handle('daemon/status', () => new Promise(() => undefined));
    daemon.handle('daemon/shutdown', (_p, peer) => {
      setTimeout(() => peer.terminate(), 20);
      return new Promise(() => undefined);
    });
    const c = await connect();
    const closed = new Promise((resolve) => c.onClose(resolve));
    const first = c.request(DaemonStatus);
    const second = c.request({ kind: 'request', method: 'daemon/shutdown' });
    await expect(first).rejects.toBeInstanceOf(DaemonUnavailableError);
    await expect(second).rejects.toMatchObject({
      reason: 'closed',
      message: expect.stringContaining('closed before daemon/shutdown was answered'),
    });
    expect(await closed).toMatchObject({ requested: false });
    expect(c.connected).toBe(false);
    await expect(c.request(DaemonStatus)).rejects.toMatchObject({ reason: 'closed' });
  });

  it('rejects pending requests at once on close() and tells onClose it was requested', async () => {
    daemon.handle('daemon/status', () => new Promise(() => undefined));
    const c = await connect();
    const events: unknown[] = [];
    c.onClose((e) => events.push(e));
    const pending = c.request(DaemonStatus);
    const closing = c.close();
    await expect(pending).rejects.toMatchObject({
      reason: 'closed',
      message: expect.stringContaining('closed by this client'),
    });
    await closing;
    expect(events).toEqual([{ code: 1000, reason: 'client closed', requested: true }]);
  });
});

describe('notifications', () => {
  it('delivers subscribed events to handlers until disposed', async () => {
    daemon.handle('events/subscribe', (_p, peer) => {
      const connection = {
        id: 'c1',
        name: 'Work',
        provider: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        timeoutMs: 60000,
        maxRetries: 2,
        isDefault: false,
        keySource: 'none',
        keyAvailable: false,
        createdAt: 'now',
        updatedAt: 'now',
      };
      peer.notify('connections/changed', { kind: 'deleted', id: 'c1', connection });
      return { events: ['connections/changed'] };
    });
    const c = await connect();
    const seen: string[] = [];
    const sub = c.onNotification(ConnectionsChanged, (p) => seen.push(`${p.kind}:${p.id}`));
    await c.request(EventsSubscribe, {});
    expect(seen).toEqual(['deleted:c1']);
    sub.dispose();
    await c.request(EventsSubscribe, {});
    expect(seen).toEqual(['deleted:c1']);
  });

  it("drops notifications whose params fail the descriptor's check, and survives a throwing handler", async () => {
    const Ping = notification(
      'test/ping',
      params<{ n: number }>(),
      (v): v is { n: number } => typeof (v as { n?: unknown })?.n === 'number',
    );
    daemon.handle('test/echo', (_p, peer) => {
      peer.notify('test/ping', { n: 'not a number' });
      peer.notify('test/ping', { n: 2 });
      return {};
    });
    const c = await connect();
    const seen: number[] = [];
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    c.onNotification(Ping, () => {
      throw new Error('boom');
    });
    c.onNotification(Ping, (p) => seen.push(p.n));
    await c.request({ kind: 'request', method: 'test/echo' });
    expect(seen).toEqual([2]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('boom'));
    warn.mockRestore();
  });

  it('sends notifications to the daemon', async () => {
    const Ping = notification('test/ping', params<{ n: number }>(), (v): v is { n: number } => true);
    const c = await connect();
    c.notify(Ping, { n: 1 });
    await vi.waitFor(() => expect(daemon.calls('test/ping')).toEqual([{ n: 1 }]));
  });
});
