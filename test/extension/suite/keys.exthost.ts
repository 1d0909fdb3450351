/** The SecretStorage bridge: keys typed in VS Code reach the daemon, survive its restarts, and die with their connection. */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { SwitchboardClient } from '../../../shared/client';
import { ConnectionsCreate, ConnectionsDelete, ConnectionsGet, type Connection } from '../../../shared/protocol';
import { connectedToNewDaemon, liveDaemon, switchboard, testHome, waitFor } from './setup';

const fingerprint = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 8);
const newKey = () => `sk-test-${randomBytes(12).toString('hex')}`;

async function createWithKey(name: string, apiKey: string): Promise<Connection> {
  const sb = switchboard();
  // The connection manager's add flow: create with keySource memory, then hand the key to the bridge.
  const { connection } = await sb.daemon.request(ConnectionsCreate, {
    name,
    provider: 'openai',
    keySource: 'memory',
    apiKey,
  });
  await sb.keys.store(connection.id, apiKey);
  return connection;
}

async function get(id: string): Promise<Connection> {
  return (await switchboard().daemon.request(ConnectionsGet, { id })).connection;
}

describe('keys in SecretStorage', () => {
  let key = newKey();
  let id: string;

  before(async () => {
    id = (await createWithKey(`Key bridge ${Date.now()}`, key)).id;
  });

  after(async () => {
    await switchboard()
      .daemon.request(ConnectionsDelete, { id })
      .catch(() => undefined);
    await switchboard()
      .keys.delete(id)
      .catch(() => undefined);
  });

  it('stores the key in SecretStorage and hands it to the daemon (keySource memory), never to db.json', async () => {
    assert.ok(await switchboard().keys.has(id));
    const c = await get(id);
    assert.equal(c.keySource, 'memory');
    assert.equal(c.keyAvailable, true);
    assert.equal(c.keyFingerprint, fingerprint(key));
    assert.ok(!readFileSync(path.join(testHome(), 'db.json'), 'utf8').includes(key), 'db.json must not hold the key');
  });

  it('re-sends the key after the daemon is killed and restarted', async () => {
    const old = (await liveDaemon())!;
    process.kill(old.pid, 'SIGKILL');
    await connectedToNewDaemon(old.pid);
    const c = await get(id);
    assert.equal(c.keyAvailable, true, 'the key is back in the new daemon');
    assert.equal(c.keyFingerprint, fingerprint(key));
  });

  it('re-sends the key to a daemon restarted with "Restart Daemon"', async () => {
    const old = (await liveDaemon())!;
    await vscode.commands.executeCommand('switchboard.restartDaemon');
    await connectedToNewDaemon(old.pid);
    assert.equal((await get(id)).keyAvailable, true);
  });

  it('rotating a key replaces it in both places, and the new one is what comes back after a restart', async () => {
    key = newKey();
    await switchboard().keys.store(id, key);
    assert.equal((await get(id)).keyFingerprint, fingerprint(key));
    const old = (await liveDaemon())!;
    process.kill(old.pid, 'SIGKILL');
    await connectedToNewDaemon(old.pid);
    assert.equal((await get(id)).keyFingerprint, fingerprint(key));
  });

  it('"Delete Connection" asks, names the connection, and deletes its secret', async function () {
    const name = `Delete me ${Date.now()}`;
    const victim = await createWithKey(name, newKey());
    const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
    const original = window.showWarningMessage;
    const asked: string[] = [];
    const stub = (message: unknown, ...rest: unknown[]) => {
      asked.push(String(message));
      return Promise.resolve(rest.find((r) => r === 'Delete'));
    };
    try {
      window.showWarningMessage = stub;
    } catch {
      // The API object is frozen here: the modal cannot be answered without a person.
    }
    if (window.showWarningMessage !== stub) {
      await switchboard().daemon.request(ConnectionsDelete, { id: victim.id });
      await switchboard().keys.delete(victim.id);
      this.skip();
    }
    try {
      const deleted = await vscode.commands.executeCommand<boolean>('switchboard.deleteConnection', victim.id);
      assert.equal(deleted, true);
    } finally {
      window.showWarningMessage = original;
    }
    assert.ok(
      asked.some((m) => m.includes(`"${name}"`)),
      `the confirmation names the connection: ${asked.join(' | ')}`,
    );
    assert.equal(await switchboard().keys.has(victim.id), false);
    await assert.rejects(get(victim.id), (e: { code?: string }) => e.code === 'CONNECTION_NOT_FOUND');
  });

  it('deletes the secret of a connection deleted by another window or tool', async () => {
    const victim = await createWithKey(`Deleted elsewhere ${Date.now()}`, newKey());
    const other = await SwitchboardClient.connect({ home: testHome(), clientName: 'exthost-test' });
    try {
      await other.request(ConnectionsDelete, { id: victim.id });
    } finally {
      await other.close();
    }
    await waitFor('the secret to be deleted', async () => !(await switchboard().keys.has(victim.id)));
  });

  it('drops secrets of connections that no longer exist when it re-sends keys', async () => {
    const ghost = `ghost-${Date.now()}`;
    // store() keeps the key even when the daemon refuses it (it may be down); resendAll() cleans up.
    await assert.rejects(
      switchboard().keys.store(ghost, newKey()),
      (e: { code?: string }) => e.code === 'CONNECTION_NOT_FOUND',
    );
    assert.equal(await switchboard().keys.has(ghost), true);
    await switchboard().keys.resendAll();
    assert.equal(await switchboard().keys.has(ghost), false);
  });
});
