/**
 * The discovered-capacity recorder coalesces: of the reports a connection gets in one event-loop
 * turn only the last is parsed, written and checked for quota warnings, once, at the turn's end
 * (or at once on flush). A report that cannot be read is logged and dropped; the others still land.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DiscoveredCapacityRecorder } from '../../../daemon/limits/discoveredCapacity';
import type { Logger } from '../../../daemon/log';
import type { DiscoveredCapacity, RateLimitInfo } from '../../../shared/protocol';
import { manualClock, openStore, type Store } from './helpers';

let store: Store;
let warnings: Array<{ message: string; fields: Record<string, unknown> | undefined }>;
let log: Logger;
let recorded: Array<[string, DiscoveredCapacity]>;
const clock = manualClock();

beforeEach(async () => {
  store = await openStore();
  await store.put({ id: 'a' });
  await store.put({ id: 'b' });
  warnings = [];
  log = { debug() {}, info() {}, error() {}, warn: (message, fields) => void warnings.push({ message, fields }) };
  recorded = [];
});
afterEach(async () => {
  await store.close();
});

/** A recorder that records once per event-loop turn (`windowMs: 0`), or per window. */
function recorder(windowMs = 0): DiscoveredCapacityRecorder {
  return new DiscoveredCapacityRecorder({
    db: store.db,
    log,
    now: clock.now,
    onRecorded: (id, capacity) => recorded.push([id, capacity]),
    windowMs,
  });
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const figures = (requestsRemaining: number): RateLimitInfo => ({ requestsLimit: 100, requestsRemaining });
const stored = (id: string) => store.db.data.connections.find((c) => c.id === id)?.discoveredCapacity;

describe('discovered capacity recorder', () => {
  it('records many reports of one connection in one turn once, with the last figures', async () => {
    const r = recorder();
    const writes = vi.spyOn(store.db, 'updateLater');
    const parsed: number[] = [];
    for (let i = 99; i >= 90; i--)
      r.record('a', () => {
        parsed.push(i);
        return figures(i);
      });
    // Nothing yet: the turn has not ended.
    expect(writes).not.toHaveBeenCalled();
    expect(recorded).toEqual([]);

    await nextTurn();
    expect(parsed).toEqual([90]); // only the latest report is parsed
    expect(writes).toHaveBeenCalledTimes(1);
    expect(recorded).toEqual([['a', { ...figures(90), observedAt: new Date(clock.now()).toISOString() }]]);
    expect(stored('a')).toMatchObject(figures(90));
  });

  it('gives each connection its own latest figures', async () => {
    const r = recorder();
    r.record('a', figures(5));
    r.record('b', () => figures(7));
    r.record('a', figures(4));
    await nextTurn();
    expect(recorded.map(([id, c]) => [id, c.requestsRemaining])).toEqual([
      ['a', 4],
      ['b', 7],
    ]);
    expect(stored('a')).toMatchObject(figures(4));
    expect(stored('b')).toMatchObject(figures(7));
  });

  it('records a report of the next turn again', async () => {
    const r = recorder();
    r.record('a', figures(9));
    await nextTurn();
    clock.advance(1_000);
    r.record('a', () => figures(8));
    await nextTurn();
    expect(recorded.map(([, c]) => [c.requestsRemaining, c.observedAt])).toEqual([
      [9, new Date(clock.now() - 1_000).toISOString()],
      [8, new Date(clock.now()).toISOString()],
    ]);
    expect(stored('a')).toMatchObject(figures(8));
  });

  it('records the pending reports synchronously on flush, and not again at the turn end', async () => {
    const r = recorder();
    r.record('a', () => figures(3));
    r.record('b', figures(2));
    expect(recorded).toEqual([]);
    r.flush();
    expect(recorded.map(([id]) => id)).toEqual(['a', 'b']);
    expect(stored('a')).toMatchObject(figures(3));
    await nextTurn();
    expect(recorded).toHaveLength(2);
    r.flush(); // nothing pending: nothing happens
    expect(recorded).toHaveLength(2);
  });

  it('logs a report that throws, drops it, and still records the others', async () => {
    const r = recorder();
    r.record('a', () => {
      throw new Error('bad header x-ratelimit-limit-requests');
    });
    r.record('b', figures(1));
    await nextTurn(); // a throw here would be an uncaught exception: the test run would fail
    expect(recorded.map(([id]) => id)).toEqual(['b']);
    expect(stored('a')).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ fields: { connectionId: 'a' } });
    expect(warnings[0]!.message).toMatch(/rate-limit headers/);
  });

  it('records nothing for a report that finds no figures', async () => {
    const r = recorder();
    r.record('a', () => undefined);
    r.flush();
    expect(recorded).toEqual([]);
    expect(stored('a')).toBeUndefined();
  });

  it('survives an onRecorded that throws: the other connections are still told', async () => {
    const told: string[] = [];
    const r = new DiscoveredCapacityRecorder({
      db: store.db,
      log,
      windowMs: 0,
      onRecorded: (id) => {
        told.push(id);
        if (id === 'a') throw new Error('boom');
      },
    });
    r.record('a', figures(1));
    r.record('b', figures(2));
    await nextTurn();
    expect(told).toEqual(['a', 'b']);
    expect(warnings).toHaveLength(1);
  });

  it('with a window, gathers the reports of many turns and records the last once the window ends', async () => {
    const r = recorder(40);
    const writes = vi.spyOn(store.db, 'updateLater');
    r.record('a', figures(9));
    await nextTurn();
    r.record('a', () => figures(8));
    await nextTurn();
    expect(writes).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(writes).toHaveBeenCalledTimes(1);
    expect(recorded.map(([, c]) => c.requestsRemaining)).toEqual([8]);
  });

  it('with a window, a flush records at once and the window then records nothing more', async () => {
    const r = recorder(40);
    r.record('a', figures(5));
    r.flush();
    expect(recorded.map(([, c]) => c.requestsRemaining)).toEqual([5]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(recorded).toHaveLength(1);
  });
});
