/**
 * The mock upstream, driven by the official SDKs as clients: if `openai` (incl. AzureOpenAI) and
 * `@anthropic-ai/sdk` accept what it sends, its wire format is the providers'.
 *
 * What the SDKs do when a stream ends without its terminator (checked below, SDK versions in
 * node_modules: openai 6.49, @anthropic-ai/sdk 1.12):
 * - openai, raw `create({stream: true})` iteration: ends quietly without `data: [DONE]`, with no
 *   error, even if it was cut mid-content (no finish_reason). `chat.completions.stream()` +
 *   `finalChatCompletion()` also resolves when only `[DONE]` is missing, but throws
 *   OpenAIError "missing finish_reason for choice 0" when the cut removed the finish chunk.
 * - anthropic, raw `messages.create({stream: true})` iteration: ends quietly without
 *   `message_stop`. `messages.stream()` + `finalMessage()` throws AnthropicError "stream ended
 *   without producing a Message with role=assistant" whenever `message_stop` is missing.
 * So the raw streams (what an adapter iterates) never report truncation: the daemon must track
 * the terminator itself to raise INCOMPLETE.
 * A reset socket surfaces from raw iteration as undici's `TypeError: terminated` (cause
 * `SocketError: other side closed`), NOT as APIConnectionError; the helpers wrap it in
 * OpenAIError / AnthropicError with the same message.
 */
import Anthropic from '@anthropic-ai/sdk';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './upstream';

const GPT = 'gpt-5.4';
const CLAUDE = 'claude-sonnet-4-6';
const KEY = 'sk-proj-GOODKEY0123456789abcdef';
const ANT_KEY = 'sk-ant-api03-GOODKEY0123456789';
const AZ_KEY = '0123456789abcdef0123456789abcdef';
const user = [{ role: 'user' as const, content: 'Say hello' }];

let up: MockUpstream;
let openai: OpenAI;
let anthropic: Anthropic;
let azure: AzureOpenAI;

beforeAll(async () => {
  up = await startMockUpstream();
  openai = new OpenAI({ baseURL: up.openaiBaseUrl, apiKey: KEY, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: up.anthropicBaseUrl, apiKey: ANT_KEY, maxRetries: 0 });
  azure = new AzureOpenAI({ endpoint: up.azureEndpoint, apiKey: AZ_KEY, apiVersion: '2024-10-21', maxRetries: 0 });
});
afterEach(() => {
  up.reset();
  up.validKeys.clear();
  up.missingModels.clear();
});
afterAll(() => up.close());

const last = () => up.requests[up.requests.length - 1]!;

async function openaiText(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  let text = '';
  let usage: OpenAI.CompletionUsage | undefined;
  let finish: string | null | undefined;
  for await (const c of stream) {
    text += c.choices[0]?.delta?.content ?? '';
    finish = c.choices[0]?.finish_reason ?? finish;
    if (c.usage) usage = c.usage;
  }
  return { text, usage, finish };
}

async function anthropicText(stream: AsyncIterable<Anthropic.MessageStreamEvent>) {
  let text = '';
  const events: string[] = [];
  for await (const e of stream) {
    events.push(e.type);
    if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
  }
  return { text, events };
}

/** Run `f` and return what it throws (fails the test if it does not throw). */
async function thrown(f: () => Promise<unknown>): Promise<any> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('OpenAI wire (openai SDK)', () => {
  it('streams the scripted chunks and the usage chunk', async () => {
    up.reply(GPT, { chunks: ['One', ' two', ' three'], usage: { input: 12, output: 3 } });
    const stream = await openai.chat.completions.create({
      model: GPT,
      messages: user,
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, usage, finish } = await openaiText(stream);
    expect(text).toBe('One two three');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
    expect(last()).toMatchObject({ format: 'openai', completed: true, aborted: false, chunksSent: 3, status: 200 });
  });

  it('records the key, where it went, and the sampling options', async () => {
    await openai.chat.completions.create({
      model: GPT,
      messages: user,
      temperature: 0.3,
      max_tokens: 100,
      top_p: 0.9,
      stop: ['END'],
    });
    expect(last()).toMatchObject({
      path: '/v1/chat/completions',
      authKey: KEY,
      authHeader: 'authorization',
      model: GPT,
      params: { temperature: 0.3, max_tokens: 100, top_p: 0.9, stop: ['END'], messages: user },
    });
  });

  it('answers without streaming, with rate-limit and request-id headers', async () => {
    const { data, response } = await openai.chat.completions.create({ model: GPT, messages: user }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBe('Hello from mock');
    expect(data.usage?.completion_tokens).toBe(3);
    for (const h of [
      'x-ratelimit-limit-requests',
      'x-ratelimit-remaining-tokens',
      'x-ratelimit-reset-tokens',
      'x-request-id',
    ]) {
      expect(response.headers.get(h), h).toBeTruthy();
    }
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const c = await openai.chat.completions.create({ model: GPT, messages: user, max_completion_tokens: 2 });
    expect(c.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'Hello from' } });
  });

  it('lists models in the OpenAI format', async () => {
    up.models = ['gpt-a', 'gpt-b'];
    try {
      const ids: string[] = [];
      for await (const m of openai.models.list()) {
        expect(m).toMatchObject({ object: 'model', owned_by: 'system' });
        ids.push(m.id);
      }
      expect(ids).toEqual(['gpt-a', 'gpt-b']);
    } finally {
      up.models = ['gpt-5.4', 'gpt-5.4-mini', 'claude-sonnet-4-6', 'claude-haiku-4-5'];
    }
  });

  it('rejects an unknown key with AuthenticationError whose message echoes the full key', async () => {
    up.validKeys.add('sk-other');
    const err = await thrown(() => openai.chat.completions.create({ model: GPT, messages: user }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe('invalid_api_key');
    expect(err.message).toContain(KEY);
  });

  it('answers 404 model_not_found for a missing model', async () => {
    up.missingModels.add('gpt-gone');
    const err = await thrown(() => openai.chat.completions.create({ model: 'gpt-gone', messages: user }));
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('model_not_found');
  });

  it('gives 429 with readable retry-after and x-ratelimit headers, and an insufficient_quota variant', async () => {
    up.fault({ kind: 'status', status: 429, retryAfterS: 7, count: 1 });
    const err = await thrown(() => openai.chat.completions.create({ model: GPT, messages: user }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.headers.get('retry-after')).toBe('7');
    expect(err.headers.get('x-ratelimit-remaining-requests')).toBe('0');

    up.fault({ kind: 'status', status: 429, variant: 'insufficient_quota', count: 1 });
    const quota = await thrown(() => openai.chat.completions.create({ model: GPT, messages: user }));
    expect(quota).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' });
    // count: 1 each — the next request is fine again.
    await expect(openai.chat.completions.create({ model: GPT, messages: user })).resolves.toBeTruthy();
  });

  it('sends a Cloudflare HTML page for 502, which the SDK still maps to InternalServerError', async () => {
    up.fault({ kind: 'status', status: 502, count: 1 });
    const err = await thrown(() => openai.chat.completions.create({ model: GPT, messages: user }));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(502);
  });

  it('surfaces a mid-stream error as APIError', async () => {
    up.fault({ kind: 'streamError', afterChunks: 1 });
    const stream = await openai.chat.completions.create({ model: GPT, messages: user, stream: true });
    const err = await thrown(() => openaiText(stream));
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.type).toBe('server_error');
  });
});

describe('Azure wire (AzureOpenAI)', () => {
  it('streams from the deployment path with the api-key header', async () => {
    const stream = await azure.chat.completions.create({
      model: 'my-deploy',
      messages: user,
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, usage } = await openaiText(stream);
    expect(text).toBe('Hello from mock');
    expect(usage?.completion_tokens).toBe(3);
    expect(last()).toMatchObject({
      format: 'azure',
      path: '/openai/deployments/my-deploy/chat/completions',
      query: { 'api-version': '2024-10-21' },
      authKey: AZ_KEY,
      authHeader: 'api-key',
      model: 'my-deploy',
    });
  });

  it('lists models at /openai/models', async () => {
    const ids: string[] = [];
    for await (const m of azure.models.list()) ids.push(m.id);
    expect(ids).toContain(GPT);
    expect(last().path).toBe('/openai/models');
  });

  it('answers 401 without echoing the key, and DeploymentNotFound for a missing deployment', async () => {
    up.validKeys.add('another');
    const denied = await thrown(() => azure.chat.completions.create({ model: 'd', messages: user }));
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(denied.message).not.toContain(AZ_KEY);

    up.validKeys.clear();
    up.missingModels.add('gone');
    const missing = await thrown(() => azure.chat.completions.create({ model: 'gone', messages: user }));
    expect(missing).toMatchObject({ status: 404, code: 'DeploymentNotFound' });
  });
});

describe('Anthropic wire (@anthropic-ai/sdk)', () => {
  it('streams events in the real order and reassembles text and usage', async () => {
    up.reply(CLAUDE, { chunks: ['Hi', ' there'], usage: { input: 20, output: 2 } });
    const stream = await anthropic.messages.create({ model: CLAUDE, max_tokens: 64, messages: user, stream: true });
    const { text, events } = await anthropicText(stream);
    expect(text).toBe('Hi there');
    // `ping` is sent on the wire but the SDK drops it.
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const final = await anthropic.messages.stream({ model: CLAUDE, max_tokens: 64, messages: user }).finalMessage();
    expect(final).toMatchObject({ stop_reason: 'end_turn', usage: { input_tokens: 20, output_tokens: 2 } });
  });

  it('records the key, version header, system and sampling options', async () => {
    // SDK 1.12's MessageCreateParams no longer declares temperature/top_p (deprecated upstream),
    // but it still sends whatever the body holds, so they are spread in untyped.
    const sampling: Record<string, number> = { temperature: 0.2, top_p: 0.8 };
    await anthropic.messages.create({
      model: CLAUDE,
      max_tokens: 50,
      system: 'Be brief',
      stop_sequences: ['\n\n'],
      messages: user,
      ...sampling,
    });
    const r = last();
    // SDK 1.12 sends the apiKey as `Authorization: Bearer`, not x-api-key.
    expect(r).toMatchObject({
      format: 'anthropic',
      authKey: ANT_KEY,
      authHeader: 'authorization',
      params: { system: 'Be brief', temperature: 0.2, top_p: 0.8, stop_sequences: ['\n\n'], max_tokens: 50 },
    });
    expect(r.headers['anthropic-version']).toBeTruthy();
  });

  it('answers without streaming, stopping at max_tokens', async () => {
    const m = await anthropic.messages.create({ model: CLAUDE, max_tokens: 1, messages: user });
    expect(m).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'max_tokens',
      content: [{ type: 'text', text: 'Hello' }],
    });
  });

  it('accepts x-api-key as curl and older SDKs send it', async () => {
    const res = await fetch(`${up.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'raw-key', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: CLAUDE, max_tokens: 10, messages: user }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(last()).toMatchObject({ authKey: 'raw-key', authHeader: 'x-api-key' });
  });

  it('lists models in the Anthropic format, paginated', async () => {
    const ids: string[] = [];
    for await (const m of anthropic.models.list({ limit: 3 })) {
      expect(m).toMatchObject({ type: 'model' });
      ids.push(m.id);
    }
    expect(ids).toEqual(up.models);
    expect(up.requests.map((r) => r.query['after_id'])).toEqual([undefined, 'claude-sonnet-4-6']);
    const page = await anthropic.models.list({ limit: 2 });
    expect(page.has_more).toBe(true);
    expect(page.data[0]).toMatchObject({ id: 'gpt-5.4', display_name: 'Gpt 5.4', created_at: expect.any(String) });
  });

  it('rejects an unknown key with AuthenticationError (authentication_error)', async () => {
    up.validKeys.add('other');
    const err = await thrown(() => anthropic.messages.create({ model: CLAUDE, max_tokens: 10, messages: user }));
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(err.type).toBe('authentication_error');
    expect(err.requestID).toMatch(/^req_/);
  });

  it('gives 429 with retry-after and anthropic-ratelimit headers, and 529 overloaded_error', async () => {
    up.fault({ kind: 'status', status: 429, count: 1 });
    const limited = await thrown(() => anthropic.messages.create({ model: CLAUDE, max_tokens: 10, messages: user }));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(limited.headers.get('anthropic-ratelimit-requests-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    up.fault({ kind: 'status', status: 529, count: 1 });
    const overloaded = await thrown(() => anthropic.messages.create({ model: CLAUDE, max_tokens: 10, messages: user }));
    expect(overloaded).toMatchObject({ status: 529, type: 'overloaded_error' });
  });

  it('surfaces a mid-stream `event: error` as APIError with its type', async () => {
    up.fault({ kind: 'streamError', afterChunks: 2 });
    const stream = await anthropic.messages.create({ model: CLAUDE, max_tokens: 64, messages: user, stream: true });
    const err = await thrown(() => anthropicText(stream));
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.type).toBe('overloaded_error');
  });
});

describe('models endpoint dialect', () => {
  it('answers GET /v1/models per the caller: OpenAI list by default, Anthropic page with anthropic headers', async () => {
    const o = await (await fetch(`${up.url}/v1/models`, { headers: { authorization: 'Bearer k' } })).json();
    expect(o).toMatchObject({
      object: 'list',
      data: expect.arrayContaining([expect.objectContaining({ object: 'model' })]),
    });
    const a = await (
      await fetch(`${up.url}/v1/models`, { headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } })
    ).json();
    expect(a).toMatchObject({ has_more: false, first_id: 'gpt-5.4', last_id: 'claude-haiku-4-5' });
  });
});

describe('faults', () => {
  it('truncate: raw iteration ends quietly; only the helpers notice (see header comment)', async () => {
    up.fault({ kind: 'truncate' }); // everything but [DONE] / message_stop
    const o = await openaiText(await openai.chat.completions.create({ model: GPT, messages: user, stream: true }));
    expect(o).toMatchObject({ text: 'Hello from mock', finish: 'stop' });
    await expect(
      openai.chat.completions.stream({ model: GPT, messages: user }).finalChatCompletion(),
    ).resolves.toMatchObject({ choices: [{ finish_reason: 'stop' }] });

    const a = await anthropicText(
      await anthropic.messages.create({ model: CLAUDE, max_tokens: 64, messages: user, stream: true }),
    );
    expect(a.text).toBe('Hello from mock');
    expect(a.events).not.toContain('message_stop');
    await expect(
      anthropic.messages.stream({ model: CLAUDE, max_tokens: 64, messages: user }).finalMessage(),
    ).rejects.toThrow(/stream ended without producing a Message/);

    up.clearFaults();
    up.fault({ kind: 'truncate', afterChunks: 1 }); // also cuts the content and the finish chunk
    const cut = await openaiText(await openai.chat.completions.create({ model: GPT, messages: user, stream: true }));
    expect(cut).toMatchObject({ text: 'Hello', finish: undefined });
    await expect(openai.chat.completions.stream({ model: GPT, messages: user }).finalChatCompletion()).rejects.toThrow(
      /missing finish_reason/,
    );
    expect(last()).toMatchObject({ completed: true, aborted: false });
  });

  it('reset: the SDK stream throws "terminated" after the chunks already sent', async () => {
    up.fault({ kind: 'reset', afterChunks: 2, count: 1 });
    const seen: string[] = [];
    const err = await thrown(async () => {
      const stream = await openai.chat.completions.create({ model: GPT, messages: user, stream: true });
      for await (const c of stream) seen.push(c.choices[0]?.delta?.content ?? '');
    });
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('terminated');
    expect(seen.join('')).toBe('Hello from');
    expect(last()).toMatchObject({ completed: false, aborted: false, chunksSent: 2 });

    up.fault({ kind: 'reset', count: 1 }); // non-streaming: dropped before any byte
    const conn = await thrown(() => anthropic.messages.create({ model: CLAUDE, max_tokens: 10, messages: user }));
    expect(conn).toBeInstanceOf(Anthropic.APIConnectionError);
  });

  it('hang: an aborted client request is recorded as aborted', async () => {
    up.fault({ kind: 'hang', count: 1 });
    const ac = new AbortController();
    const pending = openai.chat.completions.create({ model: GPT, messages: user }, { signal: ac.signal });
    await up.waitFor((r) => r.fault === 'hang');
    ac.abort();
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    const r = await up.waitFor((r) => r.fault === 'hang' && r.aborted);
    expect(r).toMatchObject({ completed: false, status: undefined });
  });

  it('hangAfterChunks: sends n chunks then stalls until the client leaves', async () => {
    up.fault({ kind: 'hangAfterChunks', n: 2, count: 1 });
    const stream = await anthropic.messages.create({ model: CLAUDE, max_tokens: 64, messages: user, stream: true });
    let text = '';
    for await (const e of stream) {
      if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
      if (text === 'Hello from') break; // leaving the loop aborts the request
    }
    const r = await up.waitFor((r) => r.fault === 'hangAfterChunks' && r.aborted);
    expect(r.chunksSent).toBe(2);
  });

  it('slowHeaders delays the answer; match limits a fault to some requests', async () => {
    up.fault({ kind: 'slowHeaders', ms: 150, count: 1, match: { format: 'anthropic' } });
    const t0 = Date.now();
    await openai.chat.completions.create({ model: GPT, messages: user }); // not matched
    expect(Date.now() - t0).toBeLessThan(150);
    const t1 = Date.now();
    await anthropic.messages.create({ model: CLAUDE, max_tokens: 10, messages: user });
    expect(Date.now() - t1).toBeGreaterThanOrEqual(140);
  });

  it('paces chunks with firstChunkDelayMs and chunkDelayMs', async () => {
    up.reply(GPT, { chunks: ['a', 'b', 'c'], firstChunkDelayMs: 100, chunkDelayMs: 30 });
    const t0 = Date.now();
    const stream = await openai.chat.completions.create({ model: GPT, messages: user, stream: true });
    const headersAt = Date.now() - t0;
    const arrivals: number[] = [];
    for await (const c of stream) if (c.choices[0]?.delta?.content) arrivals.push(Date.now() - t0);
    // Headers and the role chunk come at once; the first token waits firstChunkDelayMs after them.
    expect(arrivals[0]! - headersAt).toBeGreaterThanOrEqual(70);
    expect(arrivals[0]).toBeGreaterThanOrEqual(95);
    expect(arrivals[2]! - arrivals[0]!).toBeGreaterThanOrEqual(55);
  });

  it('status faults take a custom body and headers, and can be limited to a path', async () => {
    up.fault({
      kind: 'status',
      status: 400,
      body: { error: { message: 'custom', type: 'invalid_request_error', param: null, code: 'x' } },
      headers: { 'x-custom': 'yes' },
      match: { path: '/v1/models' },
    });
    await openai.chat.completions.create({ model: GPT, messages: user }); // other path: untouched
    const err = await thrown(() => openai.models.list());
    expect(err).toMatchObject({ status: 400, code: 'x', message: '400 custom' });
    expect(err.headers.get('x-custom')).toBe('yes');
    up.clearFaults();
    await expect(openai.models.list()).resolves.toBeTruthy();
  });

  it('waitFor sees chunks as they are sent', async () => {
    up.reply(GPT, { chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 20 });
    const stream = await openai.chat.completions.create({ model: GPT, messages: user, stream: true });
    const done = openaiText(stream);
    const r = await up.waitFor((r) => r.chunksSent === 2);
    expect(r.completed).toBe(false);
    await done;
    expect(r).toMatchObject({ chunksSent: 4, completed: true });
  });

  it('close() ends hung requests instead of waiting for them', async () => {
    const own = await startMockUpstream();
    own.fault({ kind: 'hang' });
    const client = new OpenAI({ baseURL: own.openaiBaseUrl, apiKey: 'k', maxRetries: 0 });
    const pending = client.chat.completions.create({ model: GPT, messages: user });
    await own.waitFor(() => true);
    const t0 = Date.now();
    await own.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(own.requests[0]).toMatchObject({ aborted: false, completed: false });
  });
});

describe('raw wire', () => {
  it('frames OpenAI SSE as data lines separated by blank lines, ending with [DONE]', async () => {
    const res = await fetch(`${up.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: GPT, messages: user, stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text()).split('\n\n');
    expect(events.pop()).toBe('');
    expect(events.pop()).toBe('data: [DONE]');
    const first = JSON.parse(events[0]!.slice('data: '.length));
    expect(first).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion.chunk',
      model: GPT,
      system_fingerprint: expect.stringMatching(/^fp_/),
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    });
    expect(events.every((e) => e.startsWith('data: {'))).toBe(true);
  });

  it('frames Anthropic SSE as event + data pairs, with a ping after content_block_start', async () => {
    const res = await fetch(`${up.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: CLAUDE, max_tokens: 64, messages: user, stream: true }),
    });
    const names = (await res.text())
      .split('\n\n')
      .filter(Boolean)
      .map((e) => /^event: (\w+)\ndata: \{/.exec(e)?.[1]);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('requires api-version on Azure routes and a key everywhere', async () => {
    const noVersion = await fetch(`${up.url}/openai/deployments/d/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': 'k' },
      body: '{}',
    });
    expect(noVersion.status).toBe(404);
    expect(await noVersion.json()).toEqual({ error: { code: '404', message: 'Resource not found' } });
    // A key in the wrong header is no key: OpenAI reads only Authorization.
    const wrongHeader = await fetch(`${up.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'x-api-key': 'k' },
      body: JSON.stringify({ model: GPT, messages: user }),
    });
    expect(wrongHeader.status).toBe(401);
    expect(last()).toMatchObject({ authKey: 'k', authHeader: 'x-api-key' });
  });
});

describe('load and standalone', () => {
  it('serves 256 concurrent streams of 50 chunks', async () => {
    up.reply('bench', { chunks: Array.from({ length: 50 }, (_, i) => ` t${i}`) });
    const one = async () => {
      const res = await fetch(`${up.openaiBaseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'bench', messages: user, stream: true }),
      });
      const body = await res.text();
      return body.endsWith('data: [DONE]\n\n') && body.includes(' t49');
    };
    const t0 = Date.now();
    const ok = await Promise.all(Array.from({ length: 256 }, one));
    expect(ok.every(Boolean)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('runs as its own process and prints its URL as one JSON line', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/mocks/serve.ts', '--chunks', '4', '--chunk-delay-ms', '1'],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'k', maxRetries: 0 });
      const { text } = await openaiText(
        await client.chat.completions.create({ model: GPT, messages: user, stream: true }),
      );
      expect(text).toBe('tok0 tok1 tok2 tok3');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
