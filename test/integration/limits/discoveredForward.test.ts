/**
 * Discovered capacity on the forwarding path: a streamed POST /v1/chat/completions relayed to an
 * OpenAI-format upstream has its x-ratelimit-* headers recorded on the connection. The daemon parses
 * them lazily, once per connection per event-loop turn, yet connections/get right after the answer
 * already shows that answer's figures (the read records what is pending first).
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionsGet, type Connection } from '../../../shared/protocol';
import { cleanupDaemons, daemonOpenAI, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
let conn: Connection;
let sdk: OpenAI;

beforeAll(async () => {
  ensureBuilt();
  env = await setup({
    rateLimits: { requests: 5000, tokens: 800_000 },
    defaultReply: { chunks: ['o', 'k'], usage: { input: 7, output: 3 } },
  });
  conn = await env.create({
    name: 'forwarded-limits',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  sdk = daemonOpenAI(env);
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

/** One streamed chat through the forwarding path, read to its end. */
async function streamedChat(): Promise<string> {
  const stream = await sdk.chat.completions.create({
    model: 'forwarded-limits/gpt-5.4',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

const capacity = async () => (await env.client.request(ConnectionsGet, { id: conn.id })).connection.discoveredCapacity;

describe('discovered capacity of forwarded answers', () => {
  it("shows each answer's figures on connections/get right after it", async () => {
    expect(await capacity()).toBeUndefined();
    let previous = 5000;
    for (let i = 0; i < 3; i++) {
      const before = Date.now();
      expect(await streamedChat()).toBe('ok');
      const found = (await capacity())!;
      expect(found).toMatchObject({ requestsLimit: 5000, tokensLimit: 800_000 });
      // The mock counts down with each request it serves: this answer's figures, not an earlier one's.
      expect(found.requestsRemaining).toBeLessThan(previous);
      previous = found.requestsRemaining!;
      // The mock's reset is 1s: counted from when the answer came (taken once it is relayed, so no upper bound here).
      expect(Date.parse(found.requestsReset!)).toBeGreaterThanOrEqual(before + 1000);
      expect(Date.parse(found.observedAt)).toBeGreaterThanOrEqual(before);
    }
  });

  it('keeps the latest figures of answers that end together', async () => {
    const start = (await capacity())!.requestsRemaining!;
    const texts = await Promise.all(Array.from({ length: 6 }, () => streamedChat()));
    expect(texts).toEqual(Array(6).fill('ok'));
    const found = (await capacity())!;
    // One of the six answers' figures (whichever was recorded last), none from before them.
    expect(found.requestsRemaining).toBeLessThan(start);
    expect(found.requestsRemaining).toBeGreaterThanOrEqual(start - 6);
  });
});
