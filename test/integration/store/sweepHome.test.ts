/**
 * What crashes leave in the home is cleaned at start, through the real daemon on a real home: temp
 * files of writes that never finished (only those whose writer is gone), and vault entries of
 * connections that no longer exist — but never judged against a store that started empty (one moved
 * aside for repair), where every key would look like an orphan.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionsCreate, ConnectionsList } from '../../../shared/protocol';
import { cleanupDaemons, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt } from '../../helpers/integrationClient';

beforeAll(() => ensureDaemonBuilt());
afterEach(async () => {
  await closeClients();
  await cleanupDaemons();
});
afterAll(() => cleanupDaemons());

const KEEP = 'sk-sweep-keep-0123456789abcdef';
const GONE = 'sk-sweep-gone-0123456789abcdef';

/** The pid of a process that has exited: no process runs with it now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const vaultIds = (home: string): string[] =>
  Object.keys(
    (JSON.parse(readFileSync(join(home, 'vault.json'), 'utf8')) as { entries: Record<string, unknown> }).entries,
  ).sort();

/** Two vault connections (one with a secret header), then the store loses one, as a delete cut short by a crash would leave it. */
async function homeWithAnOrphan(): Promise<{ daemon: DaemonProcess; keep: string; gone: string }> {
  const daemon = await startDaemon();
  const client = await connectClient(daemon, 'sweep');
  const make = (name: string, apiKey: string, headers?: Record<string, string>) =>
    client
      .request(ConnectionsCreate, {
        name,
        provider: 'openai',
        baseUrl: 'http://127.0.0.1:9/v1',
        apiKey,
        keySource: 'vault',
        defaultModel: 'gpt-5.4',
        ...(headers && { headers }),
      })
      .then((r) => r.connection.id);
  const keep = await make('Keep', KEEP);
  const gone = await make('Gone', GONE, { 'X-Gone-Token': 'header-secret-gone-0123456789' });
  await closeClients();
  expect(await daemon.stop()).toBe(0);
  const dbFile = join(daemon.home, 'db.json');
  const db = JSON.parse(readFileSync(dbFile, 'utf8')) as { connections: Array<{ id: string }> };
  db.connections = db.connections.filter((c) => c.id !== gone);
  writeFileSync(dbFile, JSON.stringify(db));
  return { daemon, keep, gone };
}

describe('at start, the daemon', () => {
  it('removes temp files whose writer is gone, and keeps those of a running writer and every other file', async () => {
    const first = await startDaemon();
    expect(await first.stop()).toBe(0);
    const dead = deadPid();
    const stale = [
      `.db.json.${dead}.a1b2c3d4e5f6.tmp`,
      `.vault.json.${dead}.0123456789ab.tmp`,
      `daemon.json.${dead}.tmp`,
    ];
    const live = `.db.json.${process.pid}.ffffffffffff.tmp`; // this test process: a writer still running
    const other = 'notes.tmp';
    const usersOwn = `notes.${dead}.tmp`; // shaped like a temp file, but not a name the daemon writes
    for (const name of [...stale, live, other, usersOwn]) writeFileSync(join(first.home, name), 'x'.repeat(1024));
    const daemon = await startDaemon({ home: first.home });
    const names = readdirSync(daemon.home);
    for (const name of stale) expect(names, name).not.toContain(name);
    expect(names).toContain(live);
    expect(names).toContain(other);
    expect(names).toContain(usersOwn);
    expect(daemon.output()).toMatch(/Removed 3 temp file\(s\)/);
  });

  it('removes vault entries (a key and a secret header) of a connection the store no longer has, and keeps the others', async () => {
    const { daemon: stopped, keep, gone } = await homeWithAnOrphan();
    expect(vaultIds(stopped.home).filter((id) => id.startsWith(gone))).toHaveLength(2);
    const daemon = await startDaemon({ home: stopped.home });
    expect(vaultIds(daemon.home)).toEqual([keep]);
    expect(daemon.output()).toMatch(/Removed 2 vault entries that belonged to no connection/);
    const client = await connectClient(daemon, 'after');
    const [kept] = (await client.request(ConnectionsList)).connections;
    expect(kept).toMatchObject({ id: keep, keySource: 'vault' });
    expect(kept!.keyHint).toBeDefined();
    // Neither key reached the log.
    expect(daemon.output()).not.toContain(KEEP);
    expect(daemon.output()).not.toContain(GONE);
  });

  it('removes no vault entry when the store was unreadable and moved aside: its keys are not orphans', async () => {
    const { daemon: stopped, keep, gone } = await homeWithAnOrphan();
    const before = vaultIds(stopped.home);
    writeFileSync(join(stopped.home, 'db.json'), '{ "connections": [ truncated');
    const daemon = await startDaemon({ home: stopped.home });
    expect(readdirSync(daemon.home).some((n) => n.startsWith('db.json.corrupt'))).toBe(true);
    expect(vaultIds(daemon.home), daemon.output()).toEqual(before);
    expect(before).toContain(keep);
    expect(before.some((id) => id.startsWith(gone))).toBe(true);
    expect(existsSync(join(daemon.home, 'vault.json'))).toBe(true);
  });
});
