import { describe, expect, it } from 'vitest';
import { Backoff } from '../../extension/daemon/backoff';

describe('Backoff', () => {
  it('doubles up to the cap, and starts over after a reset', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 500, factor: 2, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 500, 500]);
    expect(b.attempts).toBe(5);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('spreads each delay within its jitter share', () => {
    expect(new Backoff({ initialMs: 1000, maxMs: 1000, factor: 2, jitter: 0.5 }, () => 0).next()).toBe(500);
    expect(new Backoff({ initialMs: 1000, maxMs: 1000, factor: 2, jitter: 0.5 }, () => 0.99).next()).toBe(995);
  });
});
