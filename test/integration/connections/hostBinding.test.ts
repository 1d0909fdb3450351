/**
 * A stored key is bound to its connection's origin, on the real daemon: re-pointing a connection at
 * another origin drops the key and the secret header values (the next chat fails SECRET_MISSING and
 * nothing reaches the new host), unless the same update brings a key; a path change on the same
 * origin keeps everything; the audit entry names both origins.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SwitchboardClient } from '../../../shared/client';
import { ErrorCode } from '../../../shared/errors';
import { AuditList, ConnectionsCreate, ConnectionsGet, ConnectionsUpdate } from '../../../shared/protocol';
import { cleanupDaemons, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt, failure } from '../../helpers/integrationClient';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';

const KEY = 'sk-host-binding-key-0123456789abc';
const NEW_KEY = 'sk-host-binding-new-9876543210zyx';
const GATEWAY = 'Bearer sk-gateway-host-0123456789abcdef';

let daemon: DaemonProcess;
let home: MockUpstream;
let elsewhere: MockUpstream;
let client: SwitchboardClient;

beforeAll(() => ensureDaemonBuilt());
beforeEach(async () => {
  home = await startMockUpstream({ validKeys: [KEY, NEW_KEY] });
  elsewhere = await startMockUpstream({ validKeys: [KEY, NEW_KEY] });
  daemon = await startDaemon();
  client = await connectClient(daemon, 'host-binding');
});
afterEach(async () => {
  await closeClients();
  await cleanupDaemons();
  await home.close();
  await elsewhere.close();
});
afterAll(() => cleanupDaemons());

const create = (baseUrl: string) =>
  client
    .request(ConnectionsCreate, {
      name: 'bound',
      provider: 'openai',
      baseUrl,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      apiKey: KEY,
      headers: { 'X-Team': 'blue', 'Helicone-Auth': GATEWAY },
    })
    .then((r) => r.connection);
const chat = (connectionId: string) =>
  client.chat({ connectionId, messages: [{ role: 'user', content: 'hi' }] }).result;
const lastAudit = async () => (await client.request(AuditList, {})).entries.at(-1)!;

describe('a key bound to its host', () => {
  it('drops the key and secret headers when the base URL moves to another origin: SECRET_MISSING, nothing sent there', async () => {
    const c = await create(home.openaiBaseUrl);
    await chat(c.id);
    expect(home.requests.at(-1)!.authKey).toBe(KEY);

    const { connection } = await client.request(ConnectionsUpdate, { id: c.id, baseUrl: elsewhere.openaiBaseUrl });
    expect(connection.keyAvailable).toBe(false);
    expect(connection.keyHint).toBeUndefined();
    expect(connection.headers).toEqual({ 'X-Team': 'blue' });
    expect(connection.secretHeaders).toBeUndefined();

    const error = await failure(chat(c.id));
    expect((error as { code?: string }).code).toBe(ErrorCode.SECRET_MISSING);
    expect(elsewhere.requests).toHaveLength(0);

    const entry = await lastAudit();
    expect(entry).toMatchObject({ action: 'update', connectionId: c.id });
    expect(entry.details).toMatchObject({
      originBefore: new URL(home.openaiBaseUrl).origin,
      originAfter: new URL(elsewhere.openaiBaseUrl).origin,
      keyDropped: true,
      secretHeadersDropped: ['Helicone-Auth'],
    });
    expect(JSON.stringify(entry)).not.toContain(KEY);

    // Moving back does not bring the key back: it is gone, not hidden.
    const back = await client.request(ConnectionsUpdate, { id: c.id, baseUrl: home.openaiBaseUrl });
    expect(back.connection.keyAvailable).toBe(false);
  });

  it('keeps the key and secret headers when only the path changes on the same origin', async () => {
    const c = await create(`${new URL(home.openaiBaseUrl).origin}/old-path`);
    const { connection } = await client.request(ConnectionsUpdate, { id: c.id, baseUrl: home.openaiBaseUrl });
    expect(connection.keyAvailable).toBe(true);
    expect(connection.secretHeaders).toEqual(['Helicone-Auth']);
    await chat(c.id);
    expect(home.requests.at(-1)!.authKey).toBe(KEY);
    expect(home.requests.at(-1)!.headers['helicone-auth']).toBe(GATEWAY);
    expect((await lastAudit()).details).not.toHaveProperty('keyDropped');
  });

  it('keeps a key (and a header value) sent with the move, and sends only those to the new host', async () => {
    const c = await create(home.openaiBaseUrl);
    const fresh = 'Bearer sk-gateway-fresh-abcdefghij0123';
    const { connection } = await client.request(ConnectionsUpdate, {
      id: c.id,
      baseUrl: elsewhere.openaiBaseUrl,
      apiKey: NEW_KEY,
      headers: { 'X-Team': 'blue', 'Helicone-Auth': fresh },
    });
    expect(connection.keyAvailable).toBe(true);
    await chat(c.id);
    const sent = elsewhere.requests.at(-1)!;
    expect(sent.authKey).toBe(NEW_KEY);
    expect(sent.headers['helicone-auth']).toBe(fresh);
    const entry = await lastAudit();
    expect(entry.action).toBe('rotateKey');
    expect(entry.details).toMatchObject({
      originBefore: new URL(home.openaiBaseUrl).origin,
      originAfter: new URL(elsewhere.openaiBaseUrl).origin,
    });
    expect(entry.details).not.toHaveProperty('keyDropped');
  });

  it('drops a kept secret header (sent back masked) on a move even when a new key comes with it', async () => {
    const c = await create(home.openaiBaseUrl);
    const got = (await client.request(ConnectionsGet, { id: c.id })).connection;
    const { connection } = await client.request(ConnectionsUpdate, {
      id: c.id,
      baseUrl: elsewhere.openaiBaseUrl,
      apiKey: NEW_KEY,
      headers: got.headers!,
    });
    expect(connection.headers).toEqual({ 'X-Team': 'blue' });
    await chat(c.id);
    expect(elsewhere.requests.at(-1)!.headers['helicone-auth']).toBeUndefined();
  });
});
