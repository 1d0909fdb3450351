/**
 * What survives a daemon restart on the same home, what must not (a `memory` key), how a damaged
 * `db.json` is set aside instead of lost, and the audit trail — all against the real daemon process.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SwitchboardClient } from '../../../shared/client';
import { ErrorCode, type SwitchboardError } from '../../../shared/errors';
import {
  AuditList,
  ChatStream,
  ConnectionsCreate,
  ConnectionsDelete,
  ConnectionsGet,
  ConnectionsList,
  ConnectionsSetDefault,
  ConnectionsUpdate,
  SecretsSet,
  SettingsGet,
  SettingsUpdate,
  type CreateConnectionParams,
} from '../../../shared/protocol';
import { cleanupDaemons, freshHome, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt, failure } from '../../helpers/integrationClient';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';

let mock: MockUpstream;

beforeAll(() => ensureDaemonBuilt());
beforeEach(async () => {
  mock = await startMockUpstream();
});
afterEach(async () => {
  await closeClients();
  await cleanupDaemons();
  await mock.close();
});
afterAll(() => cleanupDaemons());

/** Stops the daemon (SIGTERM, as a user would) and starts a new one on the same home. */
async function restart(daemon: DaemonProcess, env: Record<string, string> = {}): Promise<DaemonProcess> {
  await closeClients();
  expect(await daemon.stop()).toBe(0);
  return startDaemon({ home: daemon.home, env });
}

const create = (client: SwitchboardClient, params: CreateConnectionParams) =>
  client.request(ConnectionsCreate, params).then((r) => r.connection);
const chat = (client: SwitchboardClient, connectionId: string) =>
  client.request(ChatStream, {
    streamId: `s-${Math.random()}`,
    connectionId,
    model: 'gpt-5.4',
    messages: [{ role: 'user', content: 'hi' }],
  });

describe('after a restart on the same home', () => {
  it('keeps connections, the default and the settings', async () => {
    let daemon = await startDaemon();
    let client = await connectClient(daemon, 'persist');
    await create(client, { name: 'First', provider: 'ollama' });
    const second = await create(client, {
      name: 'Second',
      provider: 'openai',
      baseUrl: mock.openaiBaseUrl,
      defaultModel: 'gpt-5.4',
      headers: { 'X-Team': 'blue' },
      timeoutMs: 5000,
      maxRetries: 0,
    });
    await client.request(ConnectionsSetDefault, { id: second.id });
    const settings = (await client.request(SettingsUpdate, { testIntervalHours: 0, modelsCacheMinutes: 5 })).settings;
    const before = (await client.request(ConnectionsList)).connections;

    daemon = await restart(daemon);
    client = await connectClient(daemon, 'persist');
    expect((await client.request(ConnectionsList)).connections).toEqual(before);
    expect(before.map((c) => [c.name, c.isDefault])).toEqual([
      ['Second', true],
      ['First', false],
    ]);
    expect((await client.request(SettingsGet)).settings).toEqual(settings);
    expect(settings).toEqual({ testIntervalHours: 0, modelsCacheMinutes: 5 });
  });

  it('keeps a vault key but not a memory key, which works again once a client pushes it', async () => {
    const vaultKey = 'sk-vault-key-0123456789abcd';
    const memoryKey = 'sk-memory-key-0123456789wxyz';
    let daemon = await startDaemon();
    let client = await connectClient(daemon, 'persist');
    const base = { provider: 'openai', baseUrl: mock.openaiBaseUrl, defaultModel: 'gpt-5.4' };
    const inVault = await create(client, { ...base, name: 'Vaulted', apiKey: vaultKey });
    const inMemory = await create(client, { ...base, name: 'Remembered', keySource: 'memory', apiKey: memoryKey });
    expect([inVault.keyAvailable, inMemory.keyAvailable]).toEqual([true, true]);

    daemon = await restart(daemon);
    client = await connectClient(daemon, 'persist');
    expect((await client.request(ConnectionsGet, { id: inVault.id })).connection).toMatchObject({
      keySource: 'vault',
      keyAvailable: true,
      keyHint: '…abcd',
    });
    expect((await chat(client, inVault.id)).text).toBe('Hello from mock');
    expect(mock.requests.at(-1)!.authKey).toBe(vaultKey);

    expect((await client.request(ConnectionsGet, { id: inMemory.id })).connection).toMatchObject({
      keySource: 'memory',
      keyAvailable: false,
    });
    const sent = mock.requests.length;
    const missing = await failure(chat(client, inMemory.id));
    expect(missing.code).toBe(ErrorCode.SECRET_MISSING);
    expect((missing as SwitchboardError).data.hint).toMatch(/VS Code|key set/);
    expect(mock.requests.length).toBe(sent); // nothing went upstream without a key

    expect(
      (await client.request(SecretsSet, { connectionId: inMemory.id, apiKey: memoryKey })).connection,
    ).toMatchObject({ keyAvailable: true, keyHint: '…wxyz' });
    expect((await chat(client, inMemory.id)).text).toBe('Hello from mock');
    expect(mock.requests.at(-1)!.authKey).toBe(memoryKey);
  });

  it('reads an env:NAME key from the daemon environment, and says which variable to set when it is unset', async () => {
    const envKey = 'sk-from-env-0123456789efgh';
    const daemon = await startDaemon({ env: { SB_IT_OPENAI_KEY: envKey } });
    const client = await connectClient(daemon, 'persist');
    const base = { provider: 'openai', baseUrl: mock.openaiBaseUrl, defaultModel: 'gpt-5.4' };
    const fromEnv = await create(client, { ...base, name: 'Env', keySource: 'env:SB_IT_OPENAI_KEY' });
    expect(fromEnv).toMatchObject({ keySource: 'env:SB_IT_OPENAI_KEY', keyAvailable: true, keyHint: '…efgh' });
    expect((await chat(client, fromEnv.id)).text).toBe('Hello from mock');
    expect(mock.requests.at(-1)!.authKey).toBe(envKey);

    const unset = await create(client, { ...base, name: 'Unset', keySource: 'env:SB_IT_UNSET_KEY' });
    expect(unset.keyAvailable).toBe(false);
    const error = await failure(chat(client, unset.id));
    expect(error.code).toBe(ErrorCode.SECRET_MISSING);
    expect((error as SwitchboardError).data.hint).toContain('SB_IT_UNSET_KEY');
  });
});

describe('a damaged db.json', () => {
  async function startOnDamaged(content: string | Buffer) {
    const home = freshHome();
    writeFileSync(join(home, 'db.json'), content, { mode: 0o600 });
    const daemon = await startDaemon({ home });
    const client = await connectClient(daemon, 'persist');
    const asides = readdirSync(home).filter((f) => f.startsWith('db.json.corrupt-'));
    expect(asides).toHaveLength(1);
    const aside = join(home, asides[0]!);
    expect(readFileSync(aside)).toEqual(Buffer.from(content));
    expect((await client.request(ConnectionsList)).connections).toEqual([]);
    const log = daemon.output();
    expect(log).toContain(join(home, 'db.json'));
    expect(log).toContain(aside);
    // The daemon works on its fresh store.
    await create(client, { name: 'After', provider: 'ollama' });
    expect(JSON.parse(readFileSync(join(home, 'db.json'), 'utf8')).connections).toHaveLength(1);
  }

  it('is moved aside when it holds garbage; the daemon starts empty and logs both paths', async () => {
    await startOnDamaged(Buffer.from([0x00, 0xff, 0x7b, 0x67, 0x61, 0x72, 0x62, 0x61, 0x67, 0x65, 0x0a]));
  });

  it('is moved aside when it was truncated mid-write', async () => {
    const daemon = await startDaemon();
    const client = await connectClient(daemon, 'persist');
    for (const name of ['One', 'Two', 'Three']) await create(client, { name, provider: 'ollama' });
    await closeClients();
    await daemon.stop();
    const whole = readFileSync(join(daemon.home, 'db.json'), 'utf8');
    expect(JSON.parse(whole).connections).toHaveLength(3);
    await startOnDamaged(whole.slice(0, Math.floor(whole.length / 2)));
  });
});

describe('files in the home', () => {
  it('writes db.json, the vault and the audit log with mode 0600', async () => {
    const daemon = await startDaemon();
    const client = await connectClient(daemon, 'persist');
    await create(client, { name: 'Keyed', provider: 'openai', apiKey: 'sk-mode-0123456789abcd' });
    for (const file of ['db.json', 'vault.json', 'audit.jsonl', 'master.key']) {
      expect((statSync(join(daemon.home, file)).mode & 0o777).toString(8), file).toBe('600');
    }
  });

  it('audits create, update, rotateKey, setDefault, setKey and delete with the client name from daemon/hello', async () => {
    const daemon = await startDaemon();
    const client = await connectClient(daemon, 'audit-probe');
    const a = await create(client, { name: 'Audited', provider: 'openai', apiKey: 'sk-audit-one-0123456789' });
    const b = await create(client, { name: 'Other', provider: 'openai', keySource: 'memory' });
    await client.request(ConnectionsUpdate, { id: a.id, name: 'Audited renamed', timeoutMs: 5000 });
    await client.request(ConnectionsUpdate, { id: a.id, apiKey: 'sk-audit-two-0123456789' });
    await client.request(ConnectionsSetDefault, { id: b.id });
    await client.request(SecretsSet, { connectionId: b.id, apiKey: 'sk-audit-mem-0123456789' });
    await client.request(ConnectionsDelete, { id: a.id });

    const expected = [
      { action: 'create', connectionId: a.id, name: 'Audited' },
      { action: 'create', connectionId: b.id, name: 'Other' },
      {
        action: 'update',
        connectionId: a.id,
        name: 'Audited renamed',
        details: expect.objectContaining({ fields: ['name', 'timeoutMs'] }),
      },
      { action: 'rotateKey', connectionId: a.id, details: expect.objectContaining({ fields: ['apiKey'] }) },
      { action: 'setDefault', connectionId: b.id },
      { action: 'setKey', connectionId: b.id },
      { action: 'delete', connectionId: a.id },
    ].map((e) => expect.objectContaining({ ...e, client: 'audit-probe', at: expect.any(String) }));
    const { entries } = await client.request(AuditList, {});
    expect(entries).toEqual(expected);
    const lines = readFileSync(join(daemon.home, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(expected);
    expect((await client.request(AuditList, { limit: 2 })).entries.map((e) => e.action)).toEqual(['setKey', 'delete']);
    // Fingerprints tell the keys apart; no key is in the file.
    const rotation = entries[3]!.details as { fingerprintBefore: string; fingerprintAfter: string };
    expect(rotation.fingerprintBefore).toMatch(/^[0-9a-f]{8}$/);
    expect(rotation.fingerprintAfter).not.toBe(rotation.fingerprintBefore);
    expect(readFileSync(join(daemon.home, 'audit.jsonl'), 'utf8')).not.toMatch(/sk-audit/);
  });
});
