import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CapacityLimiter } from '../../../daemon/limits/capacityLimiter';
import type { StoredConnection } from '../../../daemon/store/schema';
import { manualClock, openStore, type Store } from './helpers';

let store: Store;
let clock: ReturnType<typeof manualClock>;
let limiter: CapacityLimiter;

beforeEach(async () => {
  store = await openStore();
  clock = manualClock();
  limiter = new CapacityLimiter(store.db, store.connections, clock.now);
});
afterEach(() => store.close());

const admitted = (conn: StoredConnection, tokens = 0) => {
  const outcome = limiter.tryReserve(conn, tokens);
  if (!outcome.ok) throw new Error(`refused: retry in ${outcome.retryAfterMs} ms`);
  return outcome.reservation;
};

describe('CapacityLimiter requests limits', () => {
  it('admits exactly the limit in a burst, then refuses naming the limit and when it frees up', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'minute', requests: 120 }] });
    for (let i = 0; i < 120; i++) admitted(conn);
    const refused = limiter.tryReserve(conn, 0);
    expect(refused).toEqual({ ok: false, retryAfterMs: 500, limit: { period: 'minute', requests: 120 } });
    clock.advance(499);
    expect(limiter.tryReserve(conn, 0)).toMatchObject({ ok: false, retryAfterMs: 1 });
    clock.advance(1);
    admitted(conn);
    expect(limiter.tryReserve(conn, 0)).toMatchObject({ ok: false, retryAfterMs: 500 });
  });

  it('charges nothing when any one bucket is full (all or nothing)', async () => {
    const conn = await store.put({
      id: 'c1',
      capacity: [
        { period: 'minute', requests: 100 },
        { period: 'hour', requests: 2 },
      ],
    });
    admitted(conn);
    admitted(conn);
    const refused = limiter.tryReserve(conn, 0);
    expect(refused).toMatchObject({ ok: false, limit: { period: 'hour', requests: 2 }, retryAfterMs: 1_800_000 });
    // The minute bucket was not charged by the refusal: 2 used, not 3.
    expect(limiter.usage(conn)['minute:requests']).toBeCloseTo(2, 6);
  });

  it('names the limit that frees up last when several are full', async () => {
    const conn = await store.put({
      id: 'c1',
      capacity: [
        { period: 'minute', requests: 1 },
        { period: 'day', requests: 1 },
      ],
    });
    admitted(conn);
    expect(limiter.tryReserve(conn, 0)).toMatchObject({
      ok: false,
      retryAfterMs: 86_400_000,
      limit: { period: 'day', requests: 1 },
    });
  });

  it('admits everything on a connection without limits and keeps no state for it', async () => {
    const conn = await store.put({ id: 'c1' });
    for (let i = 0; i < 1000; i++) admitted(conn, 1_000_000);
    expect(store.db.data.limits.c1).toBeUndefined();
  });
});

describe('CapacityLimiter tokens limits', () => {
  it('reserves the estimate, then replaces it by the reported usage', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'hour', tokens: 100 }] });
    const first = admitted(conn, 20);
    expect(limiter.usage(conn)['hour:tokens']).toBe(20);
    limiter.settle(first, 30);
    expect(limiter.usage(conn)['hour:tokens']).toBe(30);
  });

  it('refunds the estimate when no usage was reported, but keeps counting the request', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'hour', tokens: 100, requests: 10 }] });
    const r = admitted(conn, 40);
    limiter.settle(r, undefined);
    expect(limiter.usage(conn)).toEqual({ 'hour:requests': 1, 'hour:tokens': 0 });
  });

  it('lets reported usage go over the limit, and later requests wait off the debt', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'hour', tokens: 100 }] });
    const reservations = [
      admitted(conn, 20),
      admitted(conn, 20),
      admitted(conn, 20),
      admitted(conn, 20),
      admitted(conn, 20),
    ];
    expect(limiter.tryReserve(conn, 20)).toMatchObject({ ok: false, limit: { period: 'hour', tokens: 100 } });
    for (const r of reservations) limiter.settle(r, 30);
    expect(limiter.usage(conn)['hour:tokens']).toBe(150);
    // 150 used + 20 needed - 100 limit = 70 tokens to refill at 100 per hour.
    expect(limiter.tryReserve(conn, 20)).toMatchObject({ ok: false, retryAfterMs: 70 * 36_000 });
  });

  it('caps an estimate larger than the limit so the request still passes an empty bucket', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'minute', tokens: 1000 }] });
    const big = admitted(conn, 50_000);
    expect(big.tokens).toEqual([{ key: 'minute:tokens', amount: 1000 }]);
    expect(limiter.tryReserve(conn, 50_000)).toMatchObject({ ok: false, retryAfterMs: 60_000 });
  });

  it('ignores a settle for a limit removed while the request ran', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'minute', tokens: 1000 }] });
    const r = admitted(conn, 10);
    const without = await store.put({ id: 'c1' });
    admitted(without);
    expect(() => limiter.settle(r, 500)).not.toThrow();
    expect(limiter.usage(without)).toEqual({});
  });
});

describe('CapacityLimiter limit changes', () => {
  it('keeps the used fraction when a limit is raised or lowered', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'hour', requests: 10 }] });
    for (let i = 0; i < 5; i++) admitted(conn);
    const raised = await store.put({ id: 'c1', capacity: [{ period: 'hour', requests: 100 }] });
    expect(limiter.usage(raised)['hour:requests']).toBeCloseTo(50, 6);
    const lowered = await store.put({ id: 'c1', capacity: [{ period: 'hour', requests: 2 }] });
    expect(limiter.usage(lowered)['hour:requests']).toBeCloseTo(1, 6);
    admitted(lowered);
    expect(limiter.tryReserve(lowered, 0)).toMatchObject({ ok: false, limit: { period: 'hour', requests: 2 } });
  });
});

describe('CapacityLimiter persistence', () => {
  it('writes its buckets to db.limits and a new limiter on the same store continues from them', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'hour', requests: 3 }] });
    admitted(conn);
    admitted(conn);
    await store.db.flush();
    expect(store.db.data.limits.c1?.['hour:requests']).toMatchObject({ used: 2, limit: 3 });

    const dir = store.dir;
    await store.db.close();
    const reopened = await openStore(dir);
    try {
      const again = new CapacityLimiter(reopened.db, reopened.connections, clock.now);
      const c = reopened.db.data.connections[0]!;
      expect(again.tryReserve(c, 0).ok).toBe(true);
      expect(again.tryReserve(c, 0)).toMatchObject({ ok: false, limit: { period: 'hour', requests: 3 } });
    } finally {
      await reopened.db.close();
    }
  });

  it('does not bring back the counters of a connection deleted while a request was settling', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'hour', tokens: 100 }] });
    const r = admitted(conn, 10);
    await store.db.update((data) => {
      data.connections = [];
      delete data.limits.c1;
    });
    limiter.settle(r, 50);
    await store.db.flush();
    expect(store.db.data.limits.c1).toBeUndefined();
  });
});

describe('CapacityLimiter.queueWait', () => {
  it('adds up the waits of the requests ahead, each admitted as soon as it fits', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'minute', requests: 60 }] });
    for (let i = 0; i < 60; i++) admitted(conn);
    // Full bucket, one per second: the 3rd in line waits 3 s.
    expect(limiter.queueWait(conn, [0, 0, 0])).toEqual({ waitMs: 3000, limit: { period: 'minute', requests: 60 } });
    expect(limiter.queueWait(conn, [0])).toMatchObject({ waitMs: 1000 });
  });

  it('is zero while the requests ahead all fit', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'minute', requests: 60 }] });
    expect(limiter.queueWait(conn, [0, 0, 0])).toEqual({ waitMs: 0 });
  });
});
