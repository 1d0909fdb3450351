import { describe, expect, it } from 'vitest';
import { onAbort } from '../../../daemon/abortHooks';
import { StreamRegistry, type OpenStream, type OpenRefusal } from '../../../daemon/chat/streamRegistry';

function opened(s: OpenStream | OpenRefusal): OpenStream {
  if ('refused' in s) throw new Error(`refused: ${s.refused}`);
  return s;
}

describe('StreamRegistry', () => {
  it('refuses a running id and the caps, and frees a slot on close', () => {
    const streams = new StreamRegistry({ perClient: 2, global: 3 });
    const a = opened(streams.open('s1', 'a'));
    expect(streams.open('s1', 'a')).toEqual({ refused: 'exists' });
    opened(streams.open('s1', 'b'));
    expect(streams.open('s1', 'c')).toEqual({ refused: 'perClient', limit: 2 });
    opened(streams.open('s2', 'a'));
    expect(streams.open('s3', 'a')).toEqual({ refused: 'global', limit: 3 });
    a.close();
    a.close(); // twice is once
    expect(streams.size).toBe(2);
    opened(streams.open('s1', 'c'));
  });

  it('aborts a stream by cancel, by session and for all, keeping the first cause', () => {
    const streams = new StreamRegistry();
    const a = opened(streams.open('s1', 'a'));
    const b = opened(streams.open('s1', 'b'));
    const c = opened(streams.open('s2', 'c'));
    expect(streams.cancel('s1', 'a')).toBe(true);
    expect(streams.cancel('s1', 'nope')).toBe(false);
    streams.cancelSession('s1');
    expect([a.signal.aborted, a.cause(), b.signal.aborted, b.cause()]).toEqual([
      true,
      'cancelled',
      true,
      'disconnected',
    ]);
    expect(c.signal.aborted).toBe(false);
    streams.cancelAll();
    expect(c.cause()).toBe('shutdown');
  });

  describe('reusing the controllers of streams that ended cleanly', () => {
    it('gives a cleanly closed stream’s signal to the next stream', () => {
      const streams = new StreamRegistry();
      const a = opened(streams.open('s', 'a'));
      const signal = a.signal;
      a.close();
      expect(opened(streams.open('s', 'b')).signal).toBe(signal);
    });

    it('never reuses an aborted signal', () => {
      const streams = new StreamRegistry();
      const a = opened(streams.open('s', 'a'));
      a.abort('disconnected');
      a.close();
      const b = opened(streams.open('s', 'b'));
      expect(b.signal).not.toBe(a.signal);
      expect(b.signal.aborted).toBe(false);
    });

    it('never reuses a signal something still listens to', () => {
      const streams = new StreamRegistry();
      const a = opened(streams.open('s', 'a'));
      let heard = 0;
      a.signal.addEventListener('abort', () => heard++);
      a.close();
      const b = opened(streams.open('s', 'b'));
      expect(b.signal).not.toBe(a.signal);
      b.abort('cancelled');
      expect(heard).toBe(0);
    });

    it('reuses a signal whose abort callbacks (abortHooks.ts) were all removed, but not one with a callback left', () => {
      const streams = new StreamRegistry();
      const a = opened(streams.open('s', 'a'));
      onAbort(a.signal, () => undefined)();
      a.close();
      const b = opened(streams.open('s', 'b'));
      expect(b.signal).toBe(a.signal);
      let heard = 0;
      onAbort(b.signal, () => heard++);
      b.close();
      const c = opened(streams.open('s', 'c'));
      expect(c.signal).not.toBe(b.signal);
      c.abort('cancelled');
      expect(heard).toBe(0);
    });

    it('ignores an abort that comes after close: the next owner of the controller is not touched', () => {
      const streams = new StreamRegistry();
      const a = opened(streams.open('s', 'a'));
      a.close();
      const b = opened(streams.open('s', 'b'));
      expect(b.signal).toBe(a.signal);
      a.abort('disconnected'); // e.g. the first request's socket closing after its answer
      expect(b.signal.aborted).toBe(false);
      expect(b.cause()).toBeUndefined();
      expect(a.cause()).toBeUndefined();
    });
  });
});
