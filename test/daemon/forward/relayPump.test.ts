import { EventEmitter } from 'node:events';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pump } from '../../../daemon/forward/relayPump';
import { OpenAIStreamTap } from '../../../daemon/forward/streamTap';
import { BodyCutError } from '../../../daemon/providers/transport/sseReader';

const event = (delta: object) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
const ROLE = event({ role: 'assistant', content: '' });
const turn = () => new Promise((r) => setImmediate(r));

/**
 * A client response whose socket counts corks, and which records each write. Its `write` corks
 * like node's chunked `res.write` does (when not corked yet, released in a nextTick).
 */
function fakeResponse(opts: { full?: boolean } = {}) {
  const socket = {
    corked: 0,
    destroyed: false,
    writableLength: 0,
    writableHighWaterMark: 16 * 1024,
    get writableCorked() {
      return this.corked;
    },
    cork() {
      this.corked++;
    },
    uncork() {
      if (this.corked > 0) this.corked--;
    },
  };
  const writes: string[] = [];
  const res = Object.assign(new EventEmitter(), {
    socket,
    writableEnded: false,
    write(chunk: Buffer) {
      writes.push(chunk.toString());
      if (socket.corked === 0) {
        socket.cork();
        process.nextTick(() => socket.uncork());
      }
      return !opts.full;
    },
  });
  return { res: res as unknown as ServerResponse, socket, writes, emitter: res };
}

const tap = () => new OpenAIStreamTap((t) => t, false);

describe('pump: relaying an event stream to the client', () => {
  it('sends each read at once until the first text has gone by, then one corked write per turn', async () => {
    const body = new Readable({ read() {} });
    const { res, socket, writes } = fakeResponse();
    const done = pump(body, { complete: true }, res, tap(), 5_000, true);
    // Whether the socket is still corked once the pump has handled a read (a listener after its own).
    const heldAfterRead: boolean[] = [];
    body.on('data', () => heldAfterRead.push(socket.corked > 0));

    // A burst already buffered: every chunk is emitted in one loop, before any nextTick.
    body.pause();
    body.push(ROLE); // no text yet (an empty content)
    body.push(event({ content: 'Hi' }));
    body.push(event({ content: ' there' }));
    body.push(event({ content: '!' }));
    body.resume();
    await new Promise((r) => process.nextTick(r));
    // The first two left at once; the third corked the socket for the rest of the turn.
    expect(heldAfterRead).toEqual([false, false, true, true]);
    expect(socket.corked).toBe(1);
    await turn();
    expect(socket.corked).toBe(0);

    body.push('data: [DONE]\n\n');
    body.push(null);
    await done;
    expect(writes.join('')).toBe(
      ROLE + event({ content: 'Hi' }) + event({ content: ' there' }) + event({ content: '!' }) + 'data: [DONE]\n\n',
    );
  });

  it('holds the upstream while the client socket is full on a first write, until it drains', async () => {
    const body = new Readable({ read() {} });
    const { res, emitter } = fakeResponse({ full: true });
    const done = pump(body, { complete: true }, res, tap(), 5_000, true);
    body.push(event({ content: 'Hi' }));
    await turn();
    expect(body.isPaused()).toBe(true);
    emitter.emit('drain');
    expect(body.isPaused()).toBe(false);
    body.push(null);
    await done;
  });

  it('rejects a body that closes before its end (a cut)', async () => {
    const body = new Readable({ read() {} });
    const { res } = fakeResponse();
    const done = pump(body, { complete: false }, res, tap(), 5_000, true);
    body.push(event({ content: 'Hi' }));
    await turn();
    body.destroy();
    await expect(done).rejects.toBeInstanceOf(BodyCutError);
  });

  const WHOLE = ROLE + event({ content: 'Hi' }) + event({ content: ' there' }) + 'data: [DONE]\n\n';
  it.each([
    {
      ahead: true,
      does: 'sends a read’s events up to the first text at once, and holds the rest for the response’s end',
      writes: [ROLE + event({ content: 'Hi' }), event({ content: ' there' }) + 'data: [DONE]\n\n'],
    },
    { ahead: false, does: 'with other answers open, sends a read corked and whole', writes: [WHOLE] },
  ])('$does', async ({ ahead, writes: expected }) => {
    const body = new Readable({ read() {} });
    const { res, socket, writes } = fakeResponse();
    const done = pump(body, { complete: true }, res, tap(), 5_000, ahead);
    const heldAfterRead: boolean[] = [];
    body.on('data', () => heldAfterRead.push(socket.corked > 0));
    body.push(WHOLE);
    body.push(null);
    await done;
    expect(writes).toEqual(expected);
    expect(heldAfterRead).toEqual([true]);
  });

  it('on a real socket, a whole answer in one read leaves in two writes: the first token, then the rest with the terminator', async () => {
    const writesOnSocket = await writesOfOneReadAnswer(true);
    // The head with the events up to the first text; then the rest and the chunked terminator, together.
    expect(writesOnSocket).toHaveLength(2);
    expect(writesOnSocket[0]).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(writesOnSocket[0]).toContain('"Hi"');
    expect(writesOnSocket[0]).not.toContain('there');
    expect(writesOnSocket[1]).toContain('data: [DONE]');
    expect(writesOnSocket[1]).toMatch(/\r\n0\r\n\r\n$/);
  });

  it('on a real socket, without the first token ahead, a whole answer in one read leaves in one write, terminator included', async () => {
    const writesOnSocket = await writesOfOneReadAnswer(false);
    expect(writesOnSocket).toHaveLength(1);
    expect(writesOnSocket[0]).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(writesOnSocket[0]).toContain('"Hi"');
    expect(writesOnSocket[0]).toContain('data: [DONE]');
    expect(writesOnSocket[0]).toMatch(/\r\n0\r\n\r\n$/);
  });
});

/**
 * Serves an answer that comes in one read through the pump on a real node:http server, and returns
 * every write the response's socket made, as node made them (checking the client got the whole text).
 */
async function writesOfOneReadAnswer(firstTokenAhead: boolean): Promise<string[]> {
  // What the client gets: every write the response's socket makes, as node makes them.
  const writesOnSocket: string[] = [];
  const server = createServer((_req, res) => {
    const socket = res.socket!;
    const write = socket._write.bind(socket);
    const writev = socket._writev!.bind(socket);
    socket._write = (chunk: Buffer, encoding, cb) => (writesOnSocket.push(String(chunk)), write(chunk, encoding, cb));
    socket._writev = (chunks, cb) => (
      writesOnSocket.push(chunks.map((c) => String(c.chunk)).join('')),
      writev(chunks, cb)
    );
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const body = new Readable({ read() {} });
    void pump(body, { complete: true }, res, tap(), 5_000, firstTokenAhead).then(() => res.end());
    body.push(ROLE + event({ content: 'Hi' }) + event({ content: ' there' }) + 'data: [DONE]\n\n');
    body.push(null);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const text = await new Promise<string>((resolve, reject) => {
      const req = request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1' }, (answer) => {
        let all = '';
        answer.setEncoding('utf8').on('data', (d: string) => (all += d));
        answer.on('end', () => resolve(all));
      });
      req.on('error', reject).end();
    });
    expect(text).toBe(ROLE + event({ content: 'Hi' }) + event({ content: ' there' }) + 'data: [DONE]\n\n');
    return writesOnSocket;
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}
