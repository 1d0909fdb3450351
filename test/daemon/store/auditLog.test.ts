import { appendFile, readFile, stat } from 'node:fs/promises';
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
    await Promise.all(Array.from({ length: 100 }, (_, i) => audit.append({ client: 'x', action: 'update', name: String(i) })));
    const entries = await audit.list(1000);
    expect(entries.map((e) => e.name)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
  });

  it('scrubs a key a caller passed by mistake before writing it', async () => {
    const key = 'sk-proj-AbCdEfGh1234567890ZyXwVuTs';
    const audit = new AuditLog(file, silentLogger);
    await audit.append({ client: 'x', action: 'setKey', connectionId: 'c1', details: { apiKey: key, nested: [`Bearer ${key}`] } });
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
