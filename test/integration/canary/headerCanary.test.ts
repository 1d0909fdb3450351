/**
 * Canary secrets in custom header values, through the real daemon: they must reach the mock
 * upstream in the request headers (OpenAI and Anthropic wire), and appear in nothing else — no
 * response, notification, HTTP body, log line, audit entry or file in the home (db.json and its
 * migration backup included). Covered: create (detected by name, by value, and named in
 * `secretHeaders`), the mask round trip, replacing and removing a secret, upstream errors quoting
 * them, a draft test, a restart (the vault keeps them), and the startup pass that moves a plaintext
 * value out of an old db.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchboardClient } from '../../../shared/client';
import {
  AuditList,
  ConnectionsCreate,
  ConnectionsDelete,
  ConnectionsGet,
  ConnectionsList,
  ConnectionsTest,
  ConnectionsUpdate,
  EventsSubscribe,
  SECRET_HEADER_MASK,
  type Connection,
  type CreateConnectionParams,
} from '../../../shared/protocol';
import { cleanupDaemons, freshHome, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, daemonHttp, ensureDaemonBuilt, failure } from '../../helpers/integrationClient';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '../../mocks/upstream';
import { canary, findLeaks, scanDirectory } from './canaryScan';

const H = {
  bearer: canary('sk-CANARY-helicone-'), // Helicone-Auth: Bearer <it>: found by its value's scheme and name
  portkey: canary('portkeycanary'), // X-Portkey-Api-Key: found by name; removed later
  named: canary('tenant canary '), // X-Tenant: harmless by both rules, secret only because secretHeaders names it
  cf: canary('cfsecretcanary'), // Cf-Access-Client-Secret on an Anthropic connection
  replaced: canary('sk-CANARY-replaced-'), // the new Helicone-Auth value
  legacy: canary('legacycanary'), // plaintext in an old db.json, moved by the startup pass
  draft: canary('draftheadercanary'), // a draft test's header, echoed back by a 401
  invalid: canary('invalidheadercanary'), // only ever inside invalid params
};
const ALL = Object.values(H);
const KEY = 'sk-header-suite-key-0123456789';
const ENV_NAME = 'SB_HEADER_CANARY_KEY';
const LEGACY_ID = 'conn_legacy00001';

let mock: MockUpstream;
let home: string;
const seen: Array<{ where: string; text: string }> = [];
let output = '';
const ids: Record<string, string> = {};
/** Upstream requests made after the restart. */
let afterRestart: RecordedRequest[] = [];
let firstLegacy: Connection | undefined;

/** An old (schema v1) db.json holding a secret header value in plain text. */
function seedOldStore(): void {
  const legacy = {
    id: LEGACY_ID,
    name: 'Legacy',
    provider: 'openai',
    baseUrl: mock.openaiBaseUrl,
    defaultModel: 'gpt-5.4',
    headers: { 'X-Gateway-Token': H.legacy, 'X-Team': 'red' },
    timeoutMs: 60_000,
    maxRetries: 0,
    isDefault: true,
    keySource: `env:${ENV_NAME}`,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
  const db = {
    schemaVersion: 1,
    connections: [legacy],
    providers: [],
    settings: { testIntervalHours: 0, modelsCacheMinutes: 60 },
    usage: [],
    modelCache: {},
  };
  writeFileSync(join(home, 'db.json'), JSON.stringify(db, null, 2), { mode: 0o600 });
}

const env = {
  [ENV_NAME]: KEY,
  SWITCHBOARD_LOG_LEVEL: 'debug',
  OPENAI_LOG: 'debug',
  ANTHROPIC_LOG: 'debug',
  DEBUG: '*',
};

async function session(
  daemon: DaemonProcess,
  name: string,
  run: (client: SwitchboardClient) => Promise<void>,
): Promise<void> {
  const frames: string[] = [];
  const client = await connectClient(daemon, name, { frames });
  await client.request(EventsSubscribe, {});
  await run(client);
  await closeClients();
  expect(await daemon.stop()).toBe(0);
  output += daemon.output();
  seen.push(...frames.map((text, i) => ({ where: `${name} frame ${i}`, text })));
}

const chat = (client: SwitchboardClient, connectionId: string) =>
  client
    .chat({ connectionId, messages: [{ role: 'user', content: 'canary?' }] })
    .result.catch((error: unknown) => error);

async function http(daemon: DaemonProcess, body: unknown): Promise<void> {
  const reply = await daemonHttp(daemon, 'POST', '/v1/chat/completions', body);
  seen.push({ where: `HTTP → ${reply.status}`, text: `${JSON.stringify(reply.headers)}\n${reply.body}` });
}

beforeAll(async () => {
  ensureDaemonBuilt();
  mock = await startMockUpstream({ validKeys: [KEY] });
  home = freshHome();
  seedOldStore();

  const first = await startDaemon({ home, env });
  await session(first, 'first', async (client) => {
    const create = async (key: string, params: CreateConnectionParams) => {
      const { connection } = await client.request(ConnectionsCreate, params);
      ids[key] = connection.id;
      return connection;
    };
    const gateway = await create('gateway', {
      name: 'Gateway',
      provider: 'openai',
      baseUrl: mock.openaiBaseUrl,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      apiKey: KEY,
      headers: {
        'Helicone-Auth': `Bearer ${H.bearer}`,
        'X-Portkey-Api-Key': H.portkey,
        'X-Tenant': H.named,
        'X-Team': 'blue',
      },
      secretHeaders: ['X-Tenant'],
    });
    await create('claude', {
      name: 'Claude',
      provider: 'anthropic',
      baseUrl: mock.anthropicBaseUrl,
      defaultModel: 'claude-sonnet-4-6',
      maxRetries: 0,
      apiKey: KEY,
      headers: { 'Cf-Access-Client-Secret': H.cf },
    });
    firstLegacy = (await client.request(ConnectionsGet, { id: LEGACY_ID })).connection;
    for (const id of [ids.gateway!, ids.claude!, LEGACY_ID]) await chat(client, id);

    // The list as received goes back with one plain header edited: the secrets stay.
    await client.request(ConnectionsUpdate, { id: gateway.id, headers: { ...gateway.headers, 'X-Team': 'green' } });
    await chat(client, gateway.id);
    await client.request(ConnectionsUpdate, {
      id: gateway.id,
      headers: { ...gateway.headers, 'Helicone-Auth': `Bearer ${H.replaced}` },
    });
    await chat(client, gateway.id);
    await client.request(ConnectionsTest, { id: gateway.id, completion: true });

    // Upstream errors quoting every header secret, on both wires and through the OpenAI-compatible endpoint.
    // Only values the daemon holds (or that look like keys): a plain-looking value it never saw cannot be recognised.
    const quote = `Rejected headers: ${[H.bearer, H.portkey, H.named, H.cf, H.replaced, H.legacy].join(', ')}`;
    for (const status of [401, 403, 500]) {
      mock.fault({
        kind: 'status',
        status,
        count: 1,
        body: { error: { message: quote, type: 'x', code: null } },
        match: { format: 'openai' },
      });
      await chat(client, gateway.id);
      mock.fault({
        kind: 'status',
        status,
        count: 1,
        body: { type: 'error', error: { type: 'x', message: quote } },
        match: { format: 'anthropic' },
      });
      await chat(client, ids.claude!);
    }
    for (const stream of [false, true]) {
      await http(first, { model: 'Gateway', stream, messages: [{ role: 'user', content: 'hi' }] });
      mock.fault({ kind: 'status', status: 401, count: 1, body: { error: { message: quote, type: 'x', code: null } } });
      await http(first, { model: 'Gateway', stream, messages: [{ role: 'user', content: 'hi' }] });
    }

    // A draft's header is used once; a 401 that echoes it must not bring it back.
    for (const status of [401, 403, 500]) {
      mock.fault({
        kind: 'status',
        status,
        count: 2,
        body: { error: { message: `Invalid portkey key ${H.draft}`, type: 'x', code: null } },
      });
      await client.request(ConnectionsTest, {
        draft: {
          provider: 'openai',
          baseUrl: mock.openaiBaseUrl,
          apiKey: KEY,
          headers: { 'X-Portkey-Api-Key': H.draft },
        },
      });
    }
    mock.clearFaults();

    // Invalid params carrying a header secret, and a mask with nothing behind it.
    await failure(client.request(ConnectionsUpdate, { id: gateway.id, headers: { 'X-Token': `${H.invalid}\r\n` } }));
    await failure(
      client.request(ConnectionsUpdate, { id: gateway.id, headers: { 'X-Other-Token': SECRET_HEADER_MASK } }),
    );

    // Removing a secret header removes its value.
    await client.request(ConnectionsUpdate, {
      id: gateway.id,
      headers: { 'Helicone-Auth': SECRET_HEADER_MASK, 'X-Tenant': SECRET_HEADER_MASK, 'X-Team': 'green' },
    });
    await Promise.all([client.request(ConnectionsList), client.request(AuditList, { limit: 1000 })]);
  });

  // The vault outlives the process: the secrets still reach the upstream.
  const second = await startDaemon({ home, env });
  await session(second, 'second', async (client) => {
    const sent = mock.requests.length;
    for (const id of [ids.gateway!, ids.claude!, LEGACY_ID]) await chat(client, id);
    afterRestart = mock.requests.slice(sent);
    await client.request(ConnectionsList);
    await client.request(ConnectionsDelete, { id: ids.claude! });
  });
}, 120_000);

afterAll(async () => {
  await closeClients();
  await cleanupDaemons();
  await mock?.close();
});

const headerOf = (r: RecordedRequest, name: string) => r.headers[name.toLowerCase()];
const requestsWith = (name: string, value: string) => mock.requests.filter((r) => headerOf(r, name) === value);

describe('secret header values', () => {
  it('reach the upstream in the request headers, on both wires, with their real values', () => {
    expect(requestsWith('Helicone-Auth', `Bearer ${H.bearer}`).length).toBeGreaterThan(0);
    expect(requestsWith('X-Portkey-Api-Key', H.portkey).length).toBeGreaterThan(0);
    expect(requestsWith('X-Tenant', H.named).length).toBeGreaterThan(0);
    expect(
      requestsWith('Cf-Access-Client-Secret', H.cf).filter((r) => r.format === 'anthropic').length,
    ).toBeGreaterThan(0);
    expect(requestsWith('Helicone-Auth', `Bearer ${H.replaced}`).length).toBeGreaterThan(0);
    expect(requestsWith('X-Portkey-Api-Key', H.draft).length).toBeGreaterThan(0);
    // Never the mask itself (its bullets are the only non-ASCII a header could carry here, however decoded).
    expect(mock.requests.flatMap((r) => Object.values(r.headers)).filter((v) => /[^\x20-\x7e]/.test(v))).toEqual([]);
  });

  it('survive the mask round trip: editing another header left the secret as it was', () => {
    const gatewayChats = mock.requests.filter(
      (r) => r.path.endsWith('/chat/completions') && headerOf(r, 'X-Team') === 'green',
    );
    expect(headerOf(gatewayChats[0]!, 'Helicone-Auth')).toBe(`Bearer ${H.bearer}`);
  });

  it('still reach the upstream after a restart, without the one that was removed', () => {
    const gateway = afterRestart.find((r) => headerOf(r, 'X-Team') === 'green')!;
    expect(headerOf(gateway, 'Helicone-Auth')).toBe(`Bearer ${H.replaced}`);
    expect(headerOf(gateway, 'X-Tenant')).toBe(H.named);
    expect(headerOf(gateway, 'X-Portkey-Api-Key')).toBeUndefined();
    expect(afterRestart.some((r) => headerOf(r, 'Cf-Access-Client-Secret') === H.cf)).toBe(true);
    expect(afterRestart.some((r) => headerOf(r, 'X-Gateway-Token') === H.legacy)).toBe(true);
  });

  it('are moved out of an old db.json on start, shown masked from the first response on', () => {
    expect(firstLegacy?.headers).toEqual({ 'X-Gateway-Token': SECRET_HEADER_MASK, 'X-Team': 'red' });
    expect(firstLegacy?.secretHeaders).toEqual(['X-Gateway-Token']);
    const db = JSON.parse(readFileSync(join(home, 'db.json'), 'utf8')) as { connections: Connection[] };
    expect(db.connections.find((c) => c.id === LEGACY_ID)).toMatchObject({
      headers: { 'X-Gateway-Token': SECRET_HEADER_MASK },
      secretHeaders: ['X-Gateway-Token'],
    });
    expect(readFileSync(join(home, 'db.json.v1.bak'), 'utf8')).toContain(SECRET_HEADER_MASK);
    expect(output).toMatch(/Moved 1 secret header value\(s\).*Legacy: X-Gateway-Token.*db\.json\.v1\.bak/);
  });

  it('are kept as vault ciphertext, gone with their header or connection', () => {
    const vault = JSON.parse(readFileSync(join(home, 'vault.json'), 'utf8')) as { entries: Record<string, unknown> };
    const headerIds = Object.keys(vault.entries)
      .filter((id) => id.includes('#header:'))
      .sort();
    expect(headerIds).toEqual(
      [
        `${ids.gateway}#header:helicone-auth`,
        `${ids.gateway}#header:x-tenant`,
        `${LEGACY_ID}#header:x-gateway-token`,
      ].sort(),
    );
  });

  it('are named, never shown, in the audit log', () => {
    const audit = readFileSync(join(home, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; details?: { headers?: string[] } });
    // create Gateway, create Claude, the round trip (X-Team only), the replacement (sent with the X-Team it was created with), the removal.
    expect(audit.map((e) => e.details?.headers).filter(Boolean)).toEqual([
      ['Helicone-Auth', 'X-Portkey-Api-Key', 'X-Tenant', 'X-Team'],
      ['Cf-Access-Client-Secret'],
      ['X-Team'],
      ['Helicone-Auth', 'X-Team'],
      ['X-Team', 'X-Portkey-Api-Key'],
    ]);
  });

  it('appear in no response, notification or HTTP body', () => {
    const text = seen.map((s) => s.text).join('\n');
    for (const code of [
      'INVALID_API_KEY',
      'FORBIDDEN',
      'UPSTREAM_ERROR',
      'VALIDATION',
      'connections/changed',
      SECRET_HEADER_MASK,
    ])
      expect(text, code).toContain(code);
    expect(seen.flatMap((s) => findLeaks(s.where, s.text, ALL))).toEqual([]);
  });

  it('appear nowhere in the daemon output, with every debug log on', () => {
    expect(output).toMatch(/DEBUG/);
    expect(findLeaks('stdout/stderr', output, ALL)).toEqual([]);
  });

  it('appear in no file of the home, backups included', () => {
    expect(scanDirectory(home, ALL)).toEqual([]);
  });
});
