/**
 * A forwarded answer the client stops is usage too: its text went through (and the provider billed
 * it) though the upstream's usage never came. The forwarding tap counts the answer's characters as
 * they pass, so the ledger records an estimate marked as one, for both wire formats. Through the
 * real daemon, the official SDKs as clients and the mock upstream.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageGet, type Connection } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
let gpt: Connection;
let claude: Connection;
/** 8 characters a chunk: 2 tokens each by the daemon's estimate (4 characters a token). */
const CHUNKS = Array.from({ length: 200 }, (_, i) => `w${String(i).padStart(3, '0')}abc `);

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  gpt = await env.create({
    name: 'gpt',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-4o',
    maxRetries: 0,
  });
  claude = await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-sonnet-4-6',
    maxRetries: 0,
  });
  env.up.reply('gpt-4o', { chunks: CHUNKS, chunkDelayMs: 20, usage: { input: 9999, output: 9999 } });
  env.up.reply('claude-sonnet-4-6', { chunks: CHUNKS, chunkDelayMs: 20, usage: { input: 9999, output: 9999 } });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

/** Waits for the ledger's one request on `conn` and checks it is an estimate from the characters relayed. */
async function expectEstimated(conn: Connection, receivedChars: number) {
  const totals = async () => (await env.client.request(UsageGet, { connectionId: conn.id })).totals;
  const upstream = await env.up.waitFor((r) => r.aborted, 5000);
  let t = await totals();
  // The ledger records once the daemon saw the client go: wait for that state, not a time.
  for (let i = 0; i < 200 && t.requests === 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
    t = await totals();
  }
  expect(t.requests).toBe(1);
  expect(t.estimatedRequests).toBe(1);
  expect(t.errors).toBe(0); // the client's choice, not the connection's failure
  // At least what the client read, at most what the upstream sent (never the 9999 it would have reported).
  expect(t.outputTokens).toBeGreaterThanOrEqual(Math.ceil(receivedChars / 4));
  expect(t.outputTokens).toBeLessThanOrEqual(Math.ceil((upstream.chunksSent * 8) / 4));
  expect(t.inputTokens).toBeGreaterThan(0);
}

describe('a forwarded answer the client stops', () => {
  it('/v1/chat/completions → OpenAI: recorded with output tokens estimated from the text relayed', async () => {
    const sdk = new OpenAI({
      baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
      apiKey: env.daemon.info.token,
      maxRetries: 0,
    });
    const abort = new AbortController();
    const stream = await sdk.chat.completions.create(
      { model: 'gpt', messages: [{ role: 'user', content: 'please write a long answer' }], stream: true },
      { signal: abort.signal },
    );
    let text = '';
    try {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (text.length >= 80) abort.abort();
      }
    } catch {
      // the abort
    }
    await expectEstimated(gpt, text.length);
  });

  it('/v1/messages → Anthropic: recorded with output tokens estimated from the text relayed', async () => {
    const sdk = new Anthropic({
      baseURL: `http://127.0.0.1:${env.daemon.info.port}`,
      apiKey: env.daemon.info.token,
      maxRetries: 0,
    });
    env.up.reset();
    env.up.reply('claude-sonnet-4-6', { chunks: CHUNKS, chunkDelayMs: 20, usage: { input: 9999, output: 9999 } });
    const abort = new AbortController();
    const stream = await sdk.messages.create(
      {
        model: 'claude',
        max_tokens: 4000,
        messages: [{ role: 'user', content: 'please write a long answer' }],
        stream: true,
      },
      { signal: abort.signal },
    );
    let text = '';
    try {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
        if (text.length >= 80) abort.abort();
      }
    } catch {
      // the abort
    }
    await expectEstimated(claude, text.length);
  });
});
