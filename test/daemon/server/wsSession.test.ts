/**
 * What a session puts on the wire: a notification is exactly JSON.stringify of its JSON-RPC
 * envelope, fast path or not, and messages framed by the session itself arrive whole and in order.
 */
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { Socket, type AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ChatDelta, ConnectionsChanged } from '../../../shared/protocol';
import { rawSocketOf, WsSession } from '../../../daemon/server/wsSession';

class FakeWs extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  sent: string[] = [];
  send(text: string): void {
    this.sent.push(text);
  }
}

const wsVersion = (createRequire(import.meta.url)('ws/package.json') as { version: string }).version;

const envelope = (method: string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', method, params });

describe('WsSession.notify', () => {
  it('writes other notifications through JSON.stringify', () => {
    const ws = new FakeWs();
    const session = new WsSession(ws as unknown as WebSocket, 'socket');
    const params = { connectionId: 'c1', reason: 'updated' } as never;
    session.notify(ConnectionsChanged, params);
    expect(ws.sent).toEqual([envelope('connections/changed', params)]);
  });

  it('sends nothing once the socket is no longer open', () => {
    const ws = new FakeWs();
    const session = new WsSession(ws as unknown as WebSocket, 'socket');
    ws.readyState = WebSocket.CLOSING;
    session.notify(ChatDelta, { streamId: 's', index: 0, text: 'late' });
    expect(ws.sent).toEqual([]);
  });
});

/** Polls `done` every 5 ms, at most 2 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('WsSession.send over a real WebSocket', () => {
  async function pair(serverOptions: { perMessageDeflate: boolean }) {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, ...serverOptions });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
    const received: string[] = [];
    client.on('message', (data, isBinary) => received.push(isBinary ? '(binary)' : String(data)));
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    const server = await accepted;
    const close = async () => {
      client.terminate();
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
      await new Promise((r) => http.close(r));
    };
    return { session: new WsSession(server, 'tcp'), server, client, received, close };
  }

  const texts = [
    '',
    'a',
    'x'.repeat(125),
    'y'.repeat(126),
    'é'.repeat(63),
    '😀'.repeat(40),
    'z'.repeat(65_535),
    'w'.repeat(65_536),
    `${'ü'.repeat(40_000)}end`,
  ];

  it('delivers every message whole and in order, at each frame-length boundary, with pings in between', async () => {
    const p = await pair({ perMessageDeflate: false });
    try {
      expect(p.server.extensions).toBe('');
      const viaWs = vi.spyOn(p.server, 'send');
      for (const [i, text] of texts.entries()) {
        p.session.send(text);
        if (i === 3) p.server.ping();
      }
      p.session.notify(ChatDelta, { streamId: 's', index: 0, text: 'last' });
      await until(() => p.received.length >= texts.length + 1);
      expect(p.received).toEqual([...texts, envelope('chat/delta', { streamId: 's', index: 0, text: 'last' })]);
      expect(viaWs).not.toHaveBeenCalled(); // framed by the session itself
    } finally {
      await p.close();
    }
  });

  it("pins ws's private `_socket`: the session corks it and frames text on it (fails loudly if a ws release moves it)", async () => {
    const p = await pair({ perMessageDeflate: false });
    try {
      const socket = rawSocketOf(p.server);
      if (!(socket instanceof Socket)) {
        throw new Error(
          `ws ${wsVersion} no longer keeps its net.Socket in \`_socket\`: update rawSocketOf() in daemon/server/wsSession.ts (streamed deltas fall back to the slower ws.send meanwhile).`,
        );
      }
      expect(socket.remotePort).toBe((p.client as unknown as { _socket: Socket })._socket.localPort);
      // What the session writes there is what the client's ws reads, in order with ws's own frames.
      p.session.send('framed here');
      p.server.send('framed by ws');
      await until(() => p.received.length >= 2);
      expect(p.received).toEqual(['framed here', 'framed by ws']);
    } finally {
      await p.close();
    }
  });

  it('holds the messages of one turn corked until its end; a `now` send releases them at once', async () => {
    const p = await pair({ perMessageDeflate: false });
    try {
      const socket = rawSocketOf(p.server) as Socket;
      p.session.send('held');
      p.session.send('held too');
      expect(socket.writableCorked).toBe(1);
      p.session.send('first delta', true);
      expect(socket.writableCorked).toBe(0);
      p.session.send('next');
      expect(socket.writableCorked).toBe(1);
      await new Promise((r) => setImmediate(r));
      expect(socket.writableCorked).toBe(0);
      // A first send of a turn with `now` corks nothing.
      p.session.send('alone', true);
      expect(socket.writableCorked).toBe(0);
      await until(() => p.received.length >= 5);
      expect(p.received).toEqual(['held', 'held too', 'first delta', 'next', 'alone']);
    } finally {
      await p.close();
    }
  });

  it('still delivers through ws when an extension (compression) was negotiated', async () => {
    const p = await pair({ perMessageDeflate: true });
    try {
      expect(p.server.extensions).not.toBe('');
      const viaWs = vi.spyOn(p.server, 'send');
      for (const text of texts) p.session.send(text);
      await until(() => p.received.length >= texts.length);
      expect(p.received).toEqual(texts);
      expect(viaWs).toHaveBeenCalledTimes(texts.length);
    } finally {
      await p.close();
    }
  });

  it('keeps a message sent just before close() ahead of the close frame', async () => {
    const p = await pair({ perMessageDeflate: false });
    try {
      const closed = new Promise<number>((resolve) => p.client.once('close', (code) => resolve(code)));
      p.session.send('before close');
      p.server.close(1001, 'bye');
      expect(await closed).toBe(1001);
      expect(p.received).toEqual(['before close']);
    } finally {
      await p.close();
    }
  });
});
