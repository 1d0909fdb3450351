/**
 * One upstream stream event is capped (4 MiB): a bigger one fails the stream with UPSTREAM_ERROR
 * naming the limit, instead of being buffered whole (a 20 MiB event cost 225 MB of memory).
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

describe('upstream SSE events', () => {
  it.each(['openai', 'anthropic'] as const)(
    '%s: fails the stream clearly on an event over 4 MiB, and still serves the next request',
    async (format) => {
      const model = format === 'openai' ? 'gpt-5.4' : 'claude-haiku-4-5';
      const conn = await env.create({
        name: `big-${format}`,
        provider: format,
        baseUrl: format === 'openai' ? env.up.openaiBaseUrl : env.up.anthropicBaseUrl,
        apiKey: format === 'openai' ? KEYS.a : KEYS.ant,
        defaultModel: model,
        maxRetries: 0,
      });
      env.up.reply(model, { chunks: ['x'.repeat(5 * 1024 * 1024)] });
      const error = await rejectionOf(env.client.chat({ connectionId: conn.id, messages: user('hi') }).result);
      expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
      expect(error.message).toMatch(/larger than the 4 MiB limit/);
      env.up.reply(model, { chunks: ['small'] });
      expect((await env.client.chat({ connectionId: conn.id, messages: user('hi') }).result).text).toBe('small');
    },
    30_000,
  );
});
