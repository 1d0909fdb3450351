/**
 * What a connection carries, through the real daemon: a description, the enabled switch (a disabled
 * connection is passed over by resolution, /v1 routing and fallbacks, with CONNECTION_DISABLED
 * saying how to turn it on), the last time it was used, and generation defaults applied to requests
 * that set none — on JSON-RPC, on the forwarded HTTP paths (only the missing member added, every
 * other byte as sent) and on a translated one — with a request's own value winning.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { ConnectionsGet, ConnectionsResolve, ConnectionsUpdate, type Connection } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
let http: OpenAI;
let seq = 0;

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['ok'], usage: { input: 3, output: 1 } } });
  http = new OpenAI({
    baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
    apiKey: env.daemon.info.token,
    maxRetries: 0,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

const make = (extra: Record<string, unknown> = {}) =>
  env.create({
    name: `carries-${++seq}`,
    provider: 'custom',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
    ...extra,
  });
const get = async (c: Connection) => (await env.client.request(ConnectionsGet, { id: c.id })).connection;
const chat = (c: Connection, options?: Record<string, unknown>) =>
  env.client.chat({ streamId: `s-${++seq}`, connectionId: c.id, messages: user('hi'), ...(options && { options }) })
    .result;
const raw = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${env.daemon.info.port}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.daemon.info.token}`, 'content-type': 'application/json', ...headers },
    body,
  });

describe('description and last used', () => {
  it('keeps a description, clears it with null, and notes when the connection was last used', async () => {
    const c = await make({ description: 'Team search bot.\nOwner: Ana' });
    expect(c).toMatchObject({ description: 'Team search bot.\nOwner: Ana', enabled: true });
    expect(c.lastUsedAt).toBeUndefined();
    const before = Date.now();
    await chat(c);
    const used = await get(c);
    expect(Date.parse(used.lastUsedAt!)).toBeGreaterThanOrEqual(before - 1000);
    // Using is not editing.
    expect(used.updatedAt).toBe(c.updatedAt);
    const cleared = (await env.client.request(ConnectionsUpdate, { id: c.id, description: null })).connection;
    expect(cleared.description).toBeUndefined();
  });

  it('refuses a description with control characters, naming the field', async () => {
    const error = await rejectionOf(make({ description: 'bell\u0007' }));
    expect(error.message).toMatch(/description/);
  });
});

describe('enabled switch', () => {
  it('refuses a request that names a disabled connection with CONNECTION_DISABLED saying how to enable it', async () => {
    const c = await make({ enabled: false });
    expect(c.enabled).toBe(false);
    const error = await rejectionOf(chat(c));
    expect(error.code).toBe(ErrorCode.CONNECTION_DISABLED);
    expect(error.message).toContain(`"${c.name}" is disabled`);
    expect(error.data.hint).toContain(`switchboard connections enable "${c.name}"`);
    expect(env.chats()).toHaveLength(0);
    // Switched on again, it answers.
    await env.client.request(ConnectionsUpdate, { id: c.id, enabled: true });
    expect((await chat(c)).text).toBe('ok');
  });

  it('passes a disabled workspace choice over for the default, and says so when the default itself is off', async () => {
    const def = await make({ isDefault: true });
    const off = await make({ enabled: false });
    const resolved = await env.client.request(ConnectionsResolve, { workspaceConnectionId: off.id });
    expect([resolved.connection.id, resolved.reason]).toEqual([def.id, 'default']);
    await env.client.request(ConnectionsUpdate, { id: def.id, enabled: false });
    const error = await rejectionOf(env.client.request(ConnectionsResolve, {}));
    expect(error.code).toBe(ErrorCode.CONNECTION_DISABLED);
    expect(error.message).toContain(`default connection "${def.name}" is disabled`);
    await env.client.request(ConnectionsUpdate, { id: def.id, enabled: true });
  });

  it('skips a disabled fallback (listed with CONNECTION_DISABLED) and uses the next one', async () => {
    const last = await make();
    const off = await make({ enabled: false });
    const first = await make({ baseUrl: 'http://127.0.0.1:9/v1', fallbacks: [off.id, last.id] });
    const result = await chat(first);
    expect(result.connectionId).toBe(last.id);
    expect(result.skipped?.map((s) => [s.connectionId, s.code])).toEqual([
      [first.id, ErrorCode.UNREACHABLE],
      [off.id, ErrorCode.CONNECTION_DISABLED],
    ]);
  });

  it('refuses /v1 routes to a disabled connection in the OpenAI shape and leaves it out of /v1/models', async () => {
    const c = await make({ enabled: false });
    const error = await http.chat.completions
      .create({ model: `${c.name}/gpt-5.4`, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((error as Error).message).toContain('is disabled');
    expect((error as Error).message).toContain('connections enable');
    const models = await http.models.list();
    expect(models.data.map((m) => m.id).filter((id) => id.startsWith(`${c.name}/`))).toEqual([]);
  });
});

describe('generation defaults', () => {
  it("applies them to a JSON-RPC chat that sets none, and lets the request's own values win", async () => {
    const c = await make({ generationDefaults: { temperature: 0.25, maxTokens: 321 } });
    await chat(c);
    expect(env.chats()[0]!.body).toMatchObject({ temperature: 0.25, max_tokens: 321 });
    env.up.reset();
    await chat(c, { temperature: 1.5, maxTokens: 7 });
    expect(env.chats()[0]!.body).toMatchObject({ temperature: 1.5, max_tokens: 7 });
  });

  it('adds only the missing members to a forwarded body, every other byte as sent', async () => {
    const c = await make({ generationDefaults: { temperature: 0.25, maxTokens: 321 } });
    // A seed past 2^53 and an escaped character: a re-serialised body would change both.
    const body = `{"model":"${c.name}/gpt-5.4","seed":12345678901234567890,"messages":[{"role":"user","content":"caf\\u00e9"}],"max_completion_tokens":50}`;
    const res = await raw('/v1/chat/completions', body);
    expect(res.status).toBe(200);
    const up = env.chats()[0]!;
    expect(up.rawBody).toContain('"seed":12345678901234567890');
    expect(up.rawBody).toContain('caf\\u00e9');
    // The client's own limit (under the other name) wins: no max_tokens is added beside it.
    expect(up.body).toMatchObject({ temperature: 0.25, max_completion_tokens: 50 });
    expect(up.body.max_tokens).toBeUndefined();
  });

  it("keeps a forwarded request's own temperature, through the official SDK", async () => {
    const c = await make({ generationDefaults: { temperature: 0.25 } });
    await http.chat.completions.create({
      model: c.name,
      temperature: 0.9,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(env.chats()[0]!.body.temperature).toBe(0.9);
  });

  it("applies a connection's defaults to /v1/messages, forwarded to Anthropic and translated to OpenAI", async () => {
    const claude = await make({
      provider: 'anthropic',
      baseUrl: env.up.anthropicBaseUrl,
      apiKey: KEYS.ant,
      defaultModel: 'claude-sonnet-4-6',
      generationDefaults: { temperature: 0.3, maxTokens: 999 },
    });
    const body = (model: string) =>
      JSON.stringify({ model, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    expect((await raw('/v1/messages', body(claude.name), { 'anthropic-version': '2023-06-01' })).status).toBe(200);
    expect(env.chats()[0]!.body).toMatchObject({ temperature: 0.3, max_tokens: 64 });
    env.up.reset();
    const gpt = await make({ generationDefaults: { temperature: 0.4 } });
    expect((await raw('/v1/messages', body(gpt.name))).status).toBe(200);
    expect(env.chats()[0]!.body).toMatchObject({ temperature: 0.4, max_tokens: 64 });
  });

  it("applies each fallback's own defaults", async () => {
    const backup = await make({ generationDefaults: { temperature: 0.7 } });
    const first = await make({
      baseUrl: 'http://127.0.0.1:9/v1',
      generationDefaults: { temperature: 0.1 },
      fallbacks: [backup.id],
    });
    await chat(first);
    expect(env.chats()[0]!.body.temperature).toBe(0.7);
  });

  it('clears defaults with null', async () => {
    const c = await make({ generationDefaults: { temperature: 0.25 } });
    const updated = (await env.client.request(ConnectionsUpdate, { id: c.id, generationDefaults: null })).connection;
    expect(updated.generationDefaults).toBeUndefined();
    await chat(c);
    expect(env.chats()[0]!.body.temperature).toBeUndefined();
  });
});
