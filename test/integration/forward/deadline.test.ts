/**
 * The connection's timeout is one deadline for a forwarded request's answer to start, across its
 * retries: an upstream that never answers costs the timeout once, not once per attempt plus the
 * backoffs, and the error says so. Counted by the requests the mock upstream received.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  // Two retries allowed, one second of timeout: per-attempt timeouts would send three requests.
  await env.create({
    name: 'silent',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 2,
    timeoutMs: 1000,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

describe('one deadline across retries (forwarding path)', () => {
  it('sends one request to an upstream that never answers, and says the timeout covers every attempt', async () => {
    env.up.fault({ kind: 'hang', count: 3 });
    const res = await fetch(`http://127.0.0.1:${env.daemon.info.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.daemon.info.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'silent', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    const body = (await res.json()) as { error: { message: string } };
    expect(res.status).toBe(504);
    expect(body.error.message).toMatch(
      /did not start answering within the connection's timeout of 1 s \(1 attempt, [\d.]+ s in all\): the timeout is one deadline for every attempt together/,
    );
    expect(env.chats()).toHaveLength(1);
  });
});
