import { appendFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../daemon/log';
import { AuditLog } from '../../../daemon/store/auditLog';
import { tempDir } from './helpers';

let file: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  file = join(dir, 'audit.jsonl');
});
afterEach(() => cleanup());

describe('AuditLog', () => {
  it('appends timestamped entries as JSON lines and lists them newest last', async () => {
    const audit = new AuditLog(file, silentLogger);
    await audit.append({ client: 'vscode', action: 'create', connectionId: 'c1', name: 'Work' });
    await audit.append({ client: 'cli', action: 'delete', connectionId: 'c1' });
    const entries = await audit.list();
    expect(entries.map((e) => e.action)).toEqual(['create', 'delete']);
    expect(entries[0]).toMatchObject({ client: 'vscode', connectionId: 'c1', name: 'Work' });
    expect(Date.parse(entries[0]!.at)).not.toBeNaN();
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('creates audit.jsonl with mode 0600', async () => {
    if (process.platform === 'win32') return;
    await new AuditLog(file, silentLogger).append({ client: 'x', action: 'setDefault' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('rotates a full file to audit.jsonl.1, keeps at most two files, and lists across both', async () => {
    const audit = new AuditLog(file, silentLogger, 400); // a few entries per file
    const files = async () => (await readdir(join(file, '..'))).filter((f) => f.startsWith('audit.jsonl')).sort();
    let n = 0;
    // At least 30 entries, ending with a current file that holds some (a rotation may have just happened).
    while ((n < 30 || (await files()).length < 2) && n < 100)
      await audit.append({ client: 'x', action: 'update', name: `n${n++}` });
    expect(n).toBeLessThan(60);
    expect(await files()).toEqual(['audit.jsonl', 'audit.jsonl.1']);
    expect((await stat(file)).size).toBeLessThan(400);
    expect((await stat(`${file}.1`)).size).toBeLessThan(400 + 200);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    // The newest entries come from the current file first, then the rotated one, in order.
    const current = (await readFile(file, 'utf8')).trim().split('\n').length;
    const names = (await audit.list(current + 2)).map((e) => e.name);
    expect(names).toEqual(Array.from({ length: current + 2 }, (_, i) => `n${n - current - 2 + i}`));
    // Older entries than the two files hold are gone: the log stays bounded.
    expect((await audit.list(1000)).length).toBeLessThan(n / 2);
  });

  it('keeps an appended entry when the rotation fails, and says why in a warning', async () => {
    const warnings: string[] = [];
    const audit = new AuditLog(file, { ...silentLogger, warn: (message) => warnings.push(message) }, 10);
    // A directory in the rotated file's place (with something in it) makes the rename fail.
    await mkdir(`${file}.1`);
    await writeFile(join(`${file}.1`, 'x'), '');
    await audit.append({ client: 'x', action: 'create', name: 'kept' });
    await audit.append({ client: 'x', action: 'update', name: 'also kept' });
    expect((await audit.list(2)).map((e) => e.name)).toEqual(['kept', 'also kept']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`Could not rotate ${file} to ${file}.1`);
  });

  it('returns only the newest entries up to the limit', async () => {
    const audit = new AuditLog(file, silentLogger);
    for (let i = 0; i < 5; i++) await audit.append({ client: 'x', action: 'update', name: `n${i}` });
    expect((await audit.list(2)).map((e) => e.name)).toEqual(['n3', 'n4']);
  });

  it('returns no entries when the file does not exist yet', async () => {
    expect(await new AuditLog(file, silentLogger).list()).toEqual([]);
  });

  it('keeps every one of many concurrent appends, in call order', async () => {
    const audit = new AuditLog(file, silentLogger);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => audit.append({ client: 'x', action: 'update', name: String(i) })),
    );
    const entries = await audit.list(1000);
    expect(entries.map((e) => e.name)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
  });

  it('scrubs a key a caller passed by mistake before writing it', async () => {
    const key = 'sk-proj-AbCdEfGh1234567890ZyXwVuTs';
    const audit = new AuditLog(file, silentLogger);
    await audit.append({
      client: 'x',
      action: 'setKey',
      connectionId: 'c1',
      details: { apiKey: key, nested: [`Bearer ${key}`] },
    });
    const raw = await readFile(file, 'utf8');
    expect(raw).not.toContain(key);
    expect(raw).not.toContain('AbCdEfGh1234');
  });

  it('skips a torn last line and starts the next entry on a fresh line', async () => {
    const audit = new AuditLog(file, silentLogger);
    await audit.append({ client: 'x', action: 'create', name: 'first' });
    await appendFile(file, '{"at":"2024-05-01T00:00:00.000Z","client":"x","act');
    expect((await audit.list()).map((e) => e.name)).toEqual(['first']);

    const reopened = new AuditLog(file, silentLogger);
    await reopened.append({ client: 'x', action: 'update', name: 'after crash' });
    expect((await reopened.list()).map((e) => e.name)).toEqual(['first', 'after crash']);
  });
});
