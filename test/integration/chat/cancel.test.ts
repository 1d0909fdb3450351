/**
 * How a chat/stream ends early, through the real daemon: chat/cancel, the client's socket closing,
 * the connection's deadline, the daemon shutting down — each must stop the upstream request too.
 * Also duplicate stream ids, many concurrent streams, and backpressure from a client that stops reading.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, SwitchboardError } from '../../../shared/client';
import { ChatCancel, DaemonShutdown, type Connection } from '../../../shared/protocol';
import { eventually } from '../../helpers/daemonProcess';
import { connectUnix } from '../../helpers/rawRpc';
import { captureDeltas, cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, sleep, user, type Env } from './harness';

let env: Env;
let conn: Connection;

const SLOW = { chunks: Array.from({ length: 200 }, (_, i) => `w${i} `), chunkDelayMs: 20 };

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  conn = await env.create({
    name: 'slow',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => {
  env.up.reset();
  env.up.reply('gpt-5.4', SLOW);
});

/** Waits until the mock has sent `n` content chunks of the (single) running chat. */
const chunksSent = (n: number) => env.up.waitFor((r) => r.path === '/v1/chat/completions' && r.chunksSent >= n);
const abortedWithin = (ms: number) => env.up.waitFor((r) => r.path === '/v1/chat/completions' && r.aborted, ms);

describe('cancellation', () => {
  it('fails with CANCELLED and partialText on chat/cancel, and aborts the upstream request', async () => {
    const deltas = captureDeltas(env.client, 'cancel-me');
    const stream = env.client.chat({ streamId: 'cancel-me', connectionId: conn.id, messages: user('long') });
    expect(await eventually(() => deltas.texts.length >= 5)).toBe(true);
    expect(await env.client.request(ChatCancel, { streamId: 'cancel-me' })).toEqual({ cancelled: true });
    const error = await rejectionOf(stream.result);
    expect(error.code).toBe(ErrorCode.CANCELLED);
    expect(error.message).toMatch(/chat\/cancel/);
    expect(error.data.partialText).toBe(deltas.texts.join(''));
    expect(error.data.partialText).toMatch(/^w0 w1 w2 w3 w4 /);
    const upstream = await abortedWithin(1000);
    expect(upstream.completed).toBe(false);
    expect(upstream.chunksSent).toBeLessThan(200);
    expect(await env.client.request(ChatCancel, { streamId: 'cancel-me' })).toEqual({ cancelled: false });
  });

  it('stops the upstream when the client cancels through its stream handle', async () => {
    const stream = env.client.chat({ connectionId: conn.id, messages: user('long') });
    await chunksSent(3);
    stream.cancel();
    expect((await rejectionOf(stream.result)).code).toBe(ErrorCode.CANCELLED);
    await abortedWithin(1000);
  });

  it('stops the upstream when the client socket closes mid-stream, and keeps serving others', async () => {
    const leaving = await env.connect('leaving');
    const deltas = captureDeltas(leaving, 'leaving');
    const stream = leaving.chat({ streamId: 'leaving', connectionId: conn.id, messages: user('long') });
    expect(await eventually(() => deltas.texts.length >= 3)).toBe(true);
    const seen = deltas.texts.join('');
    await leaving.close();
    const error = await rejectionOf(stream.result);
    expect(error.code).toBe(ErrorCode.UNREACHABLE); // DaemonUnavailableError: the connection closed
    // What had arrived when it closed (frames already in flight may still reach onNotification handlers).
    const partial = String(error.data.partialText);
    expect(partial.startsWith(seen)).toBe(true);
    expect(deltas.texts.join('').startsWith(partial)).toBe(true);
    await abortedWithin(1000);
    env.up.reply('gpt-5.4', { chunks: ['still', ' here'] });
    expect((await env.client.chat({ connectionId: conn.id, messages: user('again') }).result).text).toBe('still here');
  });

  it('stops the upstream when a client drops its socket without a close handshake', async () => {
    const raw = await connectUnix(env.daemon.info);
    raw.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'chat/stream',
        params: { streamId: 'drop', connectionId: conn.id, messages: user('long') },
      }),
    );
    await chunksSent(3);
    raw.ws.terminate();
    await abortedWithin(1000);
  });
});

describe('deadlines', () => {
  it('fails with TIMEOUT and partialText when the upstream stalls mid-stream, and aborts it', async () => {
    const quick = await env.create({
      name: 'deadline',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      timeoutMs: 1000,
      maxRetries: 0,
    });
    env.up.reply('gpt-5.4', { chunks: ['a', 'b', 'c', 'd', 'e'] });
    env.up.fault({ kind: 'hangAfterChunks', n: 3 });
    const started = Date.now();
    const error = await rejectionOf(env.client.chat({ connectionId: quick.id, messages: user('x') }).result);
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.data.partialText).toBe('abc');
    expect(error.data.hint).toMatch(/timeout/i);
    expect(Date.now() - started).toBeLessThan(2000 + 500);
    await abortedWithin(1000);
  });

  it('fails with TIMEOUT when the upstream never sends its headers', async () => {
    const quick = await env.create({
      name: 'deadline-headers',
      provider: 'anthropic',
      baseUrl: env.up.anthropicBaseUrl,
      apiKey: KEYS.ant,
      defaultModel: 'claude-haiku-4-5',
      timeoutMs: 1000,
      maxRetries: 0,
    });
    env.up.fault({ kind: 'hang' });
    const started = Date.now();
    const error = await rejectionOf(env.client.chat({ connectionId: quick.id, messages: user('x') }).result);
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(Date.now() - started).toBeLessThan(2000 + 500);
    await env.up.waitFor((r) => r.path === '/v1/messages' && r.aborted, 1000);
  });
});

describe('stream ids and concurrency', () => {
  it('refuses a second chat/stream with a running streamId with STREAM_EXISTS', async () => {
    const raw = await connectUnix(env.daemon.info);
    try {
      const params = { streamId: 'dup', connectionId: conn.id, messages: user('long') };
      raw.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chat/stream', params }));
      await chunksSent(2);
      raw.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'chat/stream', params }));
      let answer: any;
      while (!answer) {
        const message = (await raw.next()) as any;
        if (message.id === 2) answer = message;
      }
      expect(answer.error.data.code).toBe(ErrorCode.STREAM_EXISTS);
      expect(answer.error.data.hint).toBeTruthy();
      expect(env.up.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
    } finally {
      await raw.close();
    }
    await abortedWithin(1000);
  });

  it('completes 20 streams on each of two clients with correct, non-interleaved texts', async () => {
    const other = await env.connect('second');
    const script = (c: number, s: number) => Array.from({ length: 30 }, (_, i) => `[${c}:${s}:${i}]`);
    for (let c = 0; c < 2; c++)
      for (let s = 0; s < 20; s++) env.up.reply(`m-${c}-${s}`, { chunks: script(c, s), chunkDelayMs: 2 });
    const runs = [env.client, other].flatMap((client, c) =>
      Array.from({ length: 20 }, async (_, s) => {
        const stream = client.chat({ connectionId: conn.id, model: `m-${c}-${s}`, messages: user('go') });
        const pieces: string[] = [];
        for await (const piece of stream) pieces.push(piece);
        return { c, s, pieces, result: await stream.result };
      }),
    );
    for (const { c, s, pieces, result } of await Promise.all(runs)) {
      expect(pieces).toEqual(script(c, s));
      expect(result.text).toBe(script(c, s).join(''));
      expect(result.model).toBe(`m-${c}-${s}`);
    }
    expect(env.up.requests.filter((r) => r.completed && r.path === '/v1/chat/completions')).toHaveLength(40);
  });
});

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D/g, '')) * 1024;
}

describe('backpressure', () => {
  it('pauses the upstream instead of buffering when the client stops reading', async () => {
    const piece = 'x'.repeat(20_000);
    const total = 800; // 16 MB of text: more than the socket buffers between mock, daemon and client hold
    env.up.reply('big-model', { chunks: Array.from({ length: total }, () => piece) });
    const pid = env.daemon.proc.pid!;
    const before = rssBytes(pid);
    const raw = await connectUnix(env.daemon.info);
    const socket = (raw.ws as any)._socket as import('node:net').Socket;
    socket.pause();
    raw.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'chat/stream',
        params: { streamId: 'big', connectionId: conn.id, model: 'big-model', messages: user('a lot') },
      }),
    );
    const upstream = await env.up.waitFor((r) => r.model === 'big-model' && r.status === 200);
    await sleep(1500);
    // The mock could not hand its whole answer to the daemon: the upstream socket is full, the
    // upstream waits on us. (The mock counts chunksSent when it queues a chunk, before the socket
    // takes it, so `completed` — set once the socket took the last byte — is what shows the stall.)
    expect(upstream.completed).toBe(false);
    expect(upstream.aborted).toBe(false);
    // Measured: ~30 MB of heap warm-up with backpressure, 90–145 MB when the daemon buffers the answer.
    expect(rssBytes(pid) - before).toBeLessThan(60 * 1024 * 1024);

    socket.resume();
    let text = '';
    let nextIndex = 0;
    for (;;) {
      const message = (await raw.next(10_000)) as any;
      if (message.method === 'chat/delta') {
        expect(message.params.index).toBe(nextIndex++);
        text += message.params.text;
      } else if (message.id === 1) {
        expect(message.result.text.length).toBe(total * piece.length);
        break;
      }
    }
    expect(text.length).toBe(total * piece.length);
    await env.up.waitFor((r) => r === upstream && r.completed, 2000);
    await raw.close();
  }, 30_000);
});

describe('shutdown', () => {
  it('ends a running stream promptly when the daemon shuts down', async () => {
    const own = await setup();
    try {
      const c = await own.create({
        name: 'slow',
        provider: 'openai',
        baseUrl: own.up.openaiBaseUrl,
        apiKey: KEYS.a,
        defaultModel: 'gpt-5.4',
      });
      own.up.reply('gpt-5.4', SLOW);
      const stream = own.client.chat({ connectionId: c.id, messages: user('long') });
      await own.up.waitFor((r) => r.chunksSent >= 3);
      const admin = await own.connect('admin');
      const started = Date.now();
      await admin.request(DaemonShutdown);
      const error = await rejectionOf(stream.result);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(error).toBeInstanceOf(SwitchboardError);
      expect([ErrorCode.CANCELLED, ErrorCode.UNREACHABLE]).toContain(error.code);
      if (error.code === ErrorCode.CANCELLED) expect(error.message).toMatch(/shutting down/);
      await own.up.waitFor((r) => r.aborted, 1000);
      expect(await own.daemon.exited).toBe(0);
    } finally {
      await own.teardown();
    }
  });
});
