/**
 * The daemon's files in its home: daemon.log and audit.jsonl are written without following a
 * symlink planted in their place (the link's target stays untouched and the daemon says so), and
 * they are the owner's alone (0600), even when they existed before with looser modes.
 */
import { chmodSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionsCreate } from '../../../shared/protocol';
import { cleanupDaemons, freshHome, startDaemon } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt } from '../../helpers/integrationClient';

beforeAll(() => ensureDaemonBuilt());
afterAll(async () => {
  await closeClients();
  await cleanupDaemons();
});

describe('daemon.log and audit.jsonl', () => {
  it('never writes through a symlink in their place, and says so', async () => {
    const home = freshHome();
    const elsewhere = mkdtempSync(join(tmpdir(), 'sb-victim-'));
    const victims = { log: join(elsewhere, 'victim-log'), audit: join(elsewhere, 'victim-audit') };
    writeFileSync(victims.log, 'untouched\n');
    writeFileSync(victims.audit, 'untouched\n');
    symlinkSync(victims.log, join(home, 'daemon.log'));
    symlinkSync(victims.audit, join(home, 'audit.jsonl'));
    const daemon = await startDaemon({ home });
    const client = await connectClient(daemon, 'files');
    await client.request(ConnectionsCreate, { name: 'local', provider: 'ollama' });
    await closeClients();
    await daemon.stop();
    expect(readFileSync(victims.log, 'utf8')).toBe('untouched\n');
    expect(readFileSync(victims.audit, 'utf8')).toBe('untouched\n');
    expect(daemon.output()).toMatch(/daemon\.log is a symbolic link; the daemon does not follow it/);
    expect(daemon.output()).toMatch(/audit\.jsonl is a symbolic link: .*Remove the link/);
  });

  it('makes them 0600, also when they were there before with another mode', async () => {
    const home = freshHome();
    writeFileSync(join(home, 'daemon.log'), 'old line\n');
    writeFileSync(join(home, 'audit.jsonl'), '');
    chmodSync(join(home, 'daemon.log'), 0o644);
    chmodSync(join(home, 'audit.jsonl'), 0o644);
    const daemon = await startDaemon({ home });
    const client = await connectClient(daemon, 'files');
    await client.request(ConnectionsCreate, { name: 'local', provider: 'ollama' });
    await closeClients();
    await daemon.stop();
    expect(statSync(join(home, 'daemon.log')).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'audit.jsonl')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(home, 'audit.jsonl'), 'utf8')).toContain('"action":"create"');
  });
});
