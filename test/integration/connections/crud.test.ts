/**
 * The connection store's rules, proven against the real daemon process over its real Unix socket,
 * driven by the real client library (and the mock upstream where a request must really go out).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RpcError, type SwitchboardClient } from '../../../shared/client';
import { ErrorCode, JsonRpcCode, SwitchboardError } from '../../../shared/errors';
import {
  ChatStream,
  ConnectionsCreate,
  ConnectionsDelete,
  ConnectionsGet,
  ConnectionsList,
  ConnectionsResolve,
  ConnectionsSetDefault,
  ConnectionsUpdate,
  ProvidersDelete,
  ProvidersList,
  ProvidersUpsert,
  type CreateConnectionParams,
} from '../../../shared/protocol';
import { cleanupDaemons, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt, failure, fieldOf } from '../../helpers/integrationClient';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';

let daemon: DaemonProcess;
let client: SwitchboardClient;
let mock: MockUpstream;

beforeAll(() => ensureDaemonBuilt());
beforeEach(async () => {
  mock = await startMockUpstream();
  daemon = await startDaemon();
  client = await connectClient(daemon, 'crud-test');
});
afterEach(async () => {
  await closeClients();
  await cleanupDaemons();
  await mock.close();
});
afterAll(() => cleanupDaemons());

const create = (params: CreateConnectionParams) => client.request(ConnectionsCreate, params).then((r) => r.connection);
const chatText = async (connectionId: string, model = 'gpt-5.4') =>
  (
    await client.request(ChatStream, {
      streamId: `s-${Math.random()}`,
      connectionId,
      model,
      messages: [{ role: 'user', content: 'hi' }],
    })
  ).text;

describe('connections/create, get and list', () => {
  it('fills timeoutMs, maxRetries and baseUrl from the catalog and makes the first connection the default', async () => {
    const first = await create({ name: 'Zeta', provider: 'openai', apiKey: 'sk-first-0123456789abcd' });
    expect(first).toMatchObject({
      name: 'Zeta',
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      timeoutMs: 60_000,
      maxRetries: 2,
      isDefault: true,
      keySource: 'vault',
      keyAvailable: true,
      keyHint: '…abcd',
    });
    expect(first.id).toMatch(/^conn_/);
    const second = await create({ name: 'Alpha', provider: 'anthropic', apiKey: 'sk-ant-second-0123456789' });
    expect(second).toMatchObject({ baseUrl: 'https://api.anthropic.com', isDefault: false });
    const local = await create({ name: 'Beta', provider: 'ollama' });
    expect(local).toMatchObject({
      baseUrl: 'http://127.0.0.1:11434/v1',
      keySource: 'none',
      keyAvailable: true,
      isDefault: false,
    });
    expect(local).not.toHaveProperty('keyHint');

    expect((await client.request(ConnectionsGet, { id: second.id })).connection).toEqual(second);
    const { connections } = await client.request(ConnectionsList);
    expect(connections.map((c) => c.name)).toEqual(['Zeta', 'Alpha', 'Beta']); // default first, then by name
  });

  it('moves the default to a connection created with isDefault: true', async () => {
    const a = await create({ name: 'A', provider: 'ollama' });
    const b = await create({ name: 'B', provider: 'ollama', isDefault: true });
    expect(b.isDefault).toBe(true);
    expect((await client.request(ConnectionsGet, { id: a.id })).connection.isDefault).toBe(false);
  });
});

describe('connections/update', () => {
  it('changes each field, renames, and clears optional fields with null', async () => {
    const c = await create({
      name: 'Work',
      provider: 'openai',
      apiKey: 'sk-work-0123456789wxyz',
      defaultModel: 'gpt-5.4',
    });
    const changes = {
      name: 'Work renamed',
      provider: 'groq',
      baseUrl: 'https://gateway.example.com/v1',
      defaultModel: 'llama-3',
      allowedModels: ['llama-3', 'mixtral'],
      organization: 'org-42',
      apiVersion: '2024-10-21',
      headers: { 'X-Team': 'blue' },
      timeoutMs: 1000,
      maxRetries: 10,
    };
    for (const [field, value] of Object.entries(changes)) {
      const updated = (await client.request(ConnectionsUpdate, { id: c.id, [field]: value })).connection;
      expect(updated[field as keyof typeof updated]).toEqual(value);
    }
    const after = (await client.request(ConnectionsGet, { id: c.id })).connection;
    // The new base URL is another host: the key stayed behind (a key is bound to its host).
    expect(after).toMatchObject({ ...changes, keyAvailable: false });
    expect(after).not.toHaveProperty('keyHint');
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(c.updatedAt));

    const cleared = (
      await client.request(ConnectionsUpdate, {
        id: c.id,
        defaultModel: null,
        allowedModels: null,
        organization: null,
        apiVersion: null,
        headers: null,
      })
    ).connection;
    for (const field of ['defaultModel', 'allowedModels', 'organization', 'apiVersion', 'headers'])
      expect(cleared).not.toHaveProperty(field);
    expect((await client.request(ConnectionsGet, { id: c.id })).connection).toEqual(cleared);

    // Moving the key out of the vault forgets it there; the connection then waits for a pushed key.
    const moved = (await client.request(ConnectionsUpdate, { id: c.id, keySource: 'memory' })).connection;
    expect(moved).toMatchObject({ keySource: 'memory', keyAvailable: false });
    expect(moved).not.toHaveProperty('keyHint');
    const rekeyed = (await client.request(ConnectionsUpdate, { id: c.id, apiKey: 'sk-work-new-0123456789mnop' }))
      .connection;
    expect(rekeyed).toMatchObject({ keySource: 'memory', keyAvailable: true, keyHint: '…mnop' });
  });

  it('refuses an unknown field with -32602 naming it', async () => {
    const c = await create({ name: 'X', provider: 'ollama' });
    const error = await failure(client.request(ConnectionsUpdate, { id: c.id, colour: 'red' } as never));
    expect(error).toBeInstanceOf(RpcError);
    expect(error.code).toBe(JsonRpcCode.InvalidParams);
    expect(error.message).toContain('colour');
    expect(fieldOf(error)).toBe('colour');
  });
});

describe('connections/delete and setDefault', () => {
  it('returns the deleted connection; deleting the default leaves none, so resolve fails NO_CONNECTION with a hint', async () => {
    const a = await create({ name: 'A', provider: 'ollama' });
    await create({ name: 'B', provider: 'ollama' });
    const deleted = (await client.request(ConnectionsDelete, { id: a.id })).connection;
    expect(deleted).toMatchObject({ id: a.id, name: 'A', isDefault: true });
    const keyed = await create({ name: 'K', provider: 'openai', apiKey: 'sk-deleteme-0123456789abcdef' });
    const deletedKeyed = (await client.request(ConnectionsDelete, { id: keyed.id })).connection;
    expect(deletedKeyed).toMatchObject({ keyAvailable: false });
    expect(deletedKeyed).not.toHaveProperty('keyHint');
    expect(deletedKeyed).not.toHaveProperty('keyFingerprint');
    const { connections } = await client.request(ConnectionsList);
    expect(connections.map((c) => [c.name, c.isDefault])).toEqual([['B', false]]);
    const error = await failure(client.request(ConnectionsResolve, {}));
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error.code).toBe(ErrorCode.NO_CONNECTION);
    expect((error as SwitchboardError).data.hint).toMatch(/setDefault/);
  });

  it('keeps exactly one default whatever is made default', async () => {
    const ids = [];
    for (const name of ['A', 'B', 'C']) ids.push((await create({ name, provider: 'ollama' })).id);
    for (const id of [ids[2]!, ids[1]!, ids[1]!, ids[0]!]) {
      expect((await client.request(ConnectionsSetDefault, { id })).connection.isDefault).toBe(true);
      const { connections } = await client.request(ConnectionsList);
      expect(connections.filter((c) => c.isDefault).map((c) => c.id)).toEqual([id]);
      expect(connections[0]!.id).toBe(id);
    }
    await client.request(ConnectionsUpdate, { id: ids[2]!, isDefault: true });
    const { connections } = await client.request(ConnectionsList);
    expect(connections.filter((c) => c.isDefault).map((c) => c.id)).toEqual([ids[2]]);
  });
});

describe('errors', () => {
  it('refuses a duplicate name, compared case-insensitively, on create and on rename', async () => {
    await create({ name: 'My OpenAI', provider: 'ollama' });
    const other = await create({ name: 'Other', provider: 'ollama' });
    for (const call of [
      () => create({ name: 'my openai', provider: 'ollama' }),
      () => client.request(ConnectionsUpdate, { id: other.id, name: 'MY OPENAI' }),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe(ErrorCode.DUPLICATE_NAME);
      expect(fieldOf(error)).toBe('name');
    }
    // Renaming a connection to a new spelling of its own name is not a duplicate.
    expect((await client.request(ConnectionsUpdate, { id: other.id, name: 'OTHER' })).connection.name).toBe('OTHER');
  });

  it('answers CONNECTION_NOT_FOUND for an unknown id in every method', async () => {
    const id = 'conn_nope';
    const calls = [
      () => client.request(ConnectionsGet, { id }),
      () => client.request(ConnectionsUpdate, { id, name: 'x' }),
      () => client.request(ConnectionsDelete, { id }),
      () => client.request(ConnectionsSetDefault, { id }),
      () => client.request(ConnectionsResolve, { connectionId: id }),
    ];
    for (const call of calls) expect((await failure(call())).code).toBe(ErrorCode.CONNECTION_NOT_FOUND);
  });

  it('refuses bad values naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, (string | number)?]> = [
      [{ baseUrl: 'ftp://example.com/v1' }, 'baseUrl', JsonRpcCode.InvalidParams],
      [{ baseUrl: 'https://user:pass@example.com/v1' }, 'baseUrl', JsonRpcCode.InvalidParams],
      [{ baseUrl: 'https://example.com/v1?key=sk-in-the-url' }, 'baseUrl', JsonRpcCode.InvalidParams],
      [{ baseUrl: 'https://example.com/v1?' }, 'baseUrl', JsonRpcCode.InvalidParams],
      [{ baseUrl: 'https://example.com/v1#models' }, 'baseUrl', JsonRpcCode.InvalidParams],
      [{ name: '' }, 'name', JsonRpcCode.InvalidParams],
      [{ name: '   ' }, 'name', JsonRpcCode.InvalidParams],
      [{ name: 'n'.repeat(101) }, 'name', JsonRpcCode.InvalidParams],
      [{ timeoutMs: 999 }, 'timeoutMs', JsonRpcCode.InvalidParams],
      [{ timeoutMs: 600_001 }, 'timeoutMs', JsonRpcCode.InvalidParams],
      [{ provider: 'no-such-provider' }, 'provider', ErrorCode.VALIDATION],
      [{ provider: 'azure-openai', apiKey: '0123456789abcdef0123456789abcdef' }, 'baseUrl', ErrorCode.VALIDATION],
      [{ apiKey: 'sk-env-0123456789abcd', keySource: 'env:OPENAI_API_KEY' }, 'keySource', ErrorCode.VALIDATION],
    ];
    for (const [bad, field, code] of cases) {
      const error = await failure(create({ name: 'Valid name', provider: 'openai', ...bad } as CreateConnectionParams));
      expect([fieldOf(error), error.code], JSON.stringify(bad)).toEqual([field, code]);
    }
    const openai = await create({ name: 'Moving to Azure', provider: 'openai', apiKey: 'sk-0123456789abcdef0123' });
    const toAzure = await failure(client.request(ConnectionsUpdate, { id: openai.id, provider: 'azure-openai' }));
    expect([fieldOf(toAzure), toAzure.code]).toEqual(['baseUrl', ErrorCode.VALIDATION]);
    await client.request(ConnectionsDelete, { id: openai.id });
    const unknown = await failure(create({ name: 'P', provider: 'no-such-provider' }));
    for (const id of ['openai', 'anthropic', 'ollama', 'custom'])
      expect((unknown as SwitchboardError).data.hint).toContain(id);
    expect(await client.request(ConnectionsList)).toEqual({ connections: [] });
  });

  it('refuses a key in the base URL query string, on create and update, without echoing it', async () => {
    const canary = 'sk-canary-query-0123456789';
    const created = await failure(
      create({ name: 'Q', provider: 'openai', baseUrl: `https://example.com/v1?api_key=${canary}` }),
    );
    expect(created.message).toMatch(/baseUrl.*query.*key field/s);
    const ok = await create({ name: 'Q', provider: 'openai', apiKey: 'sk-q-0123456789abcdef' });
    const updated = await failure(
      client.request(ConnectionsUpdate, { id: ok.id, baseUrl: `https://example.com/v1?key=${canary}` }),
    );
    expect(fieldOf(updated)).toBe('baseUrl');
    for (const error of [created, updated])
      expect(JSON.stringify({ message: error.message, data: error.data })).not.toContain(canary);
    expect((await client.request(ConnectionsGet, { id: ok.id })).connection.baseUrl).toBe('https://api.openai.com/v1');
    await client.request(ConnectionsDelete, { id: ok.id });
  });

  it('refuses a reserved header such as Authorization', async () => {
    const error = await failure(
      create({ name: 'H', provider: 'openai', apiKey: 'sk-h-0123456789', headers: { Authorization: 'Bearer other' } }),
    );
    expect(error.code).toBe(JsonRpcCode.InvalidParams);
    expect(fieldOf(error)).toBe('headers.Authorization');
  });

  it('refuses __proto__ in headers, and later requests carry no polluted header', async () => {
    const pollute = JSON.parse('{"__proto__": {"polluted": "yes", "X-Polluted": "yes"}}') as Record<string, string>;
    const error = await failure(
      create({ name: 'P', provider: 'custom', baseUrl: mock.openaiBaseUrl, headers: pollute }),
    );
    expect(error.code).toBe(JsonRpcCode.InvalidParams);
    expect(fieldOf(error)).toBe('params.headers.__proto__');
    const update = await failure(
      client.request(ConnectionsUpdate, {
        id: 'conn_x',
        headers: JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
      }),
    );
    expect(update.code).toBe(JsonRpcCode.InvalidParams);

    const clean = await create({
      name: 'Clean',
      provider: 'custom',
      baseUrl: mock.openaiBaseUrl,
      apiKey: 'local-token-1234',
      headers: { 'X-Team': 'blue' },
    });
    const bare = await create({
      name: 'Bare',
      provider: 'custom',
      baseUrl: mock.openaiBaseUrl,
      apiKey: 'local-token-1234',
    });
    expect(bare).not.toHaveProperty('headers');
    expect(bare).not.toHaveProperty('polluted');
    expect(await chatText(clean.id)).toBe('Hello from mock');
    expect(await chatText(bare.id)).toBe('Hello from mock');
    for (const r of mock.requests) {
      expect(r.headers).not.toHaveProperty('polluted');
      expect(r.headers).not.toHaveProperty('x-polluted');
    }
    expect(mock.requests[0]!.headers['x-team']).toBe('blue');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('connections/resolve', () => {
  it('picks the explicit connection, then the workspace one, then the default, saying why', async () => {
    const def = await create({ name: 'Default', provider: 'ollama' });
    const ws = await create({ name: 'Workspace', provider: 'ollama' });
    const chat = await create({ name: 'Chat', provider: 'ollama' });
    const resolve = (params: { connectionId?: string; workspaceConnectionId?: string }) =>
      client.request(ConnectionsResolve, params);
    expect(await resolve({ connectionId: chat.id, workspaceConnectionId: ws.id })).toMatchObject({
      reason: 'explicit',
      connection: { id: chat.id },
    });
    expect(await resolve({ workspaceConnectionId: ws.id })).toMatchObject({
      reason: 'workspace',
      connection: { id: ws.id },
    });
    expect(await resolve({})).toMatchObject({ reason: 'default', connection: { id: def.id } });
    expect(await client.request(ConnectionsResolve)).toMatchObject({ reason: 'default', connection: { id: def.id } });
  });
});

describe('providers', () => {
  it('lists the 18 built-in providers with their catalog data', async () => {
    const { providers } = await client.request(ProvidersList);
    const builtIn = providers.filter((p) => p.builtIn);
    expect(builtIn.map((p) => p.name)).toEqual([
      'OpenAI',
      'Anthropic',
      'AWS Bedrock',
      'Azure OpenAI',
      'Google Gemini',
      'Groq',
      'Mistral',
      'DeepSeek',
      'xAI',
      'Cohere',
      'OpenRouter',
      'Together AI',
      'Fireworks AI',
      'Cerebras',
      'Ollama',
      'LM Studio',
      'vLLM / llama.cpp server',
      'Custom (OpenAI-compatible)',
    ]);
    for (const p of builtIn) {
      expect(['openai', 'anthropic', 'bedrock']).toContain(p.adapter);
      expect(p.defaultBaseUrl).toMatch(/^https?:\/\//);
      expect(typeof p.requiresKey).toBe('boolean');
      expect(p.keyFormatHint).toBeTruthy();
      expect(p.docsUrl).toMatch(/^https:\/\//);
    }
    expect(providers.find((p) => p.id === 'anthropic')).toMatchObject({ adapter: 'anthropic', requiresKey: true });
    expect(providers.find((p) => p.id === 'ollama')).toMatchObject({ adapter: 'openai', requiresKey: false });
  });

  it('adds a user-defined provider that needs no code: a connection on it chats with the upstream', async () => {
    const provider = {
      id: 'acme-llm',
      name: 'Acme LLM',
      adapter: 'openai' as const,
      defaultBaseUrl: mock.openaiBaseUrl,
      requiresKey: true,
      keyFormatHint: 'starts with acme-',
    };
    expect((await client.request(ProvidersUpsert, { provider })).provider).toEqual({ ...provider, builtIn: false });
    expect((await client.request(ProvidersList)).providers.at(-1)).toEqual({ ...provider, builtIn: false });

    const conn = await create({ name: 'Acme', provider: 'acme-llm', apiKey: 'acme-0123456789secret' });
    expect(conn).toMatchObject({ baseUrl: mock.openaiBaseUrl, keySource: 'vault', keyAvailable: true });
    expect(await chatText(conn.id)).toBe('Hello from mock');
    expect(mock.requests.at(-1)).toMatchObject({ path: '/v1/chat/completions', authKey: 'acme-0123456789secret' });

    const inUse = await failure(client.request(ProvidersDelete, { id: 'acme-llm' }));
    expect(inUse.code).toBe(ErrorCode.PROVIDER_IN_USE);
    expect(inUse.message).toContain('Acme');
    await client.request(ConnectionsDelete, { id: conn.id });
    expect((await client.request(ProvidersDelete, { id: 'acme-llm' })).provider.id).toBe('acme-llm');
    expect((await failure(client.request(ProvidersDelete, { id: 'acme-llm' }))).code).toBe(
      ErrorCode.PROVIDER_NOT_FOUND,
    );
  });

  it('refuses to replace or delete a built-in provider', async () => {
    const replace = await failure(
      client.request(ProvidersUpsert, {
        provider: {
          id: 'openai',
          name: 'Fake',
          adapter: 'openai',
          defaultBaseUrl: 'https://evil.example.com/v1',
          requiresKey: false,
        },
      }),
    );
    expect(replace.code).toBe(ErrorCode.PROVIDER_IN_USE);
    expect((await failure(client.request(ProvidersDelete, { id: 'openai' }))).code).toBe(ErrorCode.PROVIDER_IN_USE);
    expect((await client.request(ProvidersList)).providers.find((p) => p.id === 'openai')).toMatchObject({
      name: 'OpenAI',
      defaultBaseUrl: 'https://api.openai.com/v1',
    });
  });
});
