/**
 * A garbage or negative Retry-After must not make the daemon retry at once: it falls back to the
 * normal backoff (the SDKs' exponential one, at least ~0.4 s before the first retry).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
beforeAll(async () => {
  ensureBuilt();
  env = await setup();
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

describe('Retry-After', () => {
  it.each([
    ['openai', 'retry-after', '-5'],
    ['openai', 'retry-after', 'soon-ish'],
    ['openai', 'retry-after-ms', '-100'],
    ['anthropic', 'retry-after', '-5'],
    ['anthropic', 'retry-after', 'garbage'],
  ] as const)(
    '%s: %s: %s falls back to the normal backoff',
    async (format, header, value) => {
      env.up.reset();
      const conn = await env.create({
        name: `ra-${format}-${header}-${value}`,
        provider: format,
        baseUrl: format === 'openai' ? env.up.openaiBaseUrl : env.up.anthropicBaseUrl,
        apiKey: format === 'openai' ? KEYS.a : KEYS.ant,
        defaultModel: format === 'openai' ? 'gpt-5.4' : 'claude-haiku-4-5',
        maxRetries: 2,
      });
      env.up.fault({ kind: 'status', status: 503, headers: { [header]: value } });
      const error = await rejectionOf(env.client.chat({ connectionId: conn.id, messages: user('hi') }).result);
      expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
      const times = env.chats().map((r) => r.startedAt);
      expect(times).toHaveLength(3);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(300);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(300);
    },
    20_000,
  );
});
