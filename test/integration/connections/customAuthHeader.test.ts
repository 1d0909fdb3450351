/**
 * Custom providers whose servers take the key in a header of their own (`api-key: Token <key>`,
 * `Authorization: Token <key>`), end to end: the real daemon, the official SDKs as clients, and a
 * mock gateway that answers 401 unless the key is in exactly that header. Chat over JSON-RPC, the
 * /v1 forward (OpenAI and Anthropic surfaces), connection tests and model lists all send the key
 * there and nowhere else; changing the provider's header takes effect at once; and the key (a
 * canary) appears in no response, log line, audit entry, file or export.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuditList,
  ConnectionsExport,
  ConnectionsTest,
  ModelsList,
  ProvidersUpsert,
  type Connection,
  type ProviderInput,
} from '../../../shared/protocol';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '../../mocks/upstream';
import { canary, findLeaks, scanDirectory } from '../canary/canaryScan';
import { cleanupDaemons, ensureBuilt, rejectionOf, setup, user, type Env } from '../chat/harness';
import { tapFrames } from '../../helpers/integrationClient';

const KEY = canary('sk-CANARY-gateway-');
const ANT_KEY = canary('sk-ant-CANARY-gw-');

let env: Env;
/** An Anthropic-format gateway that wants `Authorization: Token <key>`. */
let antUp: MockUpstream;
let gateway: Connection;
let antGateway: Connection;
const frames: string[] = [];
const httpSeen: string[] = [];

const gatewayProvider: z.input<typeof ProviderInput> = {
  id: 'acme-gateway',
  name: 'Acme Gateway',
  adapter: 'openai',
  defaultBaseUrl: 'http://127.0.0.1:9/v1',
  requiresKey: true,
  authHeader: { name: 'api-key', prefix: 'Token' },
};

beforeAll(async () => {
  ensureBuilt();
  env = await setup(
    { validKeys: [KEY], customAuth: { header: 'api-key', prefix: 'Token' } },
    { SWITCHBOARD_LOG_LEVEL: 'debug', OPENAI_LOG: 'debug', ANTHROPIC_LOG: 'debug' },
  );
  antUp = await startMockUpstream({ validKeys: [ANT_KEY], customAuth: { header: 'authorization', prefix: 'Token' } });
  tapFrames(env.client, frames);
  await env.client.request(ProvidersUpsert, { provider: gatewayProvider });
  await env.client.request(ProvidersUpsert, {
    provider: {
      id: 'acme-claude',
      name: 'Acme Claude',
      adapter: 'anthropic',
      defaultBaseUrl: antUp.anthropicBaseUrl,
      requiresKey: true,
      authHeader: { name: 'Authorization', prefix: 'Token' },
    },
  });
  gateway = await env.create({
    name: 'Gateway',
    provider: 'acme-gateway',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEY,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  antGateway = await env.create({
    name: 'Gateway Claude',
    provider: 'acme-claude',
    apiKey: ANT_KEY,
    defaultModel: 'claude-sonnet-4-6',
    maxRetries: 0,
  });
}, 60_000);

afterAll(async () => {
  await env?.teardown();
  await antUp?.close();
  await cleanupDaemons();
});

beforeEach(() => {
  env.up.reset();
  antUp.reset();
});

/** The key went in the provider's header, and in no header the wire format would use by default. */
function expectCustomHeaderOnly(r: RecordedRequest | undefined, header: string, value: string): void {
  expect(r, 'the upstream saw no request').toBeDefined();
  expect(r!.status).toBe(200);
  expect(r!.headers[header]).toBe(value);
  for (const other of ['authorization', 'x-api-key', 'api-key'].filter((h) => h !== header))
    expect(r!.headers[other], other).toBeUndefined();
}

const daemonBase = () => `http://127.0.0.1:${env.daemon.info.port}`;

describe('a provider with its own key header', () => {
  it('chats over JSON-RPC with the key in that header (openai format, api-key: Token <key>)', async () => {
    const result = await env.client.chat({ connectionId: gateway.id, messages: user('hi') }).result;
    expect(result.text).toBe('Hello from mock');
    expectCustomHeaderOnly(env.chats()[0], 'api-key', `Token ${KEY}`);
  });

  it('chats over JSON-RPC with the key in that header (anthropic format, Authorization: Token <key>)', async () => {
    const result = await env.client.chat({ connectionId: antGateway.id, messages: user('hi') }).result;
    expect(result.text).toBe('Hello from mock');
    expectCustomHeaderOnly(
      antUp.requests.find((r) => r.path === '/v1/messages'),
      'authorization',
      `Token ${ANT_KEY}`,
    );
  });

  it('forwards /v1/chat/completions (openai SDK, streamed and whole) with the key in that header', async () => {
    const sdk = new OpenAI({ baseURL: `${daemonBase()}/v1`, apiKey: env.daemon.info.token, maxRetries: 0 });
    const whole = await sdk.chat.completions.create({
      model: 'Gateway/gpt-5.4',
      messages: [{ role: 'user', content: 'hi' }],
    });
    httpSeen.push(JSON.stringify(whole));
    expect(whole.choices[0]!.message.content).toBe('Hello from mock');
    const stream = await sdk.chat.completions.create({
      model: 'Gateway/gpt-5.4',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) {
      httpSeen.push(JSON.stringify(chunk));
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Hello from mock');
    expect(env.chats()).toHaveLength(2);
    for (const r of env.chats()) expectCustomHeaderOnly(r, 'api-key', `Token ${KEY}`);
  });

  it('forwards /v1/embeddings (openai SDK) with the key in that header', async () => {
    const sdk = new OpenAI({ baseURL: `${daemonBase()}/v1`, apiKey: env.daemon.info.token, maxRetries: 0 });
    const answer = await sdk.embeddings.create({ model: 'Gateway/text-embedding-3-small', input: 'hi' });
    httpSeen.push(JSON.stringify(answer));
    expect(answer.data).toHaveLength(1);
    expectCustomHeaderOnly(
      env.up.requests.find((r) => r.path === '/v1/embeddings'),
      'api-key',
      `Token ${KEY}`,
    );
  });

  it('forwards /v1/messages (anthropic SDK) with the key in that header', async () => {
    const sdk = new Anthropic({ baseURL: daemonBase(), apiKey: env.daemon.info.token, maxRetries: 0 });
    const answer = await sdk.messages.create({
      model: 'Gateway Claude/claude-sonnet-4-6',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    httpSeen.push(JSON.stringify(answer));
    expect(answer.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello from mock' })]);
    expectCustomHeaderOnly(
      antUp.requests.find((r) => r.path === '/v1/messages'),
      'authorization',
      `Token ${ANT_KEY}`,
    );
  });

  it('passes a connection test and lists models with the key in that header', async () => {
    const { result } = await env.client.request(ConnectionsTest, { id: gateway.id, completion: true });
    expect(result.status, result.summary).toBe('ok');
    expect(result.models).toEqual(expect.arrayContaining(['gpt-5.4']));
    const { models } = await env.client.request(ModelsList, { connectionId: antGateway.id, refresh: true });
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(['claude-sonnet-4-6']));
    const listed = [...env.up.requests, ...antUp.requests].filter((r) => r.path === '/v1/models');
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (const r of listed)
      if (r.format === 'anthropic') expectCustomHeaderOnly(r, 'authorization', `Token ${ANT_KEY}`);
      else expectCustomHeaderOnly(r, 'api-key', `Token ${KEY}`);
    expectCustomHeaderOnly(env.chats()[0], 'api-key', `Token ${KEY}`);
  });

  it('uses a changed header at once, and a provider without it gets the gateway’s 401 in plain words', async () => {
    // The gateway now wants `X-Gateway-Key: <key>` (no prefix); the provider is edited to match.
    env.up.customAuth = { header: 'x-gateway-key' };
    await env.client.request(ProvidersUpsert, {
      provider: { ...gatewayProvider, authHeader: { name: 'X-Gateway-Key' } },
    });
    const result = await env.client.chat({ connectionId: gateway.id, messages: user('hi') }).result;
    expect(result.text).toBe('Hello from mock');
    expectCustomHeaderOnly(env.chats()[0], 'x-gateway-key', KEY);

    // Without a custom header the key goes as `Authorization: Bearer`, which this gateway refuses.
    const { authHeader: _dropped, ...bearer } = gatewayProvider;
    await env.client.request(ProvidersUpsert, { provider: bearer });
    const error = await rejectionOf(env.client.chat({ connectionId: gateway.id, messages: user('hi') }).result);
    expect(error.code).toBe('INVALID_API_KEY');
    expect(env.chats().at(-1)!.status).toBe(401);
    await env.client.request(ProvidersUpsert, { provider: gatewayProvider });
    env.up.customAuth = { header: 'api-key', prefix: 'Token' };
  });

  it('leaves the key in no response, log line, audit entry, file or export', async () => {
    const { document } = await env.client.request(ConnectionsExport, {});
    expect(document.providers.find((p) => p.id === 'acme-gateway')).toMatchObject({
      authHeader: { name: 'api-key', prefix: 'Token' },
    });
    const { entries } = await env.client.request(AuditList, { limit: 1000 });
    expect(entries.some((e) => e.action === 'providerUpsert')).toBe(true);
    const keys = [KEY, ANT_KEY];
    expect(frames.length).toBeGreaterThan(10);
    expect(findLeaks('frames', frames.join('\n'), keys)).toEqual([]);
    expect(findLeaks('HTTP answers', httpSeen.join('\n'), keys)).toEqual([]);
    expect(findLeaks('export', JSON.stringify(document), keys)).toEqual([]);
    expect(findLeaks('audit', JSON.stringify(entries), keys)).toEqual([]);
    expect(env.daemon.output()).toMatch(/DEBUG/);
    expect(findLeaks('stdout/stderr', env.daemon.output(), keys)).toEqual([]);
    expect(scanDirectory(env.daemon.home, keys)).toEqual([]);
  });
});
