/**
 * `POST /v1/responses` (OpenAI's Responses API, what Codex speaks) through the real daemon, driven
 * by the official `openai` SDK: forwarded as sent to the connections whose provider serves it
 * (OpenAI, Azure OpenAI's v1 API…), streamed `response.*` events relayed in order with usage read
 * from `response.completed`, translated for the others (responsesTranslated.test.ts), behind the
 * daemon's token, upstream errors mapped, usage recorded.
 */
import OpenAI, { AuthenticationError, RateLimitError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageGet, type Connection } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
let main: Connection;
let sdk: OpenAI;
let base: string;

const SCRIPT = ['Grüße', ' aus', ' dem', ' 🧪', ' mock'];
const responseCalls = () => env.up.requests.filter((r) => r.path.endsWith('/responses'));

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: SCRIPT, usage: { input: 11, output: 5 } } });
  main = await env.create({
    name: 'main',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5',
    maxRetries: 0,
    isDefault: true,
  });
  await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-haiku-4-5',
    maxRetries: 0,
  });
  await env.create({
    name: 'azure',
    provider: 'azure-openai',
    baseUrl: env.up.azureEndpoint,
    apiKey: KEYS.b,
    defaultModel: 'my-gpt5-deployment',
    maxRetries: 0,
  });
  base = `http://127.0.0.1:${env.daemon.info.port}/v1`;
  sdk = new OpenAI({ baseURL: base, apiKey: env.daemon.info.token, maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

describe('POST /v1/responses', () => {
  it('forwards a whole response: the SDK reads its text and usage, the upstream gets the body as sent with its model', async () => {
    const res = await sdk.responses.create({
      model: 'main/gpt-5',
      input: 'Say hello',
      instructions: 'Be brief.',
      store: false,
      reasoning: { effort: 'low' },
    });
    expect(res.output_text).toBe(SCRIPT.join(''));
    expect(res).toMatchObject({
      object: 'response',
      status: 'completed',
      usage: { input_tokens: 11, output_tokens: 5 },
    });
    const [call] = responseCalls();
    expect(call!.path).toBe('/v1/responses');
    expect(call!.authKey).toBe(KEYS.a);
    expect(call!.body).toEqual({
      model: 'gpt-5',
      input: 'Say hello',
      instructions: 'Be brief.',
      store: false,
      reasoning: { effort: 'low' },
    });
  });

  it("relays a stream's response.* events in order, ending with response.completed and its usage", async () => {
    const stream = await sdk.responses.create({ model: 'gpt-5', input: 'Say hello', stream: true });
    const types: string[] = [];
    const seqs: number[] = [];
    let text = '';
    let usage: OpenAI.Responses.ResponseUsage | undefined | null;
    for await (const event of stream) {
      types.push(event.type);
      seqs.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') usage = event.response.usage;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types.filter((t) => t === 'response.output_text.delta')).toHaveLength(SCRIPT.length);
    expect(seqs).toEqual(types.map((_, i) => i)); // nothing lost, nothing reordered
    expect(text).toBe(SCRIPT.join(''));
    expect(usage).toMatchObject({ input_tokens: 11, output_tokens: 5 });
  });

  it("works with the SDK's responses.stream() helper", async () => {
    const stream = sdk.responses.stream({ model: 'main', input: 'Say hello' });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(SCRIPT.join(''));
  });

  it("forwards to Azure OpenAI's v1 Responses API with the deployment as the model", async () => {
    const res = await sdk.responses.create({ model: 'azure', input: 'Say hello' });
    expect(res.output_text).toBe(SCRIPT.join(''));
    const [call] = responseCalls();
    expect(call!.path).toBe('/openai/v1/responses');
    expect(call!.authHeader).toBe('api-key');
    expect(call!.authKey).toBe(KEYS.b);
    expect(call!.body.model).toBe('my-gpt5-deployment');
  });

  it('translates for an Anthropic connection instead of refusing it (responsesTranslated.test.ts has the details)', async () => {
    const res = await sdk.responses.create({ model: 'claude', input: 'x' });
    expect(res.output_text).toBe(SCRIPT.join(''));
    expect(responseCalls()).toHaveLength(0);
    expect(env.chats().map((r) => r.path)).toEqual(['/v1/messages']);
  });

  it('requires the daemon token', async () => {
    const stranger = new OpenAI({ baseURL: base, apiKey: 'not-the-token', maxRetries: 0 });
    await expect(stranger.responses.create({ model: 'main', input: 'x' })).rejects.toBeInstanceOf(AuthenticationError);
    expect(env.up.requests).toHaveLength(0);
  });

  it('maps an upstream 429 to a RateLimitError, and passes on an error event mid-stream', async () => {
    env.up.fault({ kind: 'status', status: 429, count: 1 });
    await expect(sdk.responses.create({ model: 'main', input: 'x' })).rejects.toBeInstanceOf(RateLimitError);

    env.up.fault({ kind: 'streamError', afterChunks: 2, count: 1 });
    const stream = await sdk.responses.create({ model: 'main', input: 'x', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.filter((t) => t === 'response.output_text.delta')).toHaveLength(2);
    expect(types.at(-1)).toBe('error');
    expect(types).not.toContain('response.completed');
  });

  it('ends a stream cut before response.completed with an error event', async () => {
    env.up.fault({ kind: 'truncate', afterChunks: 1, count: 1 });
    const stream = await sdk.responses.create({ model: 'main', input: 'x', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const last = events.at(-1)!;
    expect(last.type).toBe('error');
    expect((last as OpenAI.Responses.ResponseErrorEvent).code).toBe('incomplete');
  });

  it('records usage from response.completed of a stream in the ledger', async () => {
    const tokens = async () =>
      (await env.client.request(UsageGet, { connectionId: main.id })).records
        .filter((r) => r.model === 'gpt-5-mini')
        .reduce((s, r) => s + r.inputTokens + r.outputTokens, 0);
    const before = await tokens();
    const stream = await sdk.responses.create({ model: 'main/gpt-5-mini', input: 'x', stream: true });
    for await (const event of stream) void event;
    await expect.poll(tokens).toBe(before + 16);
  });
});
