import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, SwitchboardError } from '../../../shared/errors';
import { silentLogger } from '../../../daemon/log';
import { Database } from '../../../daemon/store/database';
import { CURRENT_SCHEMA_VERSION, emptyDb, type DbData, type StoredConnection } from '../../../daemon/store/schema';
import { captureLog, faultyFs, tempDir } from './helpers';

let dir: string;
let file: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  file = join(dir, 'db.json');
});
afterEach(() => cleanup());

const onDisk = async (): Promise<DbData> => JSON.parse(await readFile(file, 'utf8')) as DbData;

function connection(id: string): StoredConnection {
  const now = new Date().toISOString();
  return {
    id,
    name: id,
    provider: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    timeoutMs: 60_000,
    maxRetries: 2,
    isDefault: false,
    keySource: 'none',
    createdAt: now,
    updatedAt: now,
  };
}

function bumpUsage(draft: DbData): void {
  const row = draft.usage[0];
  if (row) row.requests++;
  else
    draft.usage.push({
      connectionId: 'c',
      day: '2024-05-01',
      model: 'm',
      requests: 1,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      latencyMsTotal: 0,
      costUsd: 0,
      unpricedRequests: 0,
    });
}

describe('Database.open', () => {
  it('creates db.json with an empty store, mode 0600, when there is none', async () => {
    const db = await Database.open(file, silentLogger);
    expect(db.data).toEqual(emptyDb());
    expect(await onDisk()).toEqual(emptyDb());
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('loads what a previous instance saved', async () => {
    const first = await Database.open(file, silentLogger);
    await first.update((d) => void d.connections.push(connection('c1')));
    const second = await Database.open(file, silentLogger);
    expect(second.data.connections.map((c) => c.id)).toEqual(['c1']);
  });

  it('moves a truncated db.json aside and starts empty', async () => {
    const truncated = '{"schemaVersion":1,"connections":[{"id":"c1","na';
    await writeFile(file, truncated);
    const { log, text } = captureLog();
    const db = await Database.open(file, log);
    expect(db.data).toEqual(emptyDb());
    const aside = (await readdir(dir)).find((f) => f.startsWith('db.json.corrupt-'));
    expect(aside).toMatch(/^db\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);
    expect(await readFile(join(dir, aside!), 'utf8')).toBe(truncated);
    expect(text()).toMatch(/WARN/);
    expect(text()).toContain(file);
    expect(text()).toContain(join(dir, aside!));
    expect(await onDisk()).toEqual(emptyDb());
  });

  it('moves an empty db.json aside and starts empty', async () => {
    await writeFile(file, '');
    const db = await Database.open(file, silentLogger);
    expect(db.data).toEqual(emptyDb());
    expect((await readdir(dir)).some((f) => f.startsWith('db.json.corrupt-'))).toBe(true);
  });

  it('moves aside a db.json whose top level is not an object', async () => {
    await writeFile(file, '[1,2,3]');
    await Database.open(file, silentLogger);
    expect((await readdir(dir)).some((f) => f.startsWith('db.json.corrupt-'))).toBe(true);
  });

  it('migrates a v0 file, keeping the original as a backup', async () => {
    const v0 = JSON.stringify({ connections: [connection('c1')] });
    await writeFile(file, v0);
    const db = await Database.open(file, silentLogger);
    expect(db.data.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(db.data.settings).toEqual({ testIntervalHours: 24, modelsCacheMinutes: 60 });
    expect(db.data.connections.map((c) => c.id)).toEqual(['c1']);
    expect((await onDisk()).schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(await readFile(`${file}.v0.bak`, 'utf8')).toBe(v0);
  });

  it('refuses to start on a db.json from a newer Switchboard and leaves it untouched', async () => {
    const newer = JSON.stringify({ ...emptyDb(), schemaVersion: CURRENT_SCHEMA_VERSION + 1, future: true });
    await writeFile(file, newer);
    const error = await Database.open(file, silentLogger).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe(ErrorCode.STORE_FAILED);
    expect((error as Error).message).toMatch(/newer|only understands/);
    expect(await readFile(file, 'utf8')).toBe(newer);
    expect(await readdir(dir)).toEqual(['db.json']);
  });
});

describe('Database.update', () => {
  it('lands all of 100 concurrent updates, each seeing the one before', async () => {
    const db = await Database.open(file, silentLogger);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        db.update((d) => {
          d.connections.push(connection(`c${i}`));
          return d.connections.length;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(db.data.connections).toHaveLength(100);
    expect((await onDisk()).connections.map((c) => c.id)).toEqual(Array.from({ length: 100 }, (_, i) => `c${i}`));
  });

  it('leaves memory and disk unchanged and throws STORE_FAILED when the write fails', async () => {
    const faults = faultyFs();
    const db = await Database.open(file, silentLogger, { fs: faults.fs });
    await db.update((d) => void d.connections.push(connection('kept')));
    const before = structuredClone(db.data);
    const diskBefore = await readFile(file, 'utf8');
    faults.failWrites(true);
    const error = await db.update((d) => void d.connections.push(connection('lost'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe(ErrorCode.STORE_FAILED);
    expect((error as Error).message).toMatch(/^Could not save .*db\.json: ENOSPC/);
    expect((error as SwitchboardError).data.hint).toBe(
      `Check free disk space and permissions of ${file}; nothing was changed.`,
    );
    expect(db.data).toEqual(before);
    expect(await readFile(file, 'utf8')).toBe(diskBefore);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    faults.failWrites(false);
    await db.update((d) => void d.connections.push(connection('after')));
    expect(db.data.connections.map((c) => c.id)).toEqual(['kept', 'after']);
  });

  it('writes nothing and rethrows unchanged when the mutation throws', async () => {
    const faults = faultyFs();
    const db = await Database.open(file, silentLogger, { fs: faults.fs });
    const writes = faults.writes();
    const thrown = new RangeError('bad input');
    await expect(
      db.update((d) => {
        d.connections.push(connection('half'));
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    expect(faults.writes()).toBe(writes);
    expect(db.data.connections).toEqual([]);
  });

  it('rejects an async mutation instead of writing before it finishes', async () => {
    const db = await Database.open(file, silentLogger);
    await expect(db.update(async (d) => void d.connections.push(connection('x')))).rejects.toThrow(/synchronous/);
    expect(db.data.connections).toEqual([]);
  });

  it('does not expose the draft before it is saved', async () => {
    const faults = faultyFs();
    const db = await Database.open(file, silentLogger, { fs: faults.fs });
    faults.delayMs(30);
    const pending = db.update((d) => void d.connections.push(connection('c1')));
    await new Promise((r) => setTimeout(r, 10));
    expect(db.data.connections).toEqual([]);
    await pending;
    expect(db.data.connections.map((c) => c.id)).toEqual(['c1']);
  });
});

describe('Database.updateLater', () => {
  it('coalesces many changes into one debounced write', async () => {
    const faults = faultyFs();
    const db = await Database.open(file, silentLogger, { fs: faults.fs, debounceMs: 50 });
    const writes = faults.writes();
    for (let i = 0; i < 1000; i++) db.updateLater(bumpUsage);
    expect(db.data.usage[0]?.requests).toBe(1000);
    expect(faults.writes()).toBe(writes);
    await new Promise((r) => setTimeout(r, 120));
    expect(faults.writes()).toBe(writes + 1);
    expect((await onDisk()).usage[0]?.requests).toBe(1000);
  });

  it('writes pending changes at once on flush, and nothing when there are none', async () => {
    const faults = faultyFs();
    const db = await Database.open(file, silentLogger, { fs: faults.fs, debounceMs: 60_000 });
    db.updateLater(bumpUsage);
    await db.flush();
    expect((await onDisk()).usage[0]?.requests).toBe(1);
    const writes = faults.writes();
    await db.flush();
    expect(faults.writes()).toBe(writes);
    await db.close();
  });

  it('includes pending deferred changes in the next update', async () => {
    const faults = faultyFs();
    const db = await Database.open(file, silentLogger, { fs: faults.fs, debounceMs: 60_000 });
    db.updateLater(bumpUsage);
    await db.update((d) => void d.connections.push(connection('c1')));
    const disk = await onDisk();
    expect(disk.usage[0]?.requests).toBe(1);
    expect(disk.connections).toHaveLength(1);
    const writes = faults.writes();
    await db.flush();
    expect(faults.writes()).toBe(writes);
    await db.close();
  });

  it('keeps deferred changes made while an update is being written', async () => {
    const faults = faultyFs();
    const db = await Database.open(file, silentLogger, { fs: faults.fs, debounceMs: 60_000 });
    faults.delayMs(30);
    const pending = db.update((d) => void d.connections.push(connection('c1')));
    await new Promise((r) => setTimeout(r, 10));
    db.updateLater(bumpUsage);
    expect(db.data.usage[0]?.requests).toBe(1);
    await pending;
    expect(db.data.connections).toHaveLength(1);
    expect(db.data.usage[0]?.requests).toBe(1);
    faults.delayMs(0);
    await db.flush();
    const disk = await onDisk();
    expect(disk.usage[0]?.requests).toBe(1);
    expect(disk.connections).toHaveLength(1);
    await db.close();
  });

  it('never writes a transaction that has not been saved yet through a deferred write', async () => {
    const faults = faultyFs();
    const db = await Database.open(file, silentLogger, { fs: faults.fs, debounceMs: 60_000 });
    faults.failWrites(true);
    db.updateLater(bumpUsage);
    await expect(db.update((d) => void d.connections.push(connection('failed')))).rejects.toThrow(SwitchboardError);
    faults.failWrites(false);
    await db.flush();
    const disk = await onDisk();
    expect(disk.usage[0]?.requests).toBe(1);
    expect(disk.connections).toEqual([]);
    await db.close();
  });

  it('logs a failed deferred write and retries it on the next flush', async () => {
    const faults = faultyFs();
    const { log, text } = captureLog();
    const db = await Database.open(file, log, { fs: faults.fs, debounceMs: 20 });
    faults.failWrites(true);
    db.updateLater(bumpUsage);
    await new Promise((r) => setTimeout(r, 80));
    expect(text()).toMatch(/WARN .*Could not save deferred changes/);
    expect((await onDisk()).usage).toEqual([]);
    faults.failWrites(false);
    await db.flush();
    expect((await onDisk()).usage[0]?.requests).toBe(1);
    await db.close();
  });

  it('reports a failed flush as STORE_FAILED and keeps the changes pending', async () => {
    const faults = faultyFs();
    const db = await Database.open(file, silentLogger, { fs: faults.fs, debounceMs: 60_000 });
    db.updateLater(bumpUsage);
    faults.failWrites(true);
    await expect(db.flush()).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED });
    expect(db.data.usage[0]?.requests).toBe(1);
    faults.failWrites(false);
    await db.close();
    expect((await onDisk()).usage[0]?.requests).toBe(1);
  });
});
