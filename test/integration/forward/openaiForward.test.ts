/**
 * POST /v1/chat/completions forwarded to OpenAI-format connections: the client's body reaches the
 * upstream byte for byte but for `model`, the answer's bytes come back as the upstream sent them,
 * and the daemon still records usage, maps errors (keys scrubbed), enforces limits, falls back
 * before the first byte and stops the upstream when the client leaves. Driven by the official
 * `openai` SDK and by raw HTTP, against the mock upstream.
 */
import OpenAI, { APIError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageGet, type Connection } from '../../../shared/protocol';
import { HOP_HEADER } from '../../../daemon/loopGuard';
import { cleanupDaemons, ensureBuilt, KEYS, setup, sleep, type Env } from '../chat/harness';

let env: Env;
let main: Connection;
let sdk: OpenAI;
let base: string;

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['Hi', ' there'], usage: { input: 9, output: 2 } } });
  main = await env.create({
    name: 'main',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
    organization: 'org-forward',
  });
  base = `http://127.0.0.1:${env.daemon.info.port}/v1`;
  sdk = new OpenAI({ baseURL: base, apiKey: env.daemon.info.token, maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

/** POSTs a raw body to the daemon; returns status, headers and the body text as received. */
async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.daemon.info.token}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const head = {
  id: 'chatcmpl-tools',
  object: 'chat.completion.chunk',
  created: 1_760_000_000,
  model: 'gpt-5.4-2026-01-01',
  system_fingerprint: 'fp_x',
};
const frame = (data: object) => `data: ${JSON.stringify(data)}\n\n`;
const delta = (d: object, finish: string | null = null) =>
  frame({
    ...head,
    choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }],
    usage: null,
    obfuscation: 'x1',
  });
const USAGE = {
  prompt_tokens: 31,
  completion_tokens: 17,
  total_tokens: 48,
  prompt_tokens_details: { cached_tokens: 8 },
  completion_tokens_details: { reasoning_tokens: 4 },
};
const usageFrame = frame({ ...head, choices: [], usage: USAGE });

/**
 * What the client's SDK reads of the upstream's head comes through (request id, processing time,
 * rate limits); what is about the connection's account or version does not.
 */
function expectRelayedHeaders(headers: Headers): void {
  expect(headers.get('x-request-id')).toMatch(/\S/);
  expect(headers.get('openai-processing-ms')).toBe('1');
  expect(headers.get('x-ratelimit-limit-requests')).toMatch(/^\d+$/);
  expect(headers.get('x-ratelimit-reset-tokens')).toBe('6m0s');
  expect(headers.get('openai-organization')).toBeNull();
  expect(headers.get('openai-version')).toBeNull();
}

/** Two parallel tool calls whose arguments arrive in many small pieces, interleaved. */
function toolCallFrames(): string[] {
  const args = ['{"city":"Paris","unit":"celsius"}', '{"city":"Tōkyō 東京","days":[1,2,3]}'];
  const frames = [
    delta({ role: 'assistant', content: null, refusal: null }),
    delta({
      tool_calls: [{ index: 0, id: 'call_A', type: 'function', function: { name: 'get_weather', arguments: '' } }],
    }),
    delta({
      tool_calls: [{ index: 1, id: 'call_B', type: 'function', function: { name: 'get_forecast', arguments: '' } }],
    }),
  ];
  const pieces = args.map((a) => a.match(/.{1,3}/gsu)!);
  for (let i = 0; i < Math.max(...pieces.map((p) => p.length)); i++) {
    for (const call of [0, 1]) {
      const piece = pieces[call]![i];
      if (piece !== undefined) frames.push(delta({ tool_calls: [{ index: call, function: { arguments: piece } }] }));
    }
  }
  frames.push(delta({}, 'tool_calls'), usageFrame, 'data: [DONE]\n\n');
  return frames;
}

describe('forwarding to an OpenAI-format connection', () => {
  it("sends the client body byte for byte but for model, with the connection's credentials and no daemon token", async () => {
    // What no SDK would produce: spacing, a big integer, 1.0, escapes, raw multi-byte characters, unknown fields at every level.
    const body =
      '{ "model" : "main/gpt-5.4",\n  "messages": [{"role": "user", "content": "caf\\u00e9 \\"quoted\\" 東京 🙂", "x_vendor": {"deep": [1.0, 2e3]}}],\n  "seed": 123456789012345678901,\n  "temperature": 1.0, "reasoning_effort": "high", "logit_bias": {"50256": -100}, "user": "u-1",\n  "response_format": {"type": "json_schema", "json_schema": {"name": "x", "strict": true, "schema": {"type": "object"}}},\n  "some_future_field": {"enabled": true} }';
    const reply = await post('/chat/completions', body);
    expect(reply.status).toBe(200);
    const [upstream] = env.chats();
    expect(upstream!.rawBody).toBe(body.replace('"main/gpt-5.4"', '"gpt-5.4"'));
    expect(upstream!.headers['authorization']).toBe(`Bearer ${KEYS.a}`);
    expect(upstream!.headers['openai-organization']).toBe('org-forward');
    expect(upstream!.headers[HOP_HEADER]).toBe('1');
    expect(JSON.stringify(upstream!.headers)).not.toContain(env.daemon.info.token);
  });

  it('passes what the openai SDK sends — tools, tool_choice, parallel_tool_calls, vendor fields — unchanged', async () => {
    let sent = '';
    const recording = new OpenAI({
      baseURL: base,
      apiKey: env.daemon.info.token,
      maxRetries: 0,
      fetch: async (url, init) => ((sent = String(init?.body)), fetch(url, init)),
    });
    const params = {
      model: 'main/gpt-5.4',
      messages: [
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: 'weather?' },
            { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
      tools: [
        {
          type: 'function' as const,
          function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        },
      ],
      tool_choice: 'auto' as const,
      parallel_tool_calls: true,
      stream: true as const,
      stream_options: { include_usage: true },
      vendor_extension: { a: [1, { b: null }] },
    };
    for await (const _ of await recording.chat.completions.create(params as OpenAI.ChatCompletionCreateParamsStreaming))
      void _;
    expect(env.chats()[0]!.rawBody).toBe(sent.replace('"model":"main/gpt-5.4"', '"model":"gpt-5.4"'));
  });

  it('relays parallel tool calls streamed in many pieces intact and in order, hiding the usage chunk it asked for and recording usage', async () => {
    const frames = toolCallFrames();
    env.up.reply('gpt-5.4', { chunks: [], frames });
    const before = (await env.client.request(UsageGet, { connectionId: main.id })).totals;
    const reply = await post(
      '/chat/completions',
      JSON.stringify({
        model: 'main',
        stream: true,
        messages: [{ role: 'user', content: 'weather in Paris and Tokyo' }],
        tools: [],
      }),
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expectRelayedHeaders(reply.headers);
    expect(reply.headers.get('cache-control')).toBe('no-cache');
    expect(reply.headers.get('x-accel-buffering')).toBe('no');
    // Every byte the upstream sent, in order, but the usage chunk the client did not ask for.
    expect(reply.text).toBe(frames.filter((f) => f !== usageFrame).join(''));
    expect(env.chats()[0]!.body.stream_options).toEqual({ include_usage: true });

    const after = (await env.client.request(UsageGet, { connectionId: main.id })).totals;
    expect([
      after.inputTokens - before.inputTokens,
      after.outputTokens - before.outputTokens,
      after.errors - before.errors,
    ]).toEqual([31, 17, 0]);
  });

  it('gives the SDK the tool calls whole, and the usage chunk when the client asked for it', async () => {
    env.up.reply('gpt-5.4', { chunks: [], frames: toolCallFrames() });
    const stream = await sdk.chat.completions.create({
      model: 'main',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'x' }],
    });
    const calls: Array<{ id?: string; name?: string; args: string }> = [];
    let finish: string | null = null;
    let usage: unknown;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      finish = choice?.finish_reason ?? finish;
      for (const call of choice?.delta.tool_calls ?? []) {
        const slot = (calls[call.index] ??= { args: '' });
        if (call.id) slot.id = call.id;
        if (call.function?.name) slot.name = call.function.name;
        slot.args += call.function?.arguments ?? '';
      }
    }
    expect(calls).toEqual([
      { id: 'call_A', name: 'get_weather', args: '{"city":"Paris","unit":"celsius"}' },
      { id: 'call_B', name: 'get_forecast', args: '{"city":"Tōkyō 東京","days":[1,2,3]}' },
    ]);
    expect(JSON.parse(calls[1]!.args)).toEqual({ city: 'Tōkyō 東京', days: [1, 2, 3] });
    expect(finish).toBe('tool_calls');
    expect(usage).toMatchObject(USAGE);
    expect(env.chats()[0]!.body.stream_options).toEqual({ include_usage: true });
  });

  it('relays a whole answer as sent and records its usage', async () => {
    const answer = JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-5.4',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
      vendor: { kept: true },
    });
    env.up.reply('gpt-5.4-mini', { chunks: [], answer });
    const before = (await env.client.request(UsageGet, { connectionId: main.id })).totals;
    const reply = await post(
      '/chat/completions',
      JSON.stringify({ model: 'main/gpt-5.4-mini', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(reply.text).toBe(answer);
    expectRelayedHeaders(reply.headers);
    expect(reply.headers.get('content-length')).toBe(String(Buffer.byteLength(answer)));
    expect(reply.headers.get('x-accel-buffering')).toBeNull();
    const after = (await env.client.request(UsageGet, { connectionId: main.id })).totals;
    expect(after.inputTokens - before.inputTokens).toBe(5);
    expect(after.outputTokens - before.outputTokens).toBe(6);
  });
});

describe('forwarded errors', () => {
  it('relays an upstream 400 as the upstream sent it, so the SDK sees its own error', async () => {
    env.up.fault({
      kind: 'status',
      status: 400,
      count: 1,
      body: {
        error: {
          message: "Invalid value for 'tool_choice'.",
          type: 'invalid_request_error',
          param: 'tool_choice',
          code: 'invalid_value',
        },
      },
    });
    const error = await sdk.chat.completions
      .create({ model: 'main', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('tool_choice');
    expect((error as BadRequestError).code).toBe('invalid_value');
  });

  it('maps a 429 to RateLimitError with retry-after, a 500 to 502, and a rejected key to 502 without the key', async () => {
    env.up.fault({ kind: 'status', status: 429, count: 1, retryAfterS: 7 });
    const limited = await sdk.chat.completions
      .create({ model: 'main', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers?.get('retry-after')).toBe('7');

    env.up.fault({ kind: 'status', status: 500, count: 1 });
    expect(
      await sdk.chat.completions
        .create({ model: 'main', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e),
    ).toBeInstanceOf(InternalServerError);

    env.up.validKeys.delete(KEYS.a);
    try {
      const reply = await post(
        '/chat/completions',
        JSON.stringify({ model: 'main', messages: [{ role: 'user', content: 'x' }] }),
      );
      expect(reply.status).toBe(502);
      expect(reply.text).toMatch(/rejected the key/);
      expect(reply.text).not.toContain(KEYS.a);
      expect(reply.text).not.toContain(KEYS.a.slice(-12));
    } finally {
      env.up.validKeys.add(KEYS.a);
    }
  });

  it('passes a mid-stream error event on with the key scrubbed, and records the request as failed', async () => {
    const leak = frame({
      error: { message: `upstream exploded while using ${KEYS.a}`, type: 'server_error', code: null },
    });
    env.up.reply('gpt-5.4', {
      chunks: [],
      frames: [delta({ role: 'assistant', content: '' }), delta({ content: 'partial' }), leak],
    });
    const before = (await env.client.request(UsageGet, { connectionId: main.id })).totals;
    const reply = await post(
      '/chat/completions',
      JSON.stringify({ model: 'main', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(reply.text).toContain('partial');
    expect(reply.text).toContain('upstream exploded');
    expect(reply.text).not.toContain(KEYS.a);
    expect(reply.text).not.toContain('[DONE]');
    const error = await (async () => {
      env.up.reply('gpt-5.4', { chunks: [], frames: [delta({ content: 'partial' }), leak] });
      try {
        for await (const _ of await sdk.chat.completions.create({
          model: 'main',
          stream: true,
          messages: [{ role: 'user', content: 'x' }],
        }))
          void _;
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(APIError);
    const after = (await env.client.request(UsageGet, { connectionId: main.id })).totals;
    expect(after.errors - before.errors).toBe(2);
  });

  it('ends a stream cut before its terminator with an error event', async () => {
    env.up.fault({ kind: 'truncate', afterChunks: 1 });
    const reply = await post(
      '/chat/completions',
      JSON.stringify({ model: 'main', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(reply.text).toMatch(/data: \{"error":\{"message":"The answer from main ended without its terminator/);
    expect(reply.text).not.toContain('[DONE]');
  });
});

describe('the same machinery as every chat', () => {
  it('stops the upstream request when the client goes away mid-stream', async () => {
    env.up.reply('gpt-5.4', { chunks: Array.from({ length: 100 }, (_, i) => `t${i} `), chunkDelayMs: 30 });
    const abort = new AbortController();
    const stream = await sdk.chat.completions.create(
      { model: 'main', messages: [{ role: 'user', content: 'x' }], stream: true },
      { signal: abort.signal },
    );
    let got = 0;
    for await (const chunk of stream) if (chunk.choices[0]?.delta?.content && ++got === 2) abort.abort();
    const upstream = await env.up.waitFor((r) => r.aborted, 2000);
    expect(upstream.chunksSent).toBeLessThan(100);
  });

  it('falls back before the first byte: to a same-format connection by forwarding, to an Anthropic one by translating', async () => {
    const backup = await env.create({
      name: 'backup-openai',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.b,
      defaultModel: 'gpt-5.4-mini',
      maxRetries: 0,
    });
    const claude = await env.create({
      name: 'backup-claude',
      provider: 'anthropic',
      baseUrl: env.up.anthropicBaseUrl,
      apiKey: KEYS.ant,
      defaultModel: 'claude-sonnet-4-6',
      maxRetries: 0,
    });
    const first = await env.create({
      name: 'flaky',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      fallbacks: [backup.id, claude.id],
    });
    env.up.fault({ kind: 'status', status: 503, count: 1, match: { model: 'gpt-5.4' } });
    const viaForward = await sdk.chat.completions.create({
      model: 'flaky',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(viaForward.choices[0]!.message.content).toBe('Hi there');
    expect(env.chats().map((r) => [r.path, r.model, r.authKey])).toEqual([
      ['/v1/chat/completions', 'gpt-5.4', KEYS.a],
      ['/v1/chat/completions', 'gpt-5.4-mini', KEYS.b],
    ]);

    env.up.reset();
    env.up.fault({ kind: 'status', status: 503, match: { format: 'openai' } });
    const stream = await sdk.chat.completions.create({
      model: 'flaky',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    env.up.clearFaults();
    expect(text).toBe('Hi there');
    expect(env.chats().map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions', '/v1/messages']);
    expect(first.fallbacks).toEqual([backup.id, claude.id]);
  });

  it("enforces the connection's capacity limit on forwarded requests", async () => {
    await env.create({
      name: 'capped',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      capacity: [{ period: 'hour', requests: 1 }],
    });
    const body = JSON.stringify({ model: 'capped', messages: [{ role: 'user', content: 'x' }] });
    expect((await post('/chat/completions', body)).status).toBe(200);
    const refused = await post('/chat/completions', body);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text).error.message).toMatch(/capped/);
    expect(env.chats()).toHaveLength(1);
    await sleep(0);
  });
});
