/** The OpenAI-compatible endpoint's write coalescing: one `res.write` per event-loop turn, backpressure only when needed. */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SseWriteBatcher } from '../../../daemon/http/sseWriteBatcher';

class FakeRes extends EventEmitter {
  writes: string[] = [];
  ended: string | undefined;
  writableEnded = false;
  destroyed = false;
  full = false;
  write(text: string): boolean {
    this.writes.push(text);
    return !this.full;
  }
  end(text: string): void {
    this.ended = text;
    this.writableEnded = true;
  }
}

const turn = () => new Promise((r) => setImmediate(r));

describe('SseWriteBatcher', () => {
  it('writes the first frame at once, then the frames of one turn in one write, with no wait while the socket keeps up', async () => {
    const res = new FakeRes();
    const out = new SseWriteBatcher(res as unknown as ServerResponse);
    expect(out.write('first')).toBeUndefined();
    expect(res.writes).toEqual(['first']); // the first token is not held back for the rest of the turn
    expect(out.write('a')).toBeUndefined();
    expect(out.write('b')).toBeUndefined();
    expect(res.writes).toEqual(['first']);
    await turn();
    expect(res.writes).toEqual(['first', 'ab']);
    void out.write('c');
    out.end('END');
    expect(res.ended).toBe('cEND');
    await turn();
    expect(res.writes).toEqual(['first', 'ab']); // nothing written after the end
  });

  it('sends the first frame on the wire at once, not when node releases its own cork', async () => {
    const socket = {
      corked: 0,
      destroyed: false,
      cork() {
        this.corked++;
      },
      uncork() {
        if (this.corked > 0) this.corked--;
      },
      get writableCorked() {
        return this.corked;
      },
    };
    const res = Object.assign(new FakeRes(), { socket });
    // Like node's chunked res.write: corks the socket when it is not, released in a nextTick.
    res.write = (text: string) => {
      res.writes.push(text);
      if (socket.corked === 0) {
        socket.cork();
        process.nextTick(() => socket.uncork());
      }
      return true;
    };
    const out = new SseWriteBatcher(res as unknown as ServerResponse);
    void out.write('first');
    expect(res.writes).toEqual(['first']);
    expect(socket.corked).toBe(0); // not held until the rest of the turn has been read
    void out.write('a');
    await turn();
    expect(res.writes).toEqual(['first', 'a']);
  });

  it('returns a promise once a write reports a full buffer, resolved by drain', async () => {
    const res = new FakeRes();
    res.full = true;
    const out = new SseWriteBatcher(res as unknown as ServerResponse);
    void out.write('a');
    await turn();
    const wait = out.write('b');
    expect(wait).toBeInstanceOf(Promise);
    res.full = false;
    res.emit('drain');
    await wait;
    await turn();
    expect(out.write('c')).toBeUndefined();
  });

  it('flush() writes what is pending at once (before an error event ends the response)', () => {
    const res = new FakeRes();
    const out = new SseWriteBatcher(res as unknown as ServerResponse);
    void out.write('first');
    void out.write('partial');
    expect(res.writes).toEqual(['first']);
    out.flush();
    expect(res.writes).toEqual(['first', 'partial']);
  });
});
