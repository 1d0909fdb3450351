/**
 * `POST /v1/embeddings` through the real daemon, driven by the official `openai` SDK: forwarded as
 * sent to OpenAI-format connections, refused with a 400 naming the connections that serve it for
 * providers that have none (Anthropic), behind the daemon's token, upstream errors mapped with the
 * key scrubbed, usage and cost recorded, capacity limits applied.
 */
import OpenAI, {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageGet, type Connection } from '../../../shared/protocol';
import { DEFAULT_DIMENSIONS, embeddingOf } from '../../mocks/embeddingsWire';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
let main: Connection;
let sdk: OpenAI;
let base: string;

const embeddingCalls = () => env.up.requests.filter((r) => r.path.endsWith('/embeddings'));

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ missingModels: ['no-such-embedder'] });
  main = await env.create({
    name: 'main',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
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
    name: 'local',
    provider: 'ollama',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.b,
    defaultModel: 'nomic-embed-text',
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

async function thrown(
  promise: Promise<unknown>,
): Promise<Error & { status?: number; error?: { message?: string; code?: string; param?: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected the call to fail');
}

describe('POST /v1/embeddings', () => {
  it('forwards to an OpenAI connection: the SDK gets the vectors, the upstream the body as sent with its own model and key', async () => {
    const res = await sdk.embeddings.create({
      model: 'main/text-embedding-3-small',
      input: ['hello', 'world'],
      user: 'u-42',
    });
    expect(res.data.map((d) => d.embedding)).toEqual([
      embeddingOf('hello', DEFAULT_DIMENSIONS),
      embeddingOf('world', DEFAULT_DIMENSIONS),
    ]);
    expect(res.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    const [call] = embeddingCalls();
    expect(call!.path).toBe('/v1/embeddings');
    expect(call!.authKey).toBe(KEYS.a);
    // Every field as the client sent it (the SDK's own base64 default included), only `model` replaced.
    expect(call!.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['hello', 'world'],
      user: 'u-42',
      encoding_format: 'base64',
    });
  });

  it('routes a plain model through the default connection, and a connection name to its default model', async () => {
    await sdk.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'x',
      encoding_format: 'float',
      dimensions: 3,
    });
    await sdk.embeddings.create({ model: 'local', input: 'y' });
    expect(embeddingCalls().map((r) => [r.body.model, r.authKey, r.body.dimensions])).toEqual([
      ['text-embedding-3-large', KEYS.a, 3],
      ['nomic-embed-text', KEYS.b, undefined],
    ]);
  });

  it('refuses an Anthropic connection with a 400 naming the connections that serve embeddings, before any upstream call', async () => {
    const error = await thrown(sdk.embeddings.create({ model: 'claude/claude-haiku-4-5', input: 'x' }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error?.message).toContain('connection "claude" (Anthropic) does not serve embeddings');
    expect(error.error?.message).toContain('Connections that do: main, local.');
    expect(error.error?.param).toBe('model');
    expect(env.up.requests).toHaveLength(0);
  });

  it('names the missing input field', async () => {
    const error = await thrown(sdk.embeddings.create({ model: 'main/text-embedding-3-small' } as never));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error).toMatchObject({ param: 'input' });
  });

  it('requires the daemon token', async () => {
    const stranger = new OpenAI({ baseURL: base, apiKey: 'not-the-token', maxRetries: 0 });
    await expect(
      stranger.embeddings.create({ model: 'main/text-embedding-3-small', input: 'x' }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    expect(env.up.requests).toHaveLength(0);
  });

  it("relays the upstream's own 404 for an unknown model, and maps a failure of the connection's key without leaking it", async () => {
    const missing = await thrown(sdk.embeddings.create({ model: 'main/no-such-embedder', input: 'x' }));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.error?.code).toBe('model_not_found');

    env.up.fault({ kind: 'status', status: 401, count: 1 });
    const denied = await thrown(sdk.embeddings.create({ model: 'main/text-embedding-3-small', input: 'x' }));
    expect(denied.status).toBe(502); // the caller is fine: the connection's key was refused
    expect(JSON.stringify(denied.error)).not.toContain(KEYS.a);

    env.up.fault({ kind: 'status', status: 500, count: 1 });
    await expect(sdk.embeddings.create({ model: 'main/text-embedding-3-small', input: 'x' })).rejects.toBeInstanceOf(
      InternalServerError,
    );
  });

  it('records the input tokens and their cost in the usage ledger', async () => {
    const before = await env.client.request(UsageGet, { connectionId: main.id });
    const row = (u: typeof before) => u.records.find((r) => r.model === 'text-embedding-3-small');
    const was = row(before) ?? { requests: 0, inputTokens: 0, costUsd: 0 };
    env.up.reply('text-embedding-3-small', { chunks: [], usage: { input: 50_000, output: 0 } });
    await sdk.embeddings.create({ model: 'main/text-embedding-3-small', input: 'priced' });
    await expect
      .poll(async () => {
        const now = row(await env.client.request(UsageGet, { connectionId: main.id }));
        return (
          now && {
            requests: now.requests - was.requests,
            inputTokens: now.inputTokens - was.inputTokens,
            costUsd: Math.round((now.costUsd - was.costUsd) * 1e9) / 1e9,
          }
        );
      })
      .toEqual({ requests: 1, inputTokens: 50_000, costUsd: 0.001 }); // $0.02 per million input tokens
  });

  it("applies the connection's capacity limit", async () => {
    await env.create({
      name: 'capped',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'text-embedding-3-small',
      maxRetries: 0,
      capacity: [{ period: 'minute', requests: 1 }] as never,
    });
    await sdk.embeddings.create({ model: 'capped', input: 'one' });
    await expect(sdk.embeddings.create({ model: 'capped', input: 'two' })).rejects.toBeInstanceOf(RateLimitError);
    expect(embeddingCalls()).toHaveLength(1);
  });
});
