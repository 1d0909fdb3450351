/**
 * A stopped answer is usage too: text streamed (and the provider billed it) though the upstream
 * never reported token counts. Through the real daemon and the mock upstream: the ledger records an
 * estimate marked as one, priced, and the stopped chat's error carries it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { ChatCancel, UsageGet, type Connection } from '../../../shared/protocol';
import { catalogPricesOf } from '../../../daemon/catalog/catalogPrices';
import { eventually } from '../../helpers/daemonProcess';
import { captureDeltas, cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
let conn: Connection;
const GPT4O = catalogPricesOf('openai').models.find((m) => m.model === 'gpt-4o')!;
const PROMPT = 'please write a long answer'; // 26 characters: 7 tokens at 4 characters per token

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  conn = await env.create({
    name: 'stopped',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-4o',
    maxRetries: 0,
  });
  // 8 characters a chunk: 2 tokens each by the daemon's estimate.
  env.up.reply('gpt-4o', {
    chunks: Array.from({ length: 200 }, (_, i) => `w${String(i).padStart(3, '0')}abc `),
    chunkDelayMs: 20,
    usage: { input: 9999, output: 9999 },
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

describe('a stopped answer', () => {
  it('is recorded with estimated tokens and cost, marked as estimated, in the ledger and the error', async () => {
    const deltas = captureDeltas(env.client, 'stop-me');
    const stream = env.client.chat({ streamId: 'stop-me', connectionId: conn.id, messages: user(PROMPT) });
    expect(await eventually(() => deltas.texts.length >= 5)).toBe(true);
    await env.client.request(ChatCancel, { streamId: 'stop-me' });
    const error = await rejectionOf(stream.result);
    expect(error.code).toBe(ErrorCode.CANCELLED);
    const partial = String(error.data.partialText);
    const outputTokens = Math.ceil(partial.length / 4);
    expect(outputTokens).toBeGreaterThanOrEqual(10);
    expect(error.data.usage).toEqual({ inputTokens: 7, outputTokens, estimated: true });
    const expectedUsd = (7 * GPT4O.inputPerMTok + outputTokens * GPT4O.outputPerMTok) / 1e6;
    expect(error.data.costUsd).toBeCloseTo(expectedUsd, 12);

    const totals = (await env.client.request(UsageGet, { connectionId: conn.id })).totals;
    expect(totals).toMatchObject({
      requests: 1,
      errors: 0,
      inputTokens: 7,
      outputTokens,
      estimatedRequests: 1,
      unpricedRequests: 0,
    });
    expect(totals.costUsd).toBeCloseTo(expectedUsd, 9);
    expect(totals.costUsd).toBeGreaterThan(0);
  });

  it('keeps the counts the upstream reported unmarked', async () => {
    env.up.reply('gpt-4o', { chunks: ['a', 'b'], usage: { input: 12, output: 2 } });
    const result = await env.client.chat({ connectionId: conn.id, messages: user(PROMPT) }).result;
    expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 2 });
  });
});
