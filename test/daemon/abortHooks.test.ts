/**
 * Abort callbacks on long-lived signals (daemon/abortHooks.ts): they run once, in order, only if
 * still registered, and coming and going leaves the signal with one listener of its own.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort, waitedOn } from '../../daemon/abortHooks';

describe('abort hooks', () => {
  it('run the callbacks registered when the signal aborts, in order, once', () => {
    const controller = new AbortController();
    const heard: string[] = [];
    onAbort(controller.signal, () => heard.push('a'));
    const offB = onAbort(controller.signal, () => heard.push('b'));
    onAbort(controller.signal, () => heard.push('c'));
    offB();
    offB(); // a second call does nothing
    controller.abort();
    controller.abort();
    expect(heard).toEqual(['a', 'c']);
  });

  it('let a callback remove another while the abort runs them all', () => {
    const controller = new AbortController();
    const heard: string[] = [];
    let offSecond = (): void => undefined;
    onAbort(controller.signal, () => {
      heard.push('first');
      offSecond();
    });
    offSecond = onAbort(controller.signal, () => heard.push('second'));
    controller.abort();
    // Both were registered when the signal fired.
    expect(heard).toEqual(['first', 'second']);
  });

  it('keep one listener on the signal however many requests come and go', () => {
    const controller = new AbortController();
    for (let i = 0; i < 5; i++) {
      const off = onAbort(controller.signal, () => undefined);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      off();
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
  });

  it('tell whether anything still waits on the signal: a callback, or a listener added directly', () => {
    const controller = new AbortController();
    expect(waitedOn(controller.signal)).toBe(false);
    const off = onAbort(controller.signal, () => undefined);
    expect(waitedOn(controller.signal)).toBe(true);
    off();
    expect(waitedOn(controller.signal)).toBe(false);
    const listener = (): void => undefined;
    controller.signal.addEventListener('abort', listener);
    expect(waitedOn(controller.signal)).toBe(true);
    controller.signal.removeEventListener('abort', listener);
    expect(waitedOn(controller.signal)).toBe(false);
    const plain = new AbortController();
    plain.signal.addEventListener('abort', listener);
    expect(waitedOn(plain.signal)).toBe(true);
  });
});
