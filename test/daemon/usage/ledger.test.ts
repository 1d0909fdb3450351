import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import type { UsageRecord } from '../../../shared/protocol';
import { silentLogger } from '../../../daemon/log';
import { Database } from '../../../daemon/store/database';
import { groupRecords, RETENTION_DAYS, totalsOf, UsageLedger, type UsageEvent } from '../../../daemon/usage/ledger';
import { failure } from '../../helpers/failure';
import { captureLog, enospc, tempDir } from '../store/helpers';

let db: Database;
let ledger: UsageLedger;
let usageFile: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const t = await tempDir('sb-ledger-');
  cleanup = t.cleanup;
  db = await Database.open(join(t.dir, 'db.json'), silentLogger, { debounceMs: 5 });
  usageFile = join(t.dir, 'usage.jsonl');
  ledger = await UsageLedger.open({ file: usageFile, db, log: silentLogger, debounceMs: 5 });
});
afterEach(async () => {
  await ledger.close();
  await db.close();
  await cleanup();
});

const at = (day: string) => new Date(`${day}T12:00:00Z`);

describe('UsageLedger.record', () => {
  it('sums requests, errors, tokens and cost per connection, model and day', () => {
    ledger.record(
      { connectionId: 'a', model: 'm', inputTokens: 10, outputTokens: 5, latencyMs: 100.4, error: false, costUsd: 0.1 },
      at('2026-01-02'),
    );
    ledger.record(
      { connectionId: 'a', model: 'm', inputTokens: 3, outputTokens: 2, latencyMs: 50, error: true, costUsd: 0.2 },
      at('2026-01-02'),
    );
    ledger.record({ connectionId: 'a', model: 'm', latencyMs: 1, error: true }, at('2026-01-03'));
    expect(ledger.query()).toEqual([
      {
        connectionId: 'a',
        day: '2026-01-02',
        model: 'm',
        requests: 2,
        errors: 1,
        inputTokens: 13,
        outputTokens: 7,
        latencyMsTotal: 150,
        costUsd: 0.3,
        unpricedRequests: 0,
        estimatedRequests: 0,
      },
      {
        connectionId: 'a',
        day: '2026-01-03',
        model: 'm',
        requests: 1,
        errors: 1,
        inputTokens: 0,
        outputTokens: 0,
        latencyMsTotal: 1,
        costUsd: 0,
        unpricedRequests: 0,
        estimatedRequests: 0,
      },
    ]);
  });

  it('keeps the requests of a named client in rows of their own, and groups by client', () => {
    ledger.record(
      { connectionId: 'a', model: 'm', inputTokens: 1, latencyMs: 1, error: false, client: 'VS Code chat' },
      at('2026-01-02'),
    );
    ledger.record(
      { connectionId: 'a', model: 'm', inputTokens: 2, latencyMs: 1, error: false, client: 'VS Code chat' },
      at('2026-01-02'),
    );
    ledger.record({ connectionId: 'a', model: 'm', inputTokens: 4, latencyMs: 1, error: false }, at('2026-01-02'));
    const rows = ledger.query();
    expect(rows.map((r) => [r.client, r.requests, r.inputTokens])).toEqual([
      [undefined, 1, 4],
      ['VS Code chat', 2, 3],
    ]);
    const groups = groupRecords(rows, ['client']);
    expect(groups.map((g) => [g.client, g.requests])).toEqual([
      ['VS Code chat', 2],
      [undefined, 1],
    ]);
    expect(Object.keys(groups[1]!)).not.toContain('client');
  });

  it('starts a new row at UTC midnight, today included (the day is formatted once, then reused)', () => {
    const DAY = 86_400_000;
    const midnight = Math.floor(Date.now() / DAY) * DAY;
    const event = { connectionId: 'a', model: 'm', latencyMs: 1, error: false };
    ledger.record(event, midnight - 1);
    ledger.record(event, midnight);
    ledger.record(event, midnight + DAY - 1);
    ledger.record(event, new Date(midnight - 1));
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(ledger.query().map((r) => [r.day, r.requests])).toEqual([
      [day(midnight - 1), 2],
      [day(midnight), 2],
    ]);
  });

  it('counts a request with an unknown price as unpriced, not as free', () => {
    ledger.record(
      { connectionId: 'a', model: 'x', inputTokens: 10, outputTokens: 5, latencyMs: 1, error: false, costUsd: null },
      at('2026-01-02'),
    );
    ledger.record(
      { connectionId: 'a', model: 'x', inputTokens: 10, outputTokens: 5, latencyMs: 1, error: false, costUsd: 0.5 },
      at('2026-01-02'),
    );
    expect(ledger.query()[0]).toMatchObject({ requests: 2, costUsd: 0.5, unpricedRequests: 1 });
  });

  it(`drops rows older than ${RETENTION_DAYS} days when a new row starts`, () => {
    ledger.record({ connectionId: 'a', model: 'm', latencyMs: 1, error: false }, at('2024-01-01'));
    ledger.record({ connectionId: 'a', model: 'm', latencyMs: 1, error: false }, at('2025-01-01'));
    ledger.record({ connectionId: 'a', model: 'm', latencyMs: 1, error: false }, at('2025-02-10'));
    expect(ledger.query().map((r) => r.day)).toEqual(['2025-01-01', '2025-02-10']);
  });

  it('finds its row among many, and after the rows were pruned (the index is not stale)', () => {
    const ev = (connectionId: string, model: string, client?: string) => ({
      connectionId,
      model,
      latencyMs: 1,
      error: false,
      ...(client !== undefined && { client }),
    });
    for (let d = 1; d <= 28; d++)
      for (const model of ['m1', 'm2', 'm3'])
        ledger.record(ev('a', model), at(`2026-02-${String(d).padStart(2, '0')}`));
    ledger.record(ev('a', 'm2'), at('2026-02-14'));
    // An absent client and an empty one are rows of their own.
    ledger.record(ev('a', 'm2', ''), at('2026-02-14'));
    ledger.record(ev('a', 'm2', ''), at('2026-02-14'));
    const day14 = ledger.query({ from: '2026-02-14', to: '2026-02-14' });
    expect(day14.map((r) => [r.model, r.client, r.requests])).toEqual([
      ['m1', undefined, 1],
      ['m2', undefined, 2],
      ['m2', '', 2],
      ['m3', undefined, 1],
    ]);
    expect(ledger.query()).toHaveLength(28 * 3 + 1);

    // Pruned by retention when a new row starts (2027-03-21 keeps 400 days: from 2026-02-14): the rows kept are still found.
    ledger.record(ev('a', 'm1'), at('2026-02-14'));
    ledger.record(ev('a', 'm1'), at('2027-03-21'));
    ledger.record(ev('a', 'm1'), at('2027-03-21'));
    ledger.record(ev('a', 'm3'), at('2026-02-14'));
    expect(ledger.query({ to: '2026-02-14' }).map((r) => [r.day, r.model, r.client, r.requests])).toEqual([
      ['2026-02-14', 'm1', undefined, 2],
      ['2026-02-14', 'm2', undefined, 2],
      ['2026-02-14', 'm2', '', 2],
      ['2026-02-14', 'm3', undefined, 2],
    ]);
    expect(ledger.query({ from: '2027-01-01' }).map((r) => [r.day, r.model, r.requests])).toEqual([
      ['2027-03-21', 'm1', 2],
    ]);
    // 15 days (14th to 28th) of 3 models, the empty client's row, and the new day's.
    expect(ledger.query()).toHaveLength(15 * 3 + 2);
  });

  it('sums what query returns, without its copies (as budgets read it)', () => {
    for (const [conn, day, cost] of [
      ['a', '2026-03-01', 0.1],
      ['a', '2026-03-02', 0.2],
      ['b', '2026-03-02', 0.4],
      ['a', '2026-04-01', 0.8],
    ] as const)
      ledger.record({ connectionId: conn, model: 'm', latencyMs: 1, error: false, costUsd: cost }, at(day));
    const filters = [
      {},
      { connectionId: 'a' },
      { connectionId: 'a', from: '2026-03-01', to: '2026-03-31' },
      { from: '2026-03-02' },
      { tokenId: 't' },
    ];
    // Rows in day order (read from the newest back), then a row of an earlier day after them (read whole).
    for (const filter of filters) expect(ledger.sum(filter)).toEqual(totalsOf(ledger.query(filter)));
    ledger.record({ connectionId: 'a', model: 'y', latencyMs: 1, error: false, costUsd: 1.6 }, at('2026-02-20'));
    ledger.record({ connectionId: 'a', model: 'x', latencyMs: 1, error: false, costUsd: null }, at('2026-03-05'));
    for (const filter of filters) expect(ledger.sum(filter)).toEqual(totalsOf(ledger.query(filter)));
    expect(ledger.sum({ connectionId: 'a', from: '2026-03-01', to: '2026-03-31' })).toMatchObject({
      costUsd: 0.3,
      unpricedRequests: 1,
      requests: 3,
    });
  });
});

describe('UsageLedger on disk (usage.jsonl)', () => {
  const ev = (model: string, extra: Partial<UsageEvent> = {}): UsageEvent => ({
    connectionId: 'a',
    model,
    inputTokens: 7,
    outputTokens: 1,
    latencyMs: 1,
    error: false,
    costUsd: 0.25,
    ...extra,
  });
  /** A row as stored: model `m` of connection `a` on 2026-01-02, zeros but for `fields`. */
  const stored = (fields: Partial<UsageRecord> = {}): UsageRecord => ({
    connectionId: 'a',
    day: '2026-01-02',
    model: 'm',
    ...totalsOf([]),
    requests: 1,
    ...fields,
  });
  const lines = async () => (await readFile(usageFile, 'utf8')).split('\n').filter(Boolean);
  const reopen = async () => {
    await ledger.close();
    ledger = await UsageLedger.open({ file: usageFile, db, log: silentLogger, debounceMs: 5 });
  };

  it('writes a moment later, appending only the rows that changed, and reads them back', async () => {
    for (let i = 0; i < 3; i++) ledger.record(ev('m'), at('2026-01-02'));
    ledger.record(ev('n'), at('2026-01-02'));
    await vi.waitFor(async () => expect(await lines()).toHaveLength(2));
    ledger.record(ev('m'), at('2026-01-02'));
    await ledger.flush();
    const written = await lines();
    expect(written).toHaveLength(3);
    expect(JSON.parse(written[2]!)).toMatchObject({ model: 'm', requests: 4 });
    expect((await stat(usageFile)).mode & 0o777).toBe(0o600);
    await reopen();
    expect(ledger.query().map((r) => [r.model, r.requests, r.inputTokens, r.costUsd])).toEqual([
      ['m', 4, 28, 1],
      ['n', 1, 7, 0.25],
    ]);
    // Nothing changed: closing writes nothing.
    await ledger.close();
    expect(await lines()).toHaveLength(3);
  });

  it('skips a torn or foreign line, says so, and rewrites the file rather than append to it', async () => {
    const row = JSON.stringify(stored({ requests: 2 }));
    await writeFile(usageFile, `${row}\n{"day":3}\nnot json\n${row.slice(0, 30)}`);
    const { log, text } = captureLog();
    await ledger.close();
    ledger = await UsageLedger.open({ file: usageFile, db, log, debounceMs: 5 });
    expect(text()).toContain('Skipped 3 unreadable line(s)');
    ledger.record(ev('m'), at('2026-01-02'));
    await ledger.flush();
    expect((await lines()).map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ model: 'm', requests: 3 })]);
  });

  it('compacts a file whose lines are mostly replaced states', async () => {
    const states = Array.from({ length: 1500 }, (_, i) => JSON.stringify(stored({ requests: i + 1 })));
    await writeFile(usageFile, `${states.join('\n')}\n`);
    await reopen();
    ledger.record(ev('m', { costUsd: undefined }), at('2026-01-02'));
    await ledger.flush();
    expect((await lines()).map((l) => JSON.parse(l).requests)).toEqual([1501]);
  });

  it('drops the rows past retention from the file', async () => {
    ledger.record(ev('old'), at('2026-01-02'));
    await ledger.flush();
    ledger.record(ev('new'), at('2027-06-01'));
    await ledger.flush();
    expect((await lines()).map((l) => JSON.parse(l).model)).toEqual(['new']);
  });

  it('moves the rows of db.json into the file once, never counting one twice', async () => {
    const row = (model: string, requests: number) => stored({ model, requests });
    await ledger.close();
    await rm(usageFile, { force: true });
    await db.update((data) => void data.usage.push(row('m', 3)));
    ledger = await UsageLedger.open({ file: usageFile, db, log: silentLogger, debounceMs: 5 });
    expect(ledger.query().map((r) => [r.model, r.requests])).toEqual([['m', 3]]);
    expect(db.data.usage).toEqual([]);
    expect(JSON.parse(await readFile(db.file, 'utf8')).usage).toEqual([]);
    expect(await lines()).toHaveLength(1);

    // The move cut after the file was written (db.json still has m), and an older daemon added n since:
    // m stays as the file has it, n joins it.
    await db.update((data) => void data.usage.push(row('m', 3), row('n', 5)));
    await reopen();
    expect(ledger.query().map((r) => [r.model, r.requests])).toEqual([
      ['m', 3],
      ['n', 5],
    ]);
    expect(db.data.usage).toEqual([]);
  });

  it('keeps what it could not write, says why, and writes it whole with the next write', async () => {
    let fail = false;
    const fs = {
      append: async (file: string, text: string) => {
        if (fail) {
          // Half a line reaches the disk, as on a full disk.
          await appendFile(file, text.slice(0, 20));
          throw enospc();
        }
        await appendFile(file, text);
      },
    };
    await ledger.close();
    ledger = await UsageLedger.open({ file: usageFile, db, log: silentLogger, debounceMs: 5, fs });
    ledger.record(ev('m'), at('2026-01-02'));
    await ledger.flush();
    fail = true;
    ledger.record(ev('n'), at('2026-01-02'));
    const error = await failure(ledger.flush());
    expect(error).toMatchObject({ code: ErrorCode.STORE_FAILED, message: expect.stringContaining('ENOSPC') });
    expect(error.data?.hint).toContain('kept in memory');
    expect(ledger.query().map((r) => r.model)).toEqual(['m', 'n']);
    fail = false;
    ledger.record(ev('m'), at('2026-01-02'));
    await ledger.flush();
    expect((await lines()).map((l) => [JSON.parse(l).model, JSON.parse(l).requests])).toEqual([
      ['m', 2],
      ['n', 1],
    ]);
  });

  it('refuses to start on a file it cannot save the moved rows to, leaving db.json as it was', async () => {
    await ledger.close();
    await rm(usageFile, { force: true });
    await db.update((data) => void data.usage.push(stored()));
    const error = await failure(
      UsageLedger.open({ file: usageFile, db, log: silentLogger, fs: { writeTemp: () => Promise.reject(enospc()) } }),
    );
    expect(error).toMatchObject({ code: ErrorCode.STORE_FAILED });
    expect(error.data?.hint).toContain('db.json still holds the usage');
    expect(db.data.usage).toHaveLength(1);
    ledger = await UsageLedger.open({ file: usageFile, db, log: silentLogger, debounceMs: 5 });
    expect(ledger.query()).toHaveLength(1);
  });
});

describe('UsageLedger.query', () => {
  it('filters by connection and inclusive days, oldest first', () => {
    for (const [c, d] of [
      ['b', '2026-01-03'],
      ['a', '2026-01-01'],
      ['a', '2026-01-02'],
      ['a', '2026-01-04'],
    ] as const)
      ledger.record({ connectionId: c, model: 'm', latencyMs: 1, error: false }, at(d));
    expect(ledger.query({ connectionId: 'a', from: '2026-01-02', to: '2026-01-04' }).map((r) => r.day)).toEqual([
      '2026-01-02',
      '2026-01-04',
    ]);
    expect(ledger.query({ from: '2026-01-03' }).map((r) => `${r.connectionId}${r.day}`)).toEqual([
      'b2026-01-03',
      'a2026-01-04',
    ]);
  });
});

describe('groupRecords and totalsOf', () => {
  const row = (
    connectionId: string,
    model: string,
    day: string,
    requests: number,
    costUsd: number,
    unpricedRequests = 0,
  ) => ({
    connectionId,
    model,
    day,
    requests,
    errors: 0,
    inputTokens: requests * 10,
    outputTokens: requests,
    latencyMsTotal: 0,
    costUsd,
    unpricedRequests,
  });
  const rows = [
    row('a', 'm1', '2026-01-01', 1, 0.1),
    row('a', 'm2', '2026-01-01', 5, 0),
    row('b', 'm1', '2026-01-02', 2, 0.3, 1),
    row('a', 'm1', '2026-01-02', 3, 0.2),
  ];

  it('sums by connection, largest cost first, carrying only the grouped keys', () => {
    expect(groupRecords(rows, ['connection'])).toEqual(
      [
        {
          connectionId: 'b',
          requests: 2,
          errors: 0,
          inputTokens: 20,
          outputTokens: 2,
          latencyMsTotal: 0,
          costUsd: 0.3,
          unpricedRequests: 1,
          estimatedRequests: 0,
        },
        {
          connectionId: 'a',
          requests: 9,
          errors: 0,
          inputTokens: 90,
          outputTokens: 9,
          latencyMsTotal: 0,
          costUsd: 0.3,
          unpricedRequests: 0,
          estimatedRequests: 0,
        },
      ].sort((x, y) => y.requests - x.requests),
    );
  });

  it('sums by several keys and breaks cost ties by requests', () => {
    const groups = groupRecords(rows, ['connection', 'model']);
    expect(groups.map((g) => [g.connectionId, g.model, g.requests, g.costUsd])).toEqual([
      ['a', 'm1', 4, 0.3],
      ['b', 'm1', 2, 0.3],
      ['a', 'm2', 5, 0],
    ]);
    expect(groups[0]).not.toHaveProperty('day');
    expect(groupRecords(rows, ['day']).map((g) => [g.day, g.requests])).toEqual([
      ['2026-01-02', 5],
      ['2026-01-01', 6],
    ]);
  });

  it('totals every row', () => {
    expect(totalsOf(rows)).toEqual({
      requests: 11,
      errors: 0,
      inputTokens: 110,
      outputTokens: 11,
      latencyMsTotal: 0,
      costUsd: 0.6,
      unpricedRequests: 1,
      estimatedRequests: 0,
    });
    expect(totalsOf([])).toEqual({
      requests: 0,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      latencyMsTotal: 0,
      costUsd: 0,
      unpricedRequests: 0,
      estimatedRequests: 0,
    });
  });
});
