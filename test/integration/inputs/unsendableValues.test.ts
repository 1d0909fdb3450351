/**
 * Issue 13 items 5 and 6, end to end through the real daemon: keys and header values an HTTP
 * header cannot carry, and model ids with whitespace or control characters, are refused where
 * they enter (JSON-RPC, the /v1 API), naming the field; a key that slips in from an environment
 * variable is a configuration error — not UNREACHABLE, no fallback, no word about the server.
 */
import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from '../../../shared/client';
import { ConnectionsTest, ConnectionsUpdate, SecretsSet, type Connection } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

/** A key in the daemon's environment that no HTTP header can carry. */
const CYRILLIC_KEY = 'sk-ключ-0123456789';

let env: Env;
let good: Connection;
let backup: Connection;
let made = 0;

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['ok'] } }, { SB_TEST_CYRILLIC_KEY: CYRILLIC_KEY });
  backup = await env.create({
    name: 'backup',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.b,
    defaultModel: 'backup-model',
    maxRetries: 0,
  });
  good = await env.create({
    name: 'good',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
    isDefault: true,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

/** The field a -32602 or a VALIDATION error names. */
function fieldOf(error: unknown): unknown {
  return (error as { data?: { field?: unknown } }).data?.field;
}

describe('keys and header values outside Latin-1 (item 5)', () => {
  it.each([
    [
      'connections/create apiKey',
      () =>
        env.create({
          name: `k-${++made}`,
          provider: 'openai',
          baseUrl: env.up.openaiBaseUrl,
          apiKey: 'sk-ключ-0123456789',
        }),
      'apiKey',
    ],
    [
      'connections/create headers',
      () =>
        env.create({
          name: `h-${++made}`,
          provider: 'openai',
          baseUrl: env.up.openaiBaseUrl,
          apiKey: KEYS.a,
          headers: { 'X-V': '✓ok' },
        }),
      'headers.X-V',
    ],
    [
      'connections/create organization',
      () =>
        env.create({
          name: `o-${++made}`,
          provider: 'openai',
          baseUrl: env.up.openaiBaseUrl,
          apiKey: KEYS.a,
          organization: 'org-✓',
        }),
      'organization',
    ],
    [
      'connections/update apiKey',
      () => env.client.request(ConnectionsUpdate, { id: good.id, apiKey: 'sk-ключ-0123456789' }),
      'apiKey',
    ],
    [
      'connections/update headers',
      () => env.client.request(ConnectionsUpdate, { id: good.id, headers: { 'X-V': '✓ok' } }),
      'headers.X-V',
    ],
    [
      'secrets/set apiKey',
      () => env.client.request(SecretsSet, { connectionId: good.id, apiKey: 'sk-ключ-0123456789' }),
      'apiKey',
    ],
    [
      'connections/test draft apiKey',
      () =>
        env.client.request(ConnectionsTest, {
          draft: { provider: 'openai', baseUrl: env.up.openaiBaseUrl, apiKey: 'sk-ключ-0123456789' },
        }),
      'draft.apiKey',
    ],
  ])('refuses them in %s, naming the field', async (_where, call, field) => {
    const error = await rejectionOf(call());
    expect(error).toBeInstanceOf(RpcError);
    expect(fieldOf(error)).toBe(field);
    expect(error.message).toMatch(/HTTP header cannot carry/);
    expect(env.up.requests).toHaveLength(0);
  });

  it('answers a key from the environment that no header can carry with a configuration error, never UNREACHABLE, and does not fall back', async () => {
    const conn = await env.create({
      name: 'env-key',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      keySource: 'env:SB_TEST_CYRILLIC_KEY',
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      fallbacks: [backup.id],
    });
    const error = await rejectionOf(
      env.client.chat({ streamId: 'env-key', connectionId: conn.id, messages: user('hi') }).result,
    );
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data).toMatchObject({ field: 'apiKey', connectionId: conn.id });
    expect(error.message).toContain('SB_TEST_CYRILLIC_KEY');
    expect(error.message).toContain('"к" (U+043A)');
    expect(`${error.message} ${error.data.hint}`).not.toMatch(/server|reach|network|running/i);
    expect(`${error.message} ${error.data.hint}`).not.toContain(CYRILLIC_KEY);
    expect(env.up.requests).toHaveLength(0); // neither the connection's upstream nor the fallback's (same mock)
  });

  it('answers the same through /v1 with a 400, not a 502', async () => {
    await env.create({
      name: 'env-key-2',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      keySource: 'env:SB_TEST_CYRILLIC_KEY',
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
    });
    const sdk = new OpenAI({
      baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
      apiKey: env.daemon.info.token,
      maxRetries: 0,
    });
    const error = await rejectionOf(sdk.chat.completions.create({ model: 'env-key-2/gpt-5.4', messages: user('hi') }));
    expect((error as unknown as APIError).status).toBe(400);
    expect(env.up.requests).toHaveLength(0);
  });
});

describe('model ids with whitespace or control characters (item 6)', () => {
  it.each([
    [
      'connections/create defaultModel',
      () =>
        env.create({
          name: `m-${++made}`,
          provider: 'openai',
          baseUrl: env.up.openaiBaseUrl,
          apiKey: KEYS.a,
          defaultModel: 'gpt-5.4\t',
        }),
      'defaultModel',
    ],
    [
      'connections/create allowedModels',
      () =>
        env.create({
          name: `m-${++made}`,
          provider: 'openai',
          baseUrl: env.up.openaiBaseUrl,
          apiKey: KEYS.a,
          allowedModels: ['gpt-5.4', 'gpt 5'],
        }),
      'allowedModels.1',
    ],
    [
      'connections/update defaultModel',
      () => env.client.request(ConnectionsUpdate, { id: good.id, defaultModel: 'gpt-5.4\n' }),
      'defaultModel',
    ],
    [
      'chat/stream model',
      () =>
        env.client.chat({
          streamId: `m-${++made}`,
          connectionId: good.id,
          model: 'gpt-5.4\nmini',
          messages: user('hi'),
        }).result,
      'model',
    ],
  ])('refuses them in %s, naming the field', async (_where, call, field) => {
    const error = await rejectionOf(call());
    expect(fieldOf(error)).toBe(field);
    expect(error.message).toMatch(/whitespace|control characters/);
    expect(env.up.requests).toHaveLength(0);
  });

  it.each(['good/gpt-5.4\tmini', 'gpt-5.4 mini', 'good/gpt-5.4\n'])(
    'refuses the /v1 model %j with a 400 naming model',
    async (model) => {
      const sdk = new OpenAI({
        baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
        apiKey: env.daemon.info.token,
        maxRetries: 0,
      });
      const error = (await rejectionOf(
        sdk.chat.completions.create({ model, messages: user('hi') }),
      )) as unknown as APIError;
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^400 model: /);
      expect(env.up.requests).toHaveLength(0);
    },
  );
});
