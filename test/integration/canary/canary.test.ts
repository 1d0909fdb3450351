/**
 * THE canary suite: canary keys enter the real daemon through every path a key can take, every
 * method and error path is exercised (upstream 401s that echo the full key, 403/429/500 bodies that
 * quote it, cut streams, invalid params carrying it), with debug logging on in the daemon and in
 * both SDKs. Then no canary — nor any 12-character piece of one — may appear in anything a client
 * received, in the daemon's stdout/stderr, or in any file of its home (the vault holds ciphertext).
 *
 * The suite proves it could fail: the mock records that each canary really went upstream, and that
 * the bodies it answered with really contained them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SwitchboardClient } from '../../../shared/client';
import {
  AuditList,
  ConnectionsCreate,
  ConnectionsDelete,
  ConnectionsGet,
  ConnectionsList,
  ConnectionsResolve,
  ConnectionsTest,
  ConnectionsUpdate,
  DaemonStatus,
  EventsSubscribe,
  ModelsList,
  ProvidersList,
  ProvidersUpsert,
  SecretsClear,
  SecretsSet,
  SettingsGet,
  UsageGet,
  type CreateConnectionParams,
} from '../../../shared/protocol';
import { cleanupDaemons, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, daemonHttp, ensureDaemonBuilt, failure } from '../../helpers/integrationClient';
import { connectTcp, connectUnix, HandshakeRefused, type RawRpc } from '../../helpers/rawRpc';
import { startMockUpstream, type Fault, type MockUpstream } from '../../mocks/upstream';
import { canary, findLeaks, scanDirectory } from './canaryScan';

const K = {
  vault: canary('sk-CANARY-'), // create {apiKey} → vault
  anthropic: canary('sk-ant-CANARY-'), // Anthropic wire, x-api-key
  memory: canary('sk-CANARY-mem-'), // create {keySource: memory, apiKey}
  before: canary('sk-CANARY-old-'), // rotated away by update {apiKey}
  rotated: canary('sk-CANARY-rot-'), // update {apiKey}
  pushed: canary('sk-CANARY-set-'), // secrets/set
  env: canary('CANARYENV'), // env:NAME; looks like no key, so only exact-match redaction can catch it
  plain: canary('canaryplain'), // user-defined provider, plain-looking key
  raw: canary('sk-CANARY-raw-'), // created through hand-written JSON-RPC frames
  draft: canary('sk-CANARY-draft-'), // connections/test {draft}, accepted
  draftBad: canary('draftbadcanary'), // connections/test {draft}, rejected by a 401 that echoes it
  bad: canary('sk-CANARY-bad-'), // saved, rejected by a 401 that echoes it
  badPlain: canary('badplaincanary'), // saved, plain-looking, rejected by an echoing 401
  invalid: canary('invalidplaincanary'), // only ever sent inside invalid params
  bearer: canary('sk-CANARY-bearer-'), // sent to the daemon as if it were the daemon's token
  foreign: canary('sk-CANARY-foreign-'), // never given to the daemon: only upstream error bodies quote it
};
const ALL = Object.values(K);
const REJECTED = [K.bad, K.badPlain, K.draftBad];
const ENV_NAME = 'SB_CANARY_KEY';

let mock: MockUpstream;
let daemon: DaemonProcess;
let client: SwitchboardClient;
/** Every frame any WebSocket client received, and every HTTP body the daemon answered. */
const seen: Array<{ where: string; text: string }> = [];
const ids: Record<string, string> = {};
let stdoutAndStderr = '';

beforeAll(async () => {
  ensureDaemonBuilt();
  mock = await startMockUpstream({
    validKeys: ALL.filter((k) => !REJECTED.includes(k)),
    missingModels: ['gpt-missing', 'claude-missing'],
  });
  daemon = await startDaemon({
    env: { [ENV_NAME]: K.env, SWITCHBOARD_LOG_LEVEL: 'debug', OPENAI_LOG: 'debug', ANTHROPIC_LOG: 'debug', DEBUG: '*' },
  });
  const frames: string[] = [];
  client = await connectClient(daemon, 'canary-typed', { frames });
  const rawFrames: string[] = [];
  const raw = await connectTcp(daemon.info);
  const listener = await connectUnix(daemon.info);
  for (const [socket, sink] of [
    [raw, rawFrames],
    [listener, rawFrames],
  ] as Array<[RawRpc, string[]]>)
    socket.ws.on('message', (d) => sink.push(d.toString()));
  expect((await listener.call('events/subscribe', {})).result.events).toHaveLength(5); // then it only listens
  await client.request(EventsSubscribe, {});
  await exercise(raw);
  await raw.close();
  await listener.close();
  await closeClients();
  stdoutAndStderr = daemon.output();
  expect(await daemon.stop()).toBe(0);
  stdoutAndStderr = daemon.output();
  seen.push(
    ...frames.map((text, i) => ({ where: `typed client frame ${i}`, text })),
    ...rawFrames.map((text, i) => ({ where: `raw frame ${i}`, text })),
  );
}, 120_000);
afterAll(async () => {
  await closeClients();
  await cleanupDaemons();
  await mock?.close();
});

async function exercise(raw: RawRpc): Promise<void> {
  const create = async (key: string, params: CreateConnectionParams) =>
    (ids[key] = (await client.request(ConnectionsCreate, params)).connection.id);
  const openai = { provider: 'openai', baseUrl: mock.openaiBaseUrl, defaultModel: 'gpt-5.4', maxRetries: 0 };
  // Every way in.
  await create('vault', { ...openai, name: 'Vault', apiKey: K.vault, isDefault: true });
  await create('anthropic', {
    name: 'Anthropic',
    provider: 'anthropic',
    baseUrl: mock.anthropicBaseUrl,
    defaultModel: 'claude-sonnet-4-6',
    maxRetries: 0,
    apiKey: K.anthropic,
  });
  await create('memory', { ...openai, name: 'Memory', keySource: 'memory', apiKey: K.memory });
  await create('rotated', { ...openai, name: 'Rotated', apiKey: K.before });
  await chat(ids.rotated!);
  await client.request(ConnectionsUpdate, { id: ids.rotated!, apiKey: K.rotated });
  await create('pushed', { ...openai, name: 'Pushed', keySource: 'memory' });
  await client.request(SecretsSet, { connectionId: ids.pushed!, apiKey: K.pushed });
  await create('env', { ...openai, name: 'Env', keySource: `env:${ENV_NAME}` });
  await client.request(ProvidersUpsert, {
    provider: {
      id: 'canary-co',
      name: 'Canary Co',
      adapter: 'openai',
      defaultBaseUrl: mock.openaiBaseUrl,
      requiresKey: true,
    },
  });
  await create('plain', {
    name: 'Plain',
    provider: 'canary-co',
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
    apiKey: K.plain,
  });
  await create('bad', { ...openai, name: 'Bad', apiKey: K.bad });
  await create('badPlain', { ...openai, name: 'BadPlain', apiKey: K.badPlain });
  const viaRaw = await raw.call('connections/create', { ...openai, name: 'Raw', apiKey: K.raw });
  ids.raw = viaRaw.result.connection.id;

  // Every key in use, good and bad, streaming through the typed client.
  for (const id of Object.values(ids)) await chat(id);
  for (const id of [ids.vault!, ids.anthropic!]) await chat(id, id === ids.vault ? 'gpt-missing' : 'claude-missing');

  // Upstream failures whose bodies quote the key, and cut streams.
  // Bodies quoting this connection's key, another connection's keys (plain-looking ones too) and a key the daemon never saw.
  const quote = `Keys ${K.vault} (${K.vault.slice(0, 14)}...${K.vault.slice(-6)}), ${K.anthropic}, ${K.plain}, ${K.env} and ${K.foreign} are not allowed`;
  const quoting = (status: number) => ({ error: { message: quote, type: 'x', code: null, status } });
  const faults: Fault[] = [
    { kind: 'status', status: 401, count: 1 },
    { kind: 'status', status: 403, count: 1, body: quoting(403) },
    { kind: 'status', status: 429, count: 1, retryAfterS: 0, body: quoting(429) },
    { kind: 'status', status: 500, count: 1, body: quoting(500) },
    { kind: 'status', status: 502, count: 1, body: `Bad gateway: ${quote}` },
    { kind: 'truncate', afterChunks: 1, count: 1 },
    { kind: 'streamError', afterChunks: 1, count: 1 },
    { kind: 'reset', afterChunks: 1, count: 1 },
  ];
  for (const fault of faults) {
    for (const id of [ids.vault!, ids.anthropic!]) {
      mock.fault({ ...fault, match: { format: id === ids.vault ? 'openai' : 'anthropic' } });
      await chat(id);
    }
  }
  mock.clearFaults();

  // Tests: saved (by id, with a completion), drafts with good, rejected and env keys.
  for (const id of Object.values(ids)) await client.request(ConnectionsTest, { id, completion: true });
  const draft = { ...openai, name: 'Draft' };
  for (const d of [
    { ...draft, apiKey: K.draft },
    { ...draft, apiKey: K.draftBad },
    { ...draft, keySource: `env:${ENV_NAME}` },
    { ...draft, provider: 'anthropic', baseUrl: mock.anthropicBaseUrl, apiKey: K.draftBad },
  ]) {
    await client.request(ConnectionsTest, { draft: d, completion: true });
  }

  // Invalid params carrying a key, through the raw client (bytes exactly as written).
  const invalidParams: Array<[string, unknown]> = [
    ['connections/create', { ...openai, name: 'Bad1', apiKey: `${K.invalid}\n` }],
    ['connections/create', { ...openai, name: 'Bad2', apiKey: ` ${K.invalid}` }],
    ['connections/create', { ...openai, name: 'Bad3', apiKey: K.invalid.repeat(200) }],
    ['connections/create', { ...openai, name: 'Bad4', keySource: K.invalid }],
    ['connections/create', { ...openai, name: 'Bad5', apiKeyy: K.invalid }],
    ['connections/create', { ...openai, name: 'Bad6', headers: { 'X-Token': `${K.invalid}\r\n` } }],
    ['connections/create', { ...openai, name: K.invalid.repeat(5), apiKey: K.invalid }],
    ['connections/create', { ...openai, name: 'Bad7', apiKey: K.invalid, keySource: 'env:OPENAI_API_KEY' }],
    [
      'connections/create',
      { ...openai, name: 'Bad8', provider: 'azure-openai', baseUrl: undefined, apiKey: K.invalid },
    ],
    ['connections/update', { id: ids.vault, apiKey: `${K.invalid}\t` }],
    ['secrets/set', { connectionId: ids.pushed, apiKey: `${K.invalid}\n` }],
    ['connections/test', { draft: { provider: 'openai', apiKey: `${K.invalid}\n` } }],
    ['connections/test', { id: ids.vault, draft: { provider: 'openai', apiKey: K.invalid } }],
  ];
  for (const [method, params] of invalidParams) expect((await raw.call(method, params)).error, method).toBeDefined();
  // An OpenAI tool pointed at the daemon may send its own key as the bearer token.
  for (const token of [K.bearer, K.invalid]) {
    for (const path of ['/v1/models', '/v1/chat/completions'])
      await http(path === '/v1/models' ? 'GET' : 'POST', path, { model: 'gpt-5.4', messages: [] }, token);
    await connectTcp(daemon.info, { token }).then(
      (s) => s.close(),
      (e: unknown) =>
        seen.push({ where: 'refused handshake', text: e instanceof HandshakeRefused ? e.body : String(e) }),
    );
  }

  // The OpenAI-compatible endpoint: streaming and not, upstream 401s through it, every connection by name.
  const messages = [{ role: 'user', content: 'hi' }];
  await http('GET', '/v1/models');
  for (const model of [
    'gpt-5.4',
    'Vault/gpt-5.4',
    'Anthropic',
    'Bad/gpt-5.4',
    'BadPlain',
    'Env',
    'Plain',
    'Memory/gpt-missing',
  ]) {
    for (const stream of [false, true])
      await http('POST', '/v1/chat/completions', {
        model,
        messages,
        stream,
        stream_options: stream ? { include_usage: true } : undefined,
      });
  }
  mock.fault({ kind: 'status', status: 401, count: 2 });
  for (const stream of [false, true])
    await http('POST', '/v1/chat/completions', { model: 'gpt-5.4', messages, stream });
  mock.fault({ kind: 'streamError', afterChunks: 1, count: 1, status: 401 });
  await http('POST', '/v1/chat/completions', { model: 'gpt-5.4', messages, stream: true });

  // Every read method, then the key-removing ones.
  for (const id of Object.values(ids)) {
    await client.request(ModelsList, { connectionId: id, refresh: true }).catch(() => undefined);
    await client.request(ConnectionsGet, { id });
  }
  await Promise.all([
    client.request(ConnectionsList),
    client.request(ConnectionsResolve, {}),
    client.request(DaemonStatus),
    client.request(AuditList, { limit: 10_000 }),
  ]);
  await Promise.all([client.request(UsageGet, {}), client.request(ProvidersList), client.request(SettingsGet)]);
  await client.request(SecretsClear, { connectionId: ids.pushed! });
  await client.request(ConnectionsDelete, { id: ids.memory! });
  await failure(chat(ids.pushed!, 'gpt-5.4', true));
}

async function chat(connectionId: string, model?: string, rethrow = false): Promise<unknown> {
  const stream = client.chat({
    connectionId,
    ...(model && { model }),
    messages: [{ role: 'user', content: 'canary?' }],
  });
  return stream.result.catch((error: unknown) => {
    if (rethrow) throw error;
    return error;
  });
}

async function http(method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<void> {
  const reply = await daemonHttp(daemon, method, path, body, token);
  seen.push({
    where: `HTTP ${method} ${path} → ${reply.status}`,
    text: `${JSON.stringify(reply.headers)}\n${reply.body}`,
  });
}

describe('canary keys', () => {
  it('really reached the upstream, and the upstream really echoed them back', async () => {
    const sent = new Set(mock.requests.map((r) => r.authKey));
    const neverSent = [K.invalid, K.bearer, K.foreign];
    for (const key of ALL) expect(sent.has(key), key).toBe(!neverSent.includes(key));
    for (const key of REJECTED) expect(mock.requests.some((r) => r.authKey === key && r.status === 401)).toBe(true);
    // What the mock answers a rejected key with: the whole key, as OpenAI once did.
    const echo = await fetch(`${mock.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${K.bad}` },
      body: '{}',
    });
    expect(await echo.text()).toContain(K.bad);
    expect(mock.requests.filter((r) => r.fault === 'status').map((r) => r.status)).toEqual(
      expect.arrayContaining([401, 403, 429, 500, 502]),
    );
  });

  it('the scanner finds a canary, a 12-character piece of one, and an encoded one', () => {
    expect(findLeaks('t', `x ${K.env} y`, ALL)).toHaveLength(1);
    expect(findLeaks('t', `…${K.vault.slice(3, 15)}…`, ALL)).toHaveLength(1);
    expect(findLeaks('t', Buffer.from(K.plain).toString('base64'), ALL)).toHaveLength(1);
    expect(findLeaks('t', `…${K.vault.slice(-4)}`, ALL)).toEqual([]);
  });

  it('were exercised against every method and error the clients saw', () => {
    const text = seen.map((s) => s.text).join('\n');
    for (const code of [
      'INVALID_API_KEY',
      'FORBIDDEN',
      'RATE_LIMITED',
      'UPSTREAM_ERROR',
      'INCOMPLETE',
      'MODEL_NOT_FOUND',
      'SECRET_MISSING',
      'VALIDATION',
      '-32602',
      'connections/changed',
      'connections/tested',
      'chat/delta',
    ]) {
      expect(text, code).toContain(code);
    }
    for (const key of [K.vault, K.anthropic, K.rotated, K.env, K.plain]) expect(text).toContain(`…${key.slice(-4)}`);
    expect(seen.filter((s) => s.where.startsWith('HTTP POST /v1/chat/completions → 200')).length).toBeGreaterThan(4);
  });

  it('appear in no response, notification or HTTP body any client received', () => {
    expect(seen.flatMap((s) => findLeaks(s.where, s.text, ALL))).toEqual([]);
  });

  it('appear nowhere in the daemon output, even with SWITCHBOARD_LOG_LEVEL, OPENAI_LOG and ANTHROPIC_LOG at debug', () => {
    expect(stdoutAndStderr).toMatch(/DEBUG/);
    expect(findLeaks('stdout/stderr', stdoutAndStderr, ALL)).toEqual([]);
  });

  it('appear in no file of the home, byte for byte, and the vault holds their ciphertext', () => {
    expect(scanDirectory(daemon.home, ALL)).toEqual([]);
    const vault = JSON.parse(readFileSync(join(daemon.home, 'vault.json'), 'utf8')) as {
      entries: Record<string, { ciphertext: string }>;
    };
    for (const key of ['vault', 'anthropic', 'rotated', 'plain', 'bad', 'raw'])
      expect(vault.entries[ids[key]!]?.ciphertext).toBeTruthy();
    expect(readFileSync(join(daemon.home, 'daemon.log'), 'utf8')).toMatch(/DEBUG/);
    expect(readFileSync(join(daemon.home, 'audit.jsonl'), 'utf8')).toMatch(/rotateKey/);
  });
});
