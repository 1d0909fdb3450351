/**
 * Errors name the connection as the person named it ("Local OpenAI rejected the key"), not its
 * provider type (#17 item 10): two connections of one provider are told apart, and the name is the one
 * the chat, the tree and the status bar show. Through the real daemon and the mock upstream, on
 * JSON-RPC (`chat/stream`) and on /v1 with the official OpenAI and Anthropic SDKs (the forwarded path).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import type { Connection } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from './harness';

let env: Env;
let local: Connection;
let claude: Connection;
const daemonBase = () => `http://127.0.0.1:${env.daemon.info.port}`;

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['one', ' two'] } });
  local = await env.create({
    name: 'Local OpenAI',
    provider: 'custom',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
    timeoutMs: 2000,
  });
  claude = await env.create({
    name: 'Team Claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-haiku-4-5',
    maxRetries: 0,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

/** The provider types' own names, which the messages must not use in place of the connection's. */
const PROVIDER_NAMES = /Custom \(OpenAI-compatible\)|Anthropic\b/;

describe('upstream errors name the connection', () => {
  it.each([
    [
      'a refused key',
      { kind: 'status', status: 401 } as const,
      ErrorCode.INVALID_API_KEY,
      /^Local OpenAI rejected the key \(401\)/,
    ],
    [
      'a rate limit',
      { kind: 'status', status: 429 } as const,
      ErrorCode.RATE_LIMITED,
      /^Local OpenAI hit the provider's rate limit \(429\)/,
    ],
    [
      'a server error',
      { kind: 'status', status: 500 } as const,
      ErrorCode.UPSTREAM_ERROR,
      /^Local OpenAI failed with 500/,
    ],
    ['a silent upstream', { kind: 'hang' } as const, ErrorCode.TIMEOUT, /^Local OpenAI did not start answering/],
    [
      'a cut stream',
      { kind: 'truncate', afterChunks: 1 } as const,
      ErrorCode.INCOMPLETE,
      /^The answer from Local OpenAI ended/,
    ],
  ])(
    'on chat/stream: %s',
    async (_what, fault, code, message) => {
      env.up.fault({ ...fault, count: 1 });
      const error = await rejectionOf(env.client.chat({ connectionId: local.id, messages: user('hi') }).result);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(error.message).not.toMatch(PROVIDER_NAMES);
    },
    30_000,
  );

  it('on chat/stream: an Anthropic connection that is overloaded', async () => {
    env.up.fault({ kind: 'status', status: 529, count: 1 });
    const error = await rejectionOf(env.client.chat({ connectionId: claude.id, messages: user('hi') }).result);
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error.message).toBe('Team Claude: the provider is overloaded (529).');
  });

  it('on /v1/chat/completions (openai SDK): a rate limit and a refused key', async () => {
    const sdk = new OpenAI({ baseURL: `${daemonBase()}/v1`, apiKey: env.daemon.info.token, maxRetries: 0 });
    env.up.fault({ kind: 'status', status: 429, count: 1 });
    const limited = await rejectionOf(
      sdk.chat.completions.create({ model: 'Local OpenAI/gpt-5.4', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect((limited as unknown as { status?: number }).status).toBe(429);
    expect(limited.message).toMatch(/Local OpenAI hit the provider's rate limit \(429\)/);
    expect(limited.message).not.toMatch(PROVIDER_NAMES);
    env.up.fault({ kind: 'status', status: 401, count: 1 });
    const refused = await rejectionOf(
      sdk.chat.completions.create({
        model: 'Local OpenAI/gpt-5.4',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      }),
    );
    expect(refused.message).toMatch(/Local OpenAI rejected the key \(401\)/);
  });

  it('on /v1/messages (anthropic SDK): a server error', async () => {
    const sdk = new Anthropic({ baseURL: daemonBase(), apiKey: env.daemon.info.token, maxRetries: 0 });
    env.up.fault({ kind: 'status', status: 500, count: 1 });
    const failed = await rejectionOf(
      sdk.messages.create({
        model: 'Team Claude/claude-haiku-4-5',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(failed.message).toMatch(/Team Claude failed with 500/);
    expect(failed.message).not.toMatch(/Anthropic failed/);
  });
});
