/**
 * Bounded memory and concurrency through the real daemon: a client that never reads its replies is
 * closed once too much is queued for it; chat streams are capped per client and in total, with a
 * RATE_LIMITED error saying which cap; and 40 concurrent streams on one socket run without
 * Node's MaxListenersExceededWarning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { ErrorCode, type SwitchboardClient } from '../../../shared/client';
import { ConnectionsCreate, DaemonStatus } from '../../../shared/protocol';
import { cleanupDaemons, eventually, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt } from '../../helpers/integrationClient';
import { connectTcp } from '../../helpers/rawRpc';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { rejectionOf, user } from '../chat/harness';

const KEY = 'sk-test-bounds-0123456789abcdefghij';
let mock: MockUpstream;

beforeAll(async () => {
  ensureDaemonBuilt();
  mock = await startMockUpstream({
    validKeys: [KEY],
    defaultReply: { chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 50 },
  });
});
afterAll(async () => {
  await closeClients();
  await cleanupDaemons();
  await mock?.close();
});

/** Polls an async condition every 25 ms until true or the timeout passes. */
async function eventuallyAsync(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

async function connectionOn(client: SwitchboardClient, name: string): Promise<string> {
  const { connection } = await client.request(ConnectionsCreate, {
    name,
    provider: 'openai',
    baseUrl: mock.openaiBaseUrl,
    apiKey: KEY,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  return connection.id;
}

describe('streams', () => {
  it('runs 40 concurrent streams on one socket without a MaxListenersExceededWarning', async () => {
    const daemon = await startDaemon();
    const client = await connectClient(daemon, 'forty');
    const id = await connectionOn(client, 'forty');
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => client.chat({ connectionId: id, messages: user('hi') }).result),
    );
    expect(answers.every((a) => a.text === 'abcd')).toBe(true);
    expect(daemon.output()).not.toMatch(/MaxListenersExceeded/);
    await closeClients();
    await daemon.stop();
  });

  it('refuses a stream past the per-client and the global cap with RATE_LIMITED naming the cap, and frees a slot when one ends', async () => {
    const daemon = await startDaemon({
      env: { SWITCHBOARD_MAX_STREAMS_PER_CLIENT: '3', SWITCHBOARD_MAX_STREAMS: '5' },
    });
    const a = await connectClient(daemon, 'a');
    const b = await connectClient(daemon, 'b');
    const id = await connectionOn(a, 'capped');
    mock.fault({ kind: 'hang' });
    const aStreams = Array.from({ length: 3 }, () => a.chat({ connectionId: id, messages: user('hi') }));
    await eventually(() => mock.requests.filter((r) => r.path.endsWith('/chat/completions')).length >= 3);
    const perClient = await rejectionOf(a.chat({ connectionId: id, messages: user('one more') }).result);
    expect(perClient.code).toBe(ErrorCode.RATE_LIMITED);
    expect(perClient.message).toMatch(/3 are already running on this connection/);
    expect(perClient.data).toMatchObject({ limit: 3, retryAfterMs: 1000 });
    const bStreams = Array.from({ length: 2 }, () => b.chat({ connectionId: id, messages: user('hi') }));
    await eventually(() => mock.requests.filter((r) => r.path.endsWith('/chat/completions')).length >= 5);
    const global = await rejectionOf(b.chat({ connectionId: id, messages: user('one more') }).result);
    expect(global.code).toBe(ErrorCode.RATE_LIMITED);
    expect(global.message).toMatch(/5 are already running in the daemon/);
    // One ends: its slot is free again.
    aStreams[0]!.cancel();
    await rejectionOf(aStreams[0]!.result);
    // The client drops its side at once; the daemon frees the slot when its chat/cancel lands.
    let active = 5;
    for (let i = 0; i < 200 && active > 4; i++) {
      active = (await b.request(DaemonStatus)).activeStreams;
      if (active > 4) await new Promise((r) => setTimeout(r, 25));
    }
    expect(active).toBe(4);
    mock.clearFaults();
    expect((await b.chat({ connectionId: id, messages: user('now') }).result).text).toBe('abcd');
    for (const s of [...aStreams.slice(1), ...bStreams]) s.cancel();
    await Promise.allSettled([...aStreams, ...bStreams].map((s) => s.result));
    await closeClients();
    await daemon.stop();
  });
});

describe('HTTP answers', () => {
  it('take slots under the same caps as JSON-RPC streams: a 429 with retry-after past them, and a slot freed when an answer ends', async () => {
    const daemon = await startDaemon({
      env: { SWITCHBOARD_MAX_STREAMS_PER_CLIENT: '3', SWITCHBOARD_MAX_STREAMS: '5' },
    });
    const rpc = await connectClient(daemon, 'rpc');
    const id = await connectionOn(rpc, 'capped');
    const url = `http://127.0.0.1:${daemon.info.port}/v1/chat/completions`;
    const post = (signal?: AbortSignal) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${daemon.info.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'capped', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
        ...(signal && { signal }),
      });
    const active = async () => (await rpc.request(DaemonStatus)).activeStreams;
    mock.fault({ kind: 'hang' });
    const aborts = Array.from({ length: 3 }, () => new AbortController());
    const held = aborts.map((a) => post(a.signal).catch(() => undefined));
    expect(await eventuallyAsync(async () => (await active()) === 3)).toBe(true);
    // The owner's fourth HTTP answer is past the per-client cap.
    const perClient = await post();
    expect(perClient.status).toBe(429);
    expect(perClient.headers.get('retry-after')).toBe('1');
    expect(((await perClient.json()) as { error: { message: string } }).error.message).toMatch(
      /3 are already running for the owner over HTTP/,
    );
    // JSON-RPC and HTTP share the daemon's cap: two more streams fill it, the next is refused.
    const rpcStreams = Array.from({ length: 2 }, () => rpc.chat({ connectionId: id, messages: user('hi') }));
    expect(await eventuallyAsync(async () => (await active()) === 5)).toBe(true);
    const global = await rejectionOf(rpc.chat({ connectionId: id, messages: user('one more') }).result);
    expect(global.message).toMatch(/5 are already running in the daemon/);
    // An HTTP client hanging up frees its slot.
    aborts[0]!.abort();
    expect(await eventuallyAsync(async () => (await active()) === 4)).toBe(true);
    mock.clearFaults();
    const now = await post();
    expect(now.status).toBe(200);
    await now.text();
    for (const a of aborts) a.abort();
    for (const s of rpcStreams) s.cancel();
    await Promise.allSettled([...held, ...rpcStreams.map((s) => s.result)]);
    await closeClients();
    await daemon.stop();
  });
});

describe('replies a client does not read', () => {
  it('closes that client once more than the cap is queued, and keeps serving the others', async () => {
    const daemon = await startDaemon({ env: { SWITCHBOARD_MAX_QUEUED_BYTES: String(1024 * 1024) } });
    const other = await connectClient(daemon, 'reader');
    const flooder = await connectTcp(daemon.info);
    // Stop reading at the TCP level: replies pile up in the daemon.
    (flooder.ws as unknown as { _socket: Socket })._socket.pause();
    let sent = 0;
    let closed = false;
    void flooder.closed.then(() => (closed = true));
    const frame = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'providers/list' });
    while (!closed && sent < 20_000) {
      for (let i = 0; i < 200; i++) flooder.send(frame);
      sent += 200;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await eventually(() => /closed a client that does not read its replies/.test(daemon.output()), 10_000)).toBe(
      true,
    );
    // Reading again, the client finds its connection closed.
    (flooder.ws as unknown as { _socket: Socket })._socket.resume();
    expect(await eventually(() => closed, 5000)).toBe(true);
    expect((await other.request(DaemonStatus)).pid).toBe(daemon.info.pid);
    await closeClients();
    await daemon.stop();
  });
});
