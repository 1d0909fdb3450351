/**
 * chat/stream end to end: the real daemon process, a real SwitchboardClient over its Unix socket, and
 * the mock upstream speaking OpenAI, Azure OpenAI and Anthropic. Proves the text arrives whole and in
 * order, the right key goes to the right place, options reach the wire and usage is counted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import { UsageGet, type Connection } from '../../../shared/protocol';
import type { MockUpstream } from '../../mocks/upstream';
import {
  captureDeltas,
  cleanupDaemons,
  ensureBuilt,
  KEYS,
  rejectionOf,
  richChunks,
  setup,
  user,
  type Env,
} from './harness';

let env: Env;
let primary: Connection;
let claude: Connection;
let front: { url: string; authHeaders: Array<string | undefined>; close(): Promise<void> };

/**
 * A keyless "local server" in front of the mock: records whether the daemon sent any credential,
 * then forwards with a stand-in key (the mock, like a hosted API, insists on one).
 */
async function keylessFront(up: MockUpstream): Promise<typeof front> {
  const authHeaders: Array<string | undefined> = [];
  const target = new URL(up.url);
  const server = http.createServer((req, res) => {
    authHeaders.push(
      req.headers.authorization ?? req.headers['x-api-key']?.toString() ?? req.headers['api-key']?.toString(),
    );
    const headers = { ...req.headers, authorization: `Bearer ${KEYS.a}` };
    const out = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    res.on('close', () => out.destroy());
    req.pipe(out);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    authHeaders,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  front = await keylessFront(env.up);
  primary = await env.create({
    name: 'primary',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
  });
  claude = await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-sonnet-4-6',
  });
});
afterAll(async () => {
  await front?.close();
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

const chunks = richChunks(64);
const expected = chunks.join('');
const nonEmpty = chunks.filter((c) => c !== '').length;

/** Streams one chat, checking deltas (contiguous indexes, joined = result.text) along the way. */
async function streamAndCheck(connectionId: string, model?: string) {
  const streamId = `s-${Math.random().toString(36).slice(2)}`;
  const deltas = captureDeltas(env.client, streamId);
  const stream = env.client.chat({ streamId, connectionId, ...(model && { model }), messages: user('Say the script') });
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(piece);
  const result = await stream.result;
  deltas.dispose();
  expect(pieces.join('')).toBe(expected);
  expect(result.text).toBe(expected);
  expect(deltas.texts.join('')).toBe(expected);
  expect(deltas.indexes).toEqual(Array.from({ length: deltas.indexes.length }, (_, i) => i));
  expect(deltas.indexes.length).toBe(nonEmpty);
  expect(result.connectionId).toBe(connectionId);
  expect(result.finishReason).toBe('stop');
  expect(result.latency.firstTokenMs).toBeGreaterThanOrEqual(0);
  expect(result.latency.totalMs).toBeGreaterThanOrEqual(result.latency.firstTokenMs!);
  return result;
}

describe('chat/stream through each adapter', () => {
  it('reassembles exactly the OpenAI text, in order, with usage', async () => {
    env.up.reply('gpt-5.4', { chunks, usage: { input: 11, output: 64 }, chunkDelayMs: 1 });
    const result = await streamAndCheck(primary.id);
    expect(result.model).toBe('gpt-5.4');
    expect(result.usage).toEqual({ inputTokens: 11, outputTokens: 64 });
    const [req] = env.chats();
    expect(req).toMatchObject({
      path: '/v1/chat/completions',
      authKey: KEYS.a,
      authHeader: 'authorization',
      stream: true,
      completed: true,
    });
  });

  it('reassembles exactly the Anthropic text, sending the key as x-api-key', async () => {
    env.up.reply('claude-sonnet-4-6', { chunks, usage: { input: 7, output: 64 } });
    const result = await streamAndCheck(claude.id);
    expect(result.model).toBe('claude-sonnet-4-6');
    expect(result.usage).toEqual({ inputTokens: 7, outputTokens: 64 });
    expect(env.chats()[0]).toMatchObject({
      path: '/v1/messages',
      format: 'anthropic',
      authKey: KEYS.ant,
      authHeader: 'x-api-key',
    });
  });

  it('streams from an Azure deployment with api-version and the api-key header', async () => {
    const conn = await env.create({
      name: 'azure',
      provider: 'azure-openai',
      baseUrl: env.up.azureEndpoint,
      apiKey: KEYS.b,
      apiVersion: '2024-10-21',
      defaultModel: 'my-gpt-deploy',
    });
    env.up.reply('my-gpt-deploy', { chunks, usage: { input: 5, output: 64 } });
    const result = await streamAndCheck(conn.id);
    expect(result.model).toBe('my-gpt-deploy');
    expect(result.usage).toEqual({ inputTokens: 5, outputTokens: 64 });
    const [req] = env.chats();
    expect(req).toMatchObject({
      path: '/openai/deployments/my-gpt-deploy/chat/completions',
      format: 'azure',
      authKey: KEYS.b,
      authHeader: 'api-key',
    });
    expect(req!.query['api-version']).toBe('2024-10-21');
  });

  it.each(['ollama', 'custom'])('streams from a keyless %s server and sends it no credential', async (provider) => {
    const conn = await env.create({
      name: `local-${provider}`,
      provider,
      baseUrl: front.url,
      defaultModel: 'llama3.2',
    });
    expect(conn.keySource).toBe('none');
    env.up.reply('llama3.2', { chunks, usage: { input: 3, output: 64 } });
    front.authHeaders.length = 0;
    const result = await streamAndCheck(conn.id);
    expect(result.usage).toEqual({ inputTokens: 3, outputTokens: 64 });
    expect(front.authHeaders).toEqual([undefined]);
  });
});

describe('model and connection resolution', () => {
  it('uses the explicit model, else the default model', async () => {
    expect((await streamAndCheckModel(primary.id, 'gpt-5.4-mini')).model).toBe('gpt-5.4-mini');
    expect((await streamAndCheckModel(primary.id)).model).toBe('gpt-5.4');
    expect(env.chats().map((r) => r.model)).toEqual(['gpt-5.4-mini', 'gpt-5.4']);
  });

  it('rejects a request with no model and no default model with VALIDATION naming model', async () => {
    const conn = await env.create({
      name: 'no-default',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
    });
    const error = await rejectionOf(env.client.chat({ connectionId: conn.id, messages: user('hi') }).result);
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe('model');
    expect(error.message).toContain('model');
    expect(error.data.hint).toBeTruthy();
    expect(env.chats()).toHaveLength(0);
  });

  it('rejects a model outside allowedModels with MODEL_NOT_ALLOWED before calling upstream', async () => {
    const conn = await env.create({
      name: 'restricted',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      allowedModels: ['gpt-5.4-mini'],
      defaultModel: 'gpt-5.4-mini',
    });
    const error = await rejectionOf(
      env.client.chat({ connectionId: conn.id, model: 'gpt-5.4', messages: user('hi') }).result,
    );
    expect(error.code).toBe(ErrorCode.MODEL_NOT_ALLOWED);
    expect(error.data.model).toBe('gpt-5.4');
    expect(error.data.hint).toContain('gpt-5.4-mini');
    expect(env.chats()).toHaveLength(0);
  });

  it('uses workspaceConnectionId when connectionId is absent, and each connection its own key', async () => {
    const bravo = await env.create({
      name: 'bravo',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.b,
      defaultModel: 'gpt-5.4-mini',
    });
    const viaWorkspace = await env.client.chat({ workspaceConnectionId: bravo.id, messages: user('a') }).result;
    const explicitWins = await env.client.chat({
      connectionId: primary.id,
      workspaceConnectionId: bravo.id,
      messages: user('b'),
    }).result;
    const viaDefault = await env.client.chat({ messages: user('c') }).result;
    expect([viaWorkspace.connectionId, explicitWins.connectionId, viaDefault.connectionId]).toEqual([
      bravo.id,
      primary.id,
      primary.id,
    ]);
    expect(env.chats().map((r) => [r.authKey, r.model])).toEqual([
      [KEYS.b, 'gpt-5.4-mini'],
      [KEYS.a, 'gpt-5.4'],
      [KEYS.a, 'gpt-5.4'],
    ]);
  });
});

async function streamAndCheckModel(connectionId: string, model?: string) {
  env.up.reply(model ?? 'gpt-5.4', { chunks });
  return streamAndCheck(connectionId, model);
}

describe('options on the wire', () => {
  const options = { system: 'Answer in haiku.', maxTokens: 50, stop: ['END', '###'], temperature: 0.3, topP: 0.9 };

  it('maps options to OpenAI: a system message first, max_completion_tokens, stop, temperature, top_p', async () => {
    await env.client.chat({ connectionId: primary.id, messages: user('Hello'), options }).result;
    const { params } = env.chats()[0]!;
    expect(params.messages).toEqual([
      { role: 'system', content: 'Answer in haiku.' },
      { role: 'user', content: 'Hello' },
    ]);
    expect(params).toMatchObject({ max_completion_tokens: 50, stop: ['END', '###'], temperature: 0.3, top_p: 0.9 });
    expect(params.max_tokens).toBeUndefined();
  });

  it('maps options to an OpenAI-compatible server with max_tokens', async () => {
    const conn = await env.create({
      name: 'compat',
      provider: 'custom',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'local-model',
    });
    await env.client.chat({ connectionId: conn.id, messages: user('Hello'), options }).result;
    expect(env.chats()[0]!.params).toMatchObject({ max_tokens: 50, stop: ['END', '###'], temperature: 0.3 });
  });

  it('maps options to Anthropic: top-level system, max_tokens, stop_sequences, temperature', async () => {
    await env.client.chat({ connectionId: claude.id, messages: user('Hello'), options }).result;
    const { params } = env.chats()[0]!;
    expect(params.system).toBe('Answer in haiku.');
    expect(params.messages).toEqual([{ role: 'user', content: 'Hello' }]);
    expect(params).toMatchObject({ max_tokens: 50, stop_sequences: ['END', '###'], temperature: 0.3 });
  });

  it('cuts the answer at maxTokens and reports finishReason length', async () => {
    env.up.reply('gpt-5.4', { chunks: ['a', 'b', 'c', 'd', 'e'] });
    const result = await env.client.chat({ connectionId: primary.id, messages: user('x'), options: { maxTokens: 2 } })
      .result;
    expect(result).toMatchObject({ text: 'ab', finishReason: 'length' });
  });
});

describe('usage/get', () => {
  it('counts requests and tokens for the day right after a chat', async () => {
    const conn = await env.create({
      name: 'metered',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.b,
      defaultModel: 'gpt-5.4-mini',
    });
    env.up.reply('gpt-5.4-mini', { chunks: ['one', ' two'], usage: { input: 100, output: 2 } });
    await env.client.chat({ connectionId: conn.id, messages: user('x') }).result;
    await env.client.chat({ connectionId: conn.id, messages: user('y') }).result;
    const { records } = await env.client.request(UsageGet, { connectionId: conn.id });
    const today = new Date().toISOString().slice(0, 10);
    expect(records).toEqual([
      expect.objectContaining({
        connectionId: conn.id,
        day: today,
        model: 'gpt-5.4-mini',
        requests: 2,
        errors: 0,
        inputTokens: 200,
        outputTokens: 4,
      }),
    ]);
    expect(records[0]!.latencyMsTotal).toBeGreaterThanOrEqual(0);
  });
});
