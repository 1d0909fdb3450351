/**
 * Tool tokens through the real daemon: a token made with `tokens/create` reaches the OpenAI API
 * (official `openai` SDK) and the JSON-RPC inference methods for the connections it names, and
 * nothing else — no admin method, no other connection (not even through a fallback), not after it
 * is revoked or has expired, not past its own budget. Its usage is recorded under it.
 */
import OpenAI, { AuthenticationError, PermissionDeniedError, RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwitchboardClient } from '../../../shared/client';
import { ErrorCode } from '../../../shared/errors';
import {
  AuditList,
  ConnectionsCreate,
  ConnectionsList,
  ConnectionsUpdate,
  ModelsList,
  PricesSet,
  SecretsSet,
  TokensCreate,
  TokensList,
  TokensRevoke,
  UsageGet,
  type Connection,
} from '../../../shared/protocol';
import { daemonHttp, failure } from '../../helpers/integrationClient';
import { cleanupDaemons, ensureBuilt, KEYS, setup, sleep, type Env } from '../chat/harness';

let env: Env;
let allowed: Connection;
let other: Connection;

beforeAll(async () => {
  ensureBuilt();
  // Every answer reports 10 input + 20 output tokens.
  env = await setup({ models: ['gpt-5.4'], defaultReply: { chunks: ['o', 'k'], usage: { input: 10, output: 20 } } });
  allowed = await env.create({
    name: 'allowed',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  other = await env.create({
    name: 'other',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.b,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  // $1000 per million tokens: each answer costs $0.03.
  await env.client.request(PricesSet, {
    provider: 'openai',
    model: 'gpt-5.4',
    price: { inputPerMTok: 1000, outputPerMTok: 1000 },
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

const base = () => `http://127.0.0.1:${env.daemon.info.port}/v1`;
const sdkWith = (apiKey: string) => new OpenAI({ baseURL: base(), apiKey, maxRetries: 0, timeout: 10_000 });
const ask = (sdk: OpenAI, model: string) =>
  sdk.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to be refused');
}

/** The application error code of a refused call. */
const codeOf = (error: unknown) => (error as { code?: unknown }).code;

/** A tool's JSON-RPC client on the TCP port, holding the tool token instead of the owner's. */
function toolClient(secret: string, name = 'tool'): Promise<SwitchboardClient> {
  return SwitchboardClient.connect({
    home: env.daemon.home,
    info: { ...env.daemon.info, token: secret },
    transport: 'tcp',
    clientName: name,
  });
}

describe('a tool token limited to one connection', () => {
  it('answers on that connection over /v1, refuses the other with 403, and lists only its models', async () => {
    const { token, secret } = await env.client.request(TokensCreate, { name: 'cline', connections: [allowed.id] });
    expect(secret).toMatch(/^sbt_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({
      name: 'cline',
      connections: [allowed.id],
      fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    const sdk = sdkWith(secret);

    const answer = await ask(sdk, 'allowed/gpt-5.4');
    expect(answer.choices[0]!.message.content).toBe('ok');

    const before = env.chats().length;
    const refused = await rejection(ask(sdk, 'other/gpt-5.4'));
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect((refused as PermissionDeniedError).message).toContain('Tool token "cline" may not use connection "other"');
    expect(env.chats().length).toBe(before); // nothing went upstream

    const models = await sdk.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toContain('allowed/gpt-5.4');
    expect(ids.some((id) => id.startsWith('other/'))).toBe(false);
  });

  it('is accepted as x-api-key, the header Anthropic clients send, and a wrong x-api-key is refused', async () => {
    const { secret } = await env.client.request(TokensCreate, { name: 'anthropic-style', connections: [allowed.id] });
    const get = (headers: Record<string, string>) => fetch(`${base()}/models`, { headers });
    const ok = await get({ 'x-api-key': secret });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toContain('allowed/gpt-5.4');
    expect((await get({ 'x-api-key': env.daemon.info.token })).status).toBe(200);
    expect((await get({ 'x-api-key': 'sk-ant-not-a-switchboard-token' })).status).toBe(401);
  });

  it('is refused on every path but /v1 and on every JSON-RPC method but inference, saying the owner token is needed', async () => {
    const { secret } = await env.client.request(TokensCreate, { name: 'scoped-rpc', connections: [allowed.id] });
    const notV1 = await daemonHttp(env.daemon, 'GET', '/status', undefined, secret);
    expect(notV1.status).toBe(403);
    expect(JSON.parse(notV1.body).error.message).toContain('owner token');

    const tool = await toolClient(secret);
    try {
      // Inference works, on its own connection only.
      const result = await tool.chat({ connectionId: allowed.id, messages: [{ role: 'user', content: 'hi' }] }).result;
      expect(result.text).toBe('ok');
      const outside = await failure(
        tool.chat({ connectionId: other.id, messages: [{ role: 'user', content: 'hi' }] }).result,
      );
      expect(codeOf(outside)).toBe(ErrorCode.FORBIDDEN);
      expect((await tool.request(ConnectionsList)).connections.map((c) => c.id)).toEqual([allowed.id]);
      expect((await tool.request(ModelsList, { connectionId: allowed.id })).models.map((m) => m.id)).toContain(
        'gpt-5.4',
      );
      expect(codeOf(await failure(tool.request(ModelsList, { connectionId: other.id })))).toBe(ErrorCode.FORBIDDEN);

      // Admin: moving a connection's key to another host, reading usage, making tokens, reading the audit log.
      for (const call of [
        tool.request(ConnectionsUpdate, { id: allowed.id, baseUrl: 'http://127.0.0.1:9/v1' }),
        tool.request(SecretsSet, { connectionId: allowed.id, apiKey: 'sk-x-0123456789' }),
        tool.request(TokensCreate, { name: 'escalated' }),
        tool.request(UsageGet),
        tool.request(AuditList),
        tool.request(ConnectionsCreate, { name: 'evil', provider: 'openai', baseUrl: 'http://127.0.0.1:9/v1' }),
      ]) {
        const error = await failure(call);
        expect(codeOf(error)).toBe(ErrorCode.FORBIDDEN);
        expect(error.message).toContain('needs the owner token');
      }
    } finally {
      await tool.close();
    }
    // Nothing changed.
    const conns = (await env.client.request(ConnectionsList)).connections;
    expect(conns.find((c) => c.id === allowed.id)!.baseUrl).toBe(env.up.openaiBaseUrl);
    expect(conns.map((c) => c.name).sort()).toEqual(['allowed', 'other']);
  });

  it('skips a fallback outside its scope rather than sending the request there', async () => {
    const primary = await env.create({
      name: 'down',
      provider: 'openai',
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      timeoutMs: 2000,
      fallbacks: [other.id],
    });
    const { secret } = await env.client.request(TokensCreate, { name: 'no-fallback', connections: [primary.id] });
    const before = env.chats().length;
    const refused = await rejection(ask(sdkWith(secret), 'down'));
    expect((refused as { status?: number }).status).toBe(502); // the primary's own failure (unreachable)
    expect(env.chats().length).toBe(before); // "other" was never called
    // The owner's same request does fall back.
    expect((await ask(sdkWith(env.daemon.info.token), 'down')).choices[0]!.message.content).toBe('ok');
  });
});

describe('revoking and expiry', () => {
  it('refuses a revoked token at once, on HTTP and on its open socket', async () => {
    const { token, secret } = await env.client.request(TokensCreate, { name: 'to-revoke' });
    const sdk = sdkWith(secret);
    expect((await ask(sdk, 'allowed')).choices[0]!.message.content).toBe('ok');
    const tool = await toolClient(secret);
    const closed = new Promise<void>((resolve) => tool.onClose(() => resolve()));

    const { token: revoked } = await env.client.request(TokensRevoke, { id: token.id });
    expect(revoked.id).toBe(token.id);
    const refused = await rejection(ask(sdk, 'allowed'));
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect((refused as AuthenticationError).message).toContain('unknown or was revoked');
    await closed; // the daemon closed the tool's socket
    expect((await env.client.request(TokensList)).tokens.map((t) => t.id)).not.toContain(token.id);
    expect(codeOf(await failure(env.client.request(TokensRevoke, { id: token.id })))).toBe(ErrorCode.TOKEN_NOT_FOUND);
  });

  it('refuses an expired token with a 401 that says so', async () => {
    const { secret } = await env.client.request(TokensCreate, {
      name: 'short-lived',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    const sdk = sdkWith(secret);
    expect((await ask(sdk, 'allowed')).choices[0]!.message.content).toBe('ok');
    await sleep(1600);
    const refused = await rejection(ask(sdk, 'allowed'));
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect((refused as AuthenticationError).message).toContain('Tool token "short-lived" expired');
  });

  it('refuses an expiry in the past at creation', async () => {
    const error = await failure(
      env.client.request(TokensCreate, { name: 'already-over', expiresAt: '2001-01-01T00:00:00Z' }),
    );
    expect(codeOf(error)).toBe(ErrorCode.VALIDATION);
    expect(error.data).toMatchObject({ field: 'expiresAt' });
  });
});

describe('a tool token budget and usage', () => {
  it('refuses with 429 BUDGET_EXCEEDED once its own budget is spent, and records its usage under it', async () => {
    // $0.05 a day: the first $0.03 answer fits; then $0.03 spent + $0.021 estimated passes it.
    const { token, secret } = await env.client.request(TokensCreate, {
      name: 'budgeted',
      budget: { period: 'day', amount: 0.05 },
    });
    const sdk = sdkWith(secret);
    const first = await sdk.chat.completions.create({
      model: 'allowed',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(first.choices[0]!.message.content).toBe('ok');

    const before = env.chats().length;
    const refused = await rejection(
      sdk.chat.completions.create({ model: 'allowed', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).status).toBe(429);
    expect((refused as RateLimitError).message).toContain(
      'Tool token "budgeted" has spent $0.03 of its $0.05 daily budget',
    );
    expect((refused as RateLimitError).code).toBe('insufficient_quota');
    expect(env.chats().length).toBe(before);

    // The owner, on the same connection, is not held to the tool's budget.
    expect((await ask(sdkWith(env.daemon.info.token), 'allowed')).choices[0]!.message.content).toBe('ok');

    await sleep(700); // the ledger's deferred write
    const usage = await env.client.request(UsageGet, { groupBy: ['token'] });
    const mine = usage.groups!.find((g) => g.tokenId === token.id);
    expect(mine).toMatchObject({ tokenName: 'budgeted', requests: 1, inputTokens: 10, outputTokens: 20 });
    expect(mine!.costUsd).toBeCloseTo(0.03, 9);
    const owner = usage.groups!.find((g) => g.tokenId === undefined);
    expect(owner!.requests).toBeGreaterThan(0);
    expect((await env.client.request(UsageGet, { tokenId: token.id })).totals.requests).toBe(1);

    const listed = (await env.client.request(TokensList)).tokens.find((t) => t.id === token.id)!;
    expect(listed.spentUsd).toBeCloseTo(0.03, 9);
    expect(listed.lastUsedAt).toBeDefined();
  });
});

describe('the token itself', () => {
  it('never appears in db.json, the audit log, the daemon log or any list: only its fingerprint', async () => {
    const { token, secret } = await env.client.request(TokensCreate, {
      name: 'canary-token',
      connections: [allowed.id],
    });
    await ask(sdkWith(secret), 'allowed');
    // A wrong token that looks like one, so the refusal path is logged too.
    await rejection(ask(sdkWith(`${secret.slice(0, -4)}AAAA`), 'allowed'));
    await env.client.request(TokensRevoke, { id: token.id });
    await sleep(700);
    const { readFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { findLeaks } = await import('../canary/canaryScan');
    const texts: Array<[string, string]> = readdirSync(env.daemon.home)
      .filter((f) => /\.(json|jsonl|log|out)$/.test(f))
      .map((f) => [f, readFileSync(join(env.daemon.home, f), 'utf8')]);
    texts.push(['stdout', env.daemon.output()]);
    texts.push(['tokens/list', JSON.stringify(await env.client.request(TokensList))]);
    texts.push(['audit/list', JSON.stringify(await env.client.request(AuditList))]);
    texts.push(['usage/get', JSON.stringify(await env.client.request(UsageGet))]);
    expect(texts.map(([f]) => f)).toEqual(expect.arrayContaining(['db.json', 'audit.jsonl', 'daemon.log']));
    const leaks = texts.flatMap(([where, text]) => findLeaks(where, text, [secret]));
    expect(leaks).toEqual([]);
    // It was there to find: the audit log names the token by its fingerprint.
    expect(texts.find(([f]) => f === 'audit.jsonl')![1]).toContain(token.fingerprint);
  });
});
