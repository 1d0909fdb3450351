import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pump } from '../../../daemon/forward/relayPump';
import { OpenAIStreamTap } from '../../../daemon/forward/streamTap';
import { BodyCutError } from '../../../daemon/providers/transport/sseReader';

const event = (delta: object) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
const ROLE = event({ role: 'assistant', content: '' });
const turn = () => new Promise((r) => setImmediate(r));

/** A client response whose socket counts corks, and which records whether each write found it corked. */
function fakeResponse(opts: { full?: boolean } = {}) {
  const socket = {
    corked: 0,
    corks: 0,
    destroyed: false,
    writableLength: 0,
    writableHighWaterMark: 16 * 1024,
    cork() {
      this.corked++;
      this.corks++;
    },
    uncork() {
      this.corked--;
    },
  };
  const writes: Array<{ text: string; corked: boolean }> = [];
  const res = Object.assign(new EventEmitter(), {
    socket,
    writableEnded: false,
    write(chunk: Buffer) {
      writes.push({ text: chunk.toString(), corked: socket.corked > 0 });
      return !opts.full;
    },
  });
  return { res: res as unknown as ServerResponse, socket, writes, emitter: res };
}

const tap = () => new OpenAIStreamTap((t) => t, false);

describe('pump: relaying an event stream to the client', () => {
  it('writes at once until the first text has gone by, then one corked write per turn', async () => {
    const body = new Readable({ read() {} });
    const { res, socket, writes } = fakeResponse();
    const done = pump(body, { complete: true }, res, tap(), 5_000);

    body.push(ROLE); // no text yet (an empty content)
    await turn();
    body.push(event({ content: 'Hi' }));
    await turn();
    expect(writes.map((w) => w.corked)).toEqual([false, false]);
    expect(socket.corks).toBe(0);

    // After the first text, the reads of one turn share a cork, released in that turn.
    body.push(event({ content: ' there' }));
    body.push(event({ content: '!' }));
    expect(writes.slice(2).map((w) => w.corked)).toEqual([true, true]);
    await new Promise((r) => process.nextTick(r));
    expect(socket.corked).toBe(1); // still held after the read's tick: node's own uncork comes then
    await turn();
    expect(socket.corks).toBe(1);
    expect(socket.corked).toBe(0);

    body.push('data: [DONE]\n\n');
    body.push(null);
    await done;
    expect(writes.map((w) => w.text).join('')).toBe(
      ROLE + event({ content: 'Hi' }) + event({ content: ' there' }) + event({ content: '!' }) + 'data: [DONE]\n\n',
    );
  });

  it('holds the upstream while the client socket is full on a first write, until it drains', async () => {
    const body = new Readable({ read() {} });
    const { res, emitter } = fakeResponse({ full: true });
    const done = pump(body, { complete: true }, res, tap(), 5_000);
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
    const done = pump(body, { complete: false }, res, tap(), 5_000);
    body.push(event({ content: 'Hi' }));
    await turn();
    body.destroy();
    await expect(done).rejects.toBeInstanceOf(BodyCutError);
  });
});
