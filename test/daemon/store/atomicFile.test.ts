import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AtomicJsonFile,
  CorruptFileError,
  moveAside,
  nodeAtomicFs,
  readJsonFile,
  WriteQueue,
  writeFileAtomic,
} from '../../../daemon/store/atomicFile';
import { enospc, tempDir } from './helpers';

const posix = process.platform !== 'win32';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('writeFileAtomic', () => {
  it('writes the file with mode 0600 and leaves no temp file behind', async () => {
    const file = join(dir, 'a.json');
    await writeFileAtomic(file, '{"a":1}');
    expect(await readFile(file, 'utf8')).toBe('{"a":1}');
    if (posix) expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('makes a replaced file 0600 even when the old one was readable by others', async () => {
    if (!posix) return;
    const file = join(dir, 'a.json');
    await writeFile(file, 'old');
    await chmod(file, 0o644);
    await writeFileAtomic(file, 'new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('keeps the old file intact when writing the new content fails halfway', async () => {
    const file = join(dir, 'a.json');
    await writeFileAtomic(file, '{"version":"old"}');
    const failing = {
      async writeTemp(path: string, data: string | Uint8Array, mode: number) {
        await nodeAtomicFs.writeTemp(path, String(data).slice(0, 5), mode);
        throw enospc();
      },
    };
    await expect(writeFileAtomic(file, '{"version":"new"}', { fs: failing })).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await readFile(file, 'utf8')).toBe('{"version":"old"}');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('keeps the old file intact when the rename fails', async () => {
    const file = join(dir, 'a.json');
    await writeFileAtomic(file, 'old');
    const failing = {
      rename: async () => Promise.reject(Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' })),
    };
    await expect(writeFileAtomic(file, 'new', { fs: failing })).rejects.toMatchObject({ code: 'EXDEV' });
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('fails with the filesystem error when the parent is not a directory', async () => {
    const notADir = join(dir, 'file');
    await writeFile(notADir, 'x');
    await expect(writeFileAtomic(join(notADir, 'db.json'), '{}')).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(await readFile(notADir, 'utf8')).toBe('x');
  });

  it('refuses to replace an existing file in exclusive mode', async () => {
    const file = join(dir, 'master.key');
    await writeFileAtomic(file, 'first', { exclusive: true });
    await expect(writeFileAtomic(file, 'second', { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(file, 'utf8')).toBe('first');
    expect(await readdir(dir)).toEqual(['master.key']);
  });
});

describe('readJsonFile', () => {
  it('returns null for a missing file', async () => {
    expect(await readJsonFile(join(dir, 'none.json'))).toBeNull();
  });

  it('raises CorruptFileError for an empty file', async () => {
    const file = join(dir, 'e.json');
    await writeFile(file, '');
    await expect(readJsonFile(file)).rejects.toBeInstanceOf(CorruptFileError);
  });

  it('raises CorruptFileError for a truncated file, naming the file', async () => {
    const file = join(dir, 't.json');
    await writeFile(file, '{"connections": [{"id": "a"');
    const error = await readJsonFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).file).toBe(file);
    expect((error as CorruptFileError).message).toContain(file);
  });

  it('accepts a byte-order mark left by an editor', async () => {
    const file = join(dir, 'bom.json');
    await writeFile(file, '\uFEFF{"a":1}');
    expect(await readJsonFile(file)).toEqual({ a: 1 });
  });
});

describe('AtomicJsonFile', () => {
  it('applies concurrent writes one at a time, in call order', async () => {
    const file = join(dir, 'db.json');
    const order: string[] = [];
    let running = 0;
    const adapter = new AtomicJsonFile<{ n: number }>(file, {
      fs: {
        async writeTemp(path, data, mode) {
          running++;
          expect(running).toBe(1);
          order.push(JSON.parse(String(data)).n);
          // Early writes are the slow ones: without the queue they would land last.
          await new Promise((r) => setTimeout(r, 20 - order.length * 2));
          await nodeAtomicFs.writeTemp(path, data, mode);
          running--;
        },
      },
    });
    await Promise.all(Array.from({ length: 10 }, (_, n) => adapter.write({ n })));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await adapter.read()).toEqual({ n: 9 });
  });

  it('writes a snapshot of the data as it was when write() was called', async () => {
    const adapter = new AtomicJsonFile<{ n: number }>(join(dir, 'db.json'));
    const data = { n: 1 };
    const pending = adapter.write(data);
    data.n = 2;
    await pending;
    expect(await adapter.read()).toEqual({ n: 1 });
  });
});

describe('WriteQueue', () => {
  it('keeps running jobs after one fails', async () => {
    const queue = new WriteQueue();
    const failed = queue.run(() => Promise.reject(new Error('boom')));
    const next = queue.run(async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});

describe('moveAside', () => {
  it('renames the file to <file>.corrupt-<time without colons>', async () => {
    const file = join(dir, 'db.json');
    await writeFile(file, 'garbage');
    const aside = await moveAside(file, new Date('2024-05-01T12:34:56.789Z'));
    expect(aside).toBe(`${file}.corrupt-2024-05-01T12-34-56.789Z`);
    expect(await readFile(aside, 'utf8')).toBe('garbage');
  });
});
