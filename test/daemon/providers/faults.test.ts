/**
 * Every upstream failure the mock can produce, through both real adapters, must surface as its
 * SwitchboardError code, with no trace of the key.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findBuiltIn } from '../../../daemon/catalog/builtInProviders';
import { adapterFor, clearClients } from '../../../daemon/providers/registry';
import { textsOf } from '../../../daemon/providers/chunkText';
import { ErrorCode } from '../../../shared/errors';
import { startMockUpstream, type MockUpstream, type WireFormat } from '../../mocks/upstream';
import {
  CANARY_KEY,
  chat,
  closedPort,
  collect,
  everything,
  failure,
  fragmentsOf,
  GOOD_KEY,
  makeConn,
  textOf,
} from './helpers';

let up: MockUpstream;
beforeAll(async () => {
  up = await startMockUpstream({ validKeys: [GOOD_KEY], missingModels: ['no-such-model'] });
});
afterAll(() => up.close());
afterEach(() => {
  up.reset();
  clearClients();
});

interface Flavour {
  name: string;
  providerId: string;
  format: WireFormat;
  base: () => string;
  model: string;
}
const FLAVOURS: Flavour[] = [
  { name: 'openai', providerId: 'openai', format: 'openai', base: () => up.openaiBaseUrl, model: 'gpt-4o' },
  {
    name: 'anthropic',
    providerId: 'anthropic',
    format: 'anthropic',
    base: () => up.anthropicBaseUrl,
    model: 'claude-sonnet-4-5',
  },
];
const FIVE = ['a1 ', 'b2 ', 'c3 ', 'd4 ', 'e5'];
const fast = { 'retry-after-ms': '10' }; // keeps SDK retries quick

describe.each(FLAVOURS)('$name upstream faults', (f) => {
  const adapter = adapterFor(findBuiltIn(f.providerId)!);
  const conn = (over = {}) => makeConn(f.providerId, f.base(), over);
  const run = (over = {}, model = f.model, signal?: AbortSignal) => collect(adapter, conn(over), chat(model), signal);

  it('maps a rejected key to INVALID_API_KEY without any trace of the key', async () => {
    const { error } = await run({ apiKey: CANARY_KEY });
    expect(error?.code).toBe(ErrorCode.INVALID_API_KEY);
    expect(error?.data).toMatchObject({ status: 401 });
    expect(error?.data.hint).toContain(findBuiltIn(f.providerId)!.docsUrl);
    const shown = everything(error!);
    for (const fragment of fragmentsOf(CANARY_KEY)) expect(shown).not.toContain(fragment);
  });

  it('maps 403 to FORBIDDEN', async () => {
    up.fault({ kind: 'status', status: 403 });
    expect((await run()).error?.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('maps an unknown model to MODEL_NOT_FOUND naming it', async () => {
    const { error } = await run({}, 'no-such-model');
    expect(error?.code).toBe(ErrorCode.MODEL_NOT_FOUND);
    expect(error?.data.model).toBe('no-such-model');
    expect(error?.message).toContain('no-such-model');
  });

  it('maps 429 to RATE_LIMITED with retryAfterMs, and does not sleep through a wait longer than the timeout', async () => {
    up.fault({ kind: 'status', status: 429, retryAfterS: 7 });
    const { error } = await run({ maxRetries: 2 });
    expect(error?.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error?.data.retryAfterMs).toBe(7_000);
    expect(up.requests).toHaveLength(1);
  });

  it('retries a short 429 and then streams', async () => {
    up.fault({ kind: 'status', status: 429, count: 1, headers: fast });
    up.reply(f.model, { chunks: FIVE });
    const { text, error } = await run({ maxRetries: 1 });
    expect(error).toBeUndefined();
    expect(text).toBe(FIVE.join(''));
    expect(up.requests).toHaveLength(2);
  });

  it('maps a quota/credit error to RATE_LIMITED quota:true without retrying', async () => {
    if (f.format === 'openai') up.fault({ kind: 'status', status: 429, variant: 'insufficient_quota', headers: fast });
    else
      up.fault({
        kind: 'status',
        status: 400,
        body: {
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message:
              'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
          },
        },
      });
    const { error } = await run({ maxRetries: 2 });
    expect(error?.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error?.data.quota).toBe(true);
    expect(error?.data.hint).toMatch(/billing/i);
    expect(up.requests).toHaveLength(1);
  });

  it('retries 500 maxRetries times, then UPSTREAM_ERROR with the status', async () => {
    up.fault({ kind: 'status', status: 500, headers: fast });
    const { error } = await run({ maxRetries: 2 });
    expect(error?.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error?.data.status).toBe(500);
    expect(up.requests).toHaveLength(3);
  });

  it('maps 529 overloaded to UPSTREAM_ERROR 529', async () => {
    up.fault({ kind: 'status', status: 529 });
    const { error } = await run();
    expect(error?.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error?.data.status).toBe(529);
    expect(error?.message).toMatch(/overloaded/i);
  });

  it('maps an HTML 502 to UPSTREAM_ERROR without the HTML', async () => {
    up.fault({ kind: 'status', status: 502 });
    const { error } = await run();
    expect(error?.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error?.data.status).toBe(502);
    expect(everything(error!)).not.toMatch(/<html|<center/i);
  });

  it('maps a refused connection to UNREACHABLE', async () => {
    const port = await closedPort();
    const base = f.format === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
    const { error } = await collect(adapter, makeConn(f.providerId, base), chat(f.model));
    expect(error?.code).toBe(ErrorCode.UNREACHABLE);
    expect(error?.message).toContain('connection refused');
    expect(error?.message).toContain(base);
  });

  it('maps a server that never answers to TIMEOUT within timeoutMs', async () => {
    up.fault({ kind: 'hang' });
    const started = Date.now();
    const { error } = await run({ timeoutMs: 300 });
    expect(error?.code).toBe(ErrorCode.TIMEOUT);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('maps a stream that stalls mid-answer to TIMEOUT with the partial text, and closes it', async () => {
    up.reply(f.model, { chunks: FIVE });
    up.fault({ kind: 'hangAfterChunks', n: 2 });
    const started = Date.now();
    const { error } = await run({ timeoutMs: 300 });
    expect(error?.code).toBe(ErrorCode.TIMEOUT);
    expect(error?.data.partialText).toBe('a1 b2 ');
    expect(Date.now() - started).toBeLessThan(1_500);
    await up.waitFor((r) => r.aborted, 1_000);
  });

  it('does not time out a slow but steady stream: the timeout is idle time, not total', async () => {
    up.reply(f.model, { chunks: FIVE, chunkDelayMs: 120 });
    const { text, error } = await run({ timeoutMs: 300 });
    expect(error).toBeUndefined();
    expect(text).toBe(FIVE.join(''));
  });

  it('does not count a slow consumer against the upstream', async () => {
    up.reply(f.model, { chunks: FIVE });
    const chunks: string[] = [];
    let reads = 0;
    const ac = new AbortController();
    for await (const c of adapter.stream(conn({ timeoutMs: 200 }), chat(f.model), ac.signal)) {
      if (c.type === 'deltas') {
        chunks.push(...textsOf(c));
        reads++;
      }
      if (reads === 1) await new Promise((r) => setTimeout(r, 450));
    }
    expect(chunks.join('')).toBe(FIVE.join(''));
  });

  it('maps a stream that opens and then says nothing to TIMEOUT', async () => {
    up.fault({ kind: 'hangAfterChunks', n: 0 });
    const { error } = await run({ timeoutMs: 300 });
    expect(error?.code).toBe(ErrorCode.TIMEOUT);
    expect(error?.data.partialText).toBeUndefined();
  });

  it('maps a stream cut before its terminator to INCOMPLETE with the partial text', async () => {
    up.reply(f.model, { chunks: FIVE });
    up.fault({ kind: 'truncate', afterChunks: 2 });
    const { error, text } = await run();
    expect(error?.code).toBe(ErrorCode.INCOMPLETE);
    expect(error?.data.partialText).toBe('a1 b2 ');
    expect(text).toBe('a1 b2 ');
  });

  it('maps a socket reset mid-stream to INCOMPLETE, not UNREACHABLE', async () => {
    up.reply(f.model, { chunks: FIVE });
    up.fault({ kind: 'reset', afterChunks: 3 });
    const { error } = await run();
    expect(error?.code).toBe(ErrorCode.INCOMPLETE);
    expect(error?.data.partialText).toBe('a1 b2 c3 ');
  });

  it('maps a reset right after the stream opened to INCOMPLETE', async () => {
    up.fault({ kind: 'reset', afterChunks: 0 });
    expect((await run()).error?.code).toBe(ErrorCode.INCOMPLETE);
  });

  it('maps a mid-stream error event to UPSTREAM_ERROR with the partial text', async () => {
    up.reply(f.model, { chunks: FIVE });
    up.fault({ kind: 'streamError', afterChunks: 1 });
    const { error } = await run();
    expect(error?.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error?.data.status).toBe(f.format === 'anthropic' ? 529 : 500);
    expect(error?.data.partialText).toBe('a1 ');
  });

  it('yields the text that came in the same read before an error event, then throws', async () => {
    up.reply(f.model, { chunks: FIVE });
    up.fault({ kind: 'streamError', afterChunks: 3 }); // no pacing: the three chunks and the error arrive together
    const { text, error } = await run();
    expect(error?.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(text).toBe('a1 b2 c3 ');
    expect(error?.data.partialText).toBe('a1 b2 c3 ');
  });

  it('maps an abort mid-stream to CANCELLED and the upstream sees the request go away', async () => {
    up.reply(f.model, { chunks: Array.from({ length: 40 }, (_, i) => `w${i} `), chunkDelayMs: 40 });
    const ac = new AbortController();
    let abortedAt = 0;
    const { error } = await collect(adapter, conn(), chat(f.model), ac.signal, (_c, all) => {
      if (!abortedAt && textOf(all) === 'w0 w1 ') {
        abortedAt = Date.now();
        ac.abort();
      }
    });
    expect(error?.code).toBe(ErrorCode.CANCELLED);
    expect(error?.data.partialText).toBe('w0 w1 ');
    const r = await up.waitFor((x) => x.aborted, 1_000);
    expect(r.endedAt! - abortedAt).toBeLessThan(1_000);
    expect(r.chunksSent).toBeLessThan(10);
  });

  it('maps an abort while waiting for the answer to CANCELLED at once', async () => {
    up.fault({ kind: 'hang' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    const { error } = await run({ timeoutMs: 5_000 }, f.model, ac.signal);
    expect(error?.code).toBe(ErrorCode.CANCELLED);
    expect(Date.now() - started).toBeLessThan(1_000);
    await up.waitFor((x) => x.aborted, 1_000);
  });

  it('maps an abort during a retry wait to CANCELLED at once', async () => {
    up.fault({ kind: 'status', status: 429, headers: { 'retry-after-ms': '1500' } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    const { error } = await run({ maxRetries: 1 }, f.model, ac.signal);
    expect(error?.code).toBe(ErrorCode.CANCELLED);
    expect(Date.now() - started).toBeLessThan(700);
    await new Promise((r) => setTimeout(r, 1_600)); // the SDK's own wait ends: it must not retry
    expect(up.requests).toHaveLength(1);
  });

  it('maps a models list that stalls to TIMEOUT', async () => {
    up.fault({ kind: 'hangAfterChunks', n: 0 });
    const error = await failure(adapter.listModels(conn({ timeoutMs: 300 }), new AbortController().signal));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
  });

  it('maps a server without a models endpoint to UPSTREAM_ERROR', async () => {
    const error = await failure(
      adapter.listModels(makeConn(f.providerId, `${up.url}/nothing`), new AbortController().signal),
    );
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error.message).toMatch(/no models endpoint/);
  });

  it('maps a rejected key on the models list to INVALID_API_KEY', async () => {
    const error = await failure(adapter.listModels(conn({ apiKey: CANARY_KEY }), new AbortController().signal));
    expect(error.code).toBe(ErrorCode.INVALID_API_KEY);
    for (const fragment of fragmentsOf(CANARY_KEY)) expect(everything(error)).not.toContain(fragment);
  });
});

describe('terminator detection', () => {
  it('accepts an OpenAI stream that has its finish reason but lost [DONE]', async () => {
    up.fault({ kind: 'truncate' });
    const { error, chunks } = await collect(
      adapterFor(findBuiltIn('openai')!),
      makeConn('openai', up.openaiBaseUrl),
      chat('gpt-4o'),
    );
    expect(error).toBeUndefined();
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('rejects an Anthropic stream without message_stop, even after message_delta', async () => {
    up.fault({ kind: 'truncate' });
    const { error } = await collect(
      adapterFor(findBuiltIn('anthropic')!),
      makeConn('anthropic', up.anthropicBaseUrl),
      chat('claude-sonnet-4-5'),
    );
    expect(error?.code).toBe(ErrorCode.INCOMPLETE);
    expect(error?.data.partialText).toBe('Hello from mock');
  });
});

describe('azure faults', () => {
  const openai = adapterFor(findBuiltIn('azure-openai')!);
  it('maps a missing deployment to MODEL_NOT_FOUND', async () => {
    const { error } = await collect(openai, makeConn('azure-openai', up.azureEndpoint), chat('no-such-model'));
    expect(error?.code).toBe(ErrorCode.MODEL_NOT_FOUND);
    expect(error?.data.model).toBe('no-such-model');
  });

  it('reads retry-after-ms on a 429', async () => {
    up.fault({ kind: 'status', status: 429, retryAfterS: 9 });
    const { error } = await collect(openai, makeConn('azure-openai', up.azureEndpoint), chat('dep'));
    expect(error?.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error?.data.retryAfterMs).toBe(9_000);
  });
});
