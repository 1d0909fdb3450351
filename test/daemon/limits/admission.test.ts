import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import type { AdmissionTicket, ChatInput } from '../../../daemon/chat/ports';
import { LimitsAdmission } from '../../../daemon/limits/admission';
import { silentLogger } from '../../../daemon/log';
import type { StoredConnection } from '../../../daemon/store/schema';
import { UsageLedger } from '../../../daemon/usage/ledger';
import { openStore, type Store } from './helpers';
import { failure } from '../../helpers/failure';

let store: Store;
let ledger: UsageLedger;
let admission: LimitsAdmission;

const input = (maxTokens = 10): ChatInput => ({ messages: [{ role: 'user', content: 'hi' }], options: { maxTokens } });
const never = () => new AbortController().signal;

beforeEach(async () => {
  store = await openStore();
  ledger = await UsageLedger.open({ file: join(store.dir, 'usage.jsonl'), db: store.db, log: silentLogger });
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(Date.UTC(2025, 5, 15, 12, 0, 0));
  admission = new LimitsAdmission({
    db: store.db,
    connections: store.connections,
    ledger,
    events: { budgetWarning: () => undefined, quotaWarning: () => undefined },
    log: silentLogger,
  });
});
afterEach(async () => {
  await admission.close();
  await ledger.close();
  vi.useRealTimers();
  await store.close();
});

/** Fills a requests bucket so the next request must wait. */
async function exhaust(conn: StoredConnection, n: number): Promise<void> {
  for (let i = 0; i < n; i++) (await admission.admit(conn, 'm', input(), never())).settle({ error: false });
}

describe('LimitsAdmission with onLimit "fail"', () => {
  it('refuses over the limit with RATE_LIMITED naming the limit, when to retry and what to change', async () => {
    const conn = await store.put({ id: 'c1', name: 'Work', capacity: [{ period: 'minute', requests: 60 }] });
    await exhaust(conn, 60);
    const error = await failure(admission.admit(conn, 'm', input(), never()));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.message).toBe('Connection "Work" is over its limit of 60 requests per minute.');
    expect(error.data.hint).toBe('Retry in 1 s, raise the connection\'s capacity, or set onLimit to "queue".');
    expect(error.data).toMatchObject({
      retryAfterMs: 1000,
      connectionId: 'c1',
      limit: { period: 'minute', requests: 60 },
      source: 'capacity',
    });
  });

  it('names a tokens limit with its figure', async () => {
    const conn = await store.put({ id: 'c1', name: 'Work', capacity: [{ period: 'hour', tokens: 100_000 }] });
    (await admission.admit(conn, 'm', input(99_000), never())).settle({
      usage: { inputTokens: 1000, outputTokens: 99_000 },
      error: false,
    });
    const error = await failure(admission.admit(conn, 'm', input(), never()));
    expect(error.message).toBe(
      'Connection "Work" is over its limit of 100,000 tokens per hour. This request reserves 11 tokens of it until it ends (about 1 prompt token and its max_tokens of 10); its reported usage then replaces the reservation.',
    );
    expect(error.data.limit).toEqual({ period: 'hour', tokens: 100_000 });
  });
});

describe('LimitsAdmission with onLimit "queue"', () => {
  it('admits a burst in arrival order at the rate the limit allows', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'minute', requests: 60 }], onLimit: 'queue' });
    await exhaust(conn, 60);
    const start = Date.now();
    const admittedAt: Array<[number, number]> = [];
    const waits = [0, 1, 2, 3].map((i) =>
      admission.admit(conn, 'm', input(), never()).then((t) => admittedAt.push([i, Date.now() - start])),
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(admittedAt).toEqual([]);
    await vi.advanceTimersByTimeAsync(4000);
    await Promise.all(waits);
    expect(admittedAt).toEqual([
      [0, 1000],
      [1, 2000],
      [2, 3000],
      [3, 4000],
    ]);
  });

  it('refuses at once a request that would wait longer than maxQueueWaitMs, saying so', async () => {
    const conn = await store.put({
      id: 'c1',
      name: 'Work',
      capacity: [{ period: 'minute', requests: 60 }],
      onLimit: 'queue',
      maxQueueWaitMs: 2500,
    });
    await exhaust(conn, 60);
    const first = admission.admit(conn, 'm', input(), never());
    const second = admission.admit(conn, 'm', input(), never());
    const error = await failure(admission.admit(conn, 'm', input(), never()));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.message).toBe(
      'Connection "Work" is over its limit of 60 requests per minute, and this request would wait about 3 s in its queue, longer than its maxQueueWaitMs (3 s).',
    );
    expect(error.data).toMatchObject({
      retryAfterMs: 3000,
      limit: { period: 'minute', requests: 60 },
      source: 'capacity',
    });
    await vi.advanceTimersByTimeAsync(2000);
    await expect(first).resolves.toBeDefined();
    await expect(second).resolves.toBeDefined();
  });

  it('waits up to a default of 60 s when the connection sets no maxQueueWaitMs', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'hour', requests: 60 }], onLimit: 'queue' });
    await exhaust(conn, 60);
    // One request per minute: the first in line waits exactly 60 s (allowed), the second 120 s (refused).
    const first = admission.admit(conn, 'm', input(), never());
    const error = await failure(admission.admit(conn, 'm', input(), never()));
    expect(error.data.retryAfterMs).toBe(120_000);
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(first).resolves.toBeDefined();
  });

  it('throws CANCELLED when the request is aborted while queued, and the next one moves up', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'minute', requests: 60 }], onLimit: 'queue' });
    await exhaust(conn, 60);
    const controller = new AbortController();
    const cancelled = failure(admission.admit(conn, 'm', input(), controller.signal));
    let second: AdmissionTicket | undefined;
    void admission.admit(conn, 'm', input(), never()).then((t) => (second = t));
    await vi.advanceTimersByTimeAsync(200);
    controller.abort();
    const error = await cancelled;
    expect(error.code).toBe(ErrorCode.CANCELLED);
    expect(error.message).toBe('The request was cancelled while it waited for capacity.');
    // The second request now heads the queue and gets the first unit of refill, at 1 s rather than 2 s.
    await vi.advanceTimersByTimeAsync(800);
    expect(second).toBeDefined();
  });

  it('lets the head in as soon as a settle refunds tokens, before its timer', async () => {
    const conn = await store.put({
      id: 'c1',
      capacity: [{ period: 'hour', tokens: 100 }],
      onLimit: 'queue',
      maxQueueWaitMs: 3_600_000,
    });
    const running = await admission.admit(conn, 'm', input(90), never()); // estimate 91 of 100
    let queued: AdmissionTicket | undefined;
    void admission.admit(conn, 'm', input(19), never()).then((t) => (queued = t)); // needs 20
    await vi.advanceTimersByTimeAsync(10);
    expect(queued).toBeUndefined();
    running.settle({ usage: { inputTokens: 1, outputTokens: 4 }, error: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(queued).toBeDefined();
  });

  it('gives up at maxQueueWaitMs when the requests ahead used more than they reserved', async () => {
    const conn = await store.put({
      id: 'c1',
      name: 'Work',
      capacity: [{ period: 'hour', tokens: 3600 }],
      onLimit: 'queue',
      maxQueueWaitMs: 5000,
    });
    // 3600 per hour = one token per second.
    const running = await admission.admit(conn, 'm', input(3597), never()); // 3598 reserved
    const queued = failure(admission.admit(conn, 'm', input(2), never())); // needs 3: expects to wait 1 s
    running.settle({ usage: { inputTokens: 10, outputTokens: 3600 }, error: false }); // 10 over the limit: it now waits 13 s
    await vi.advanceTimersByTimeAsync(4999);
    running.settle({ usage: { inputTokens: 0, outputTokens: 0 }, error: false }); // a ticket settles once only
    await vi.advanceTimersByTimeAsync(1);
    const error = await queued;
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.message).toBe(
      'Connection "Work" had no capacity free for this request within its maxQueueWaitMs (5 s).',
    );
    expect(error.data).toMatchObject({
      retryAfterMs: 8000,
      limit: { period: 'hour', tokens: 3600 },
      source: 'capacity',
    });
  });

  it('fails every queued request with CANCELLED on close and leaves no timer', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'minute', requests: 60 }], onLimit: 'queue' });
    await exhaust(conn, 60);
    const queued = [
      failure(admission.admit(conn, 'm', input(), never())),
      failure(admission.admit(conn, 'm', input(), never())),
    ];
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    void admission.close();
    for (const error of await Promise.all(queued)) {
      expect(error.code).toBe(ErrorCode.CANCELLED);
      expect(error.message).toBe('The request was cancelled because the daemon is shutting down.');
    }
    // Only the store's own debounced write may remain.
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fails the waiters of a deleted connection with CONNECTION_NOT_FOUND', async () => {
    const conn = await store.put({ id: 'c1', capacity: [{ period: 'minute', requests: 60 }], onLimit: 'queue' });
    await exhaust(conn, 60);
    const queued = failure(admission.admit(conn, 'm', input(), never()));
    await store.db.update((data) => {
      data.connections = [];
    });
    admission.forget('c1');
    expect((await queued).code).toBe(ErrorCode.CONNECTION_NOT_FOUND);
  });
});
