import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor, AZURE_API_VERSION, clearClients } from '../../../daemon/providers/registry';
import { findBuiltIn } from '../../../daemon/catalog/builtInProviders';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { chat, collect, GOOD_KEY, makeConn, rateLimitInfoOf } from './helpers';

const openai = adapterFor(findBuiltIn('openai')!);
let up: MockUpstream;

beforeAll(async () => {
  up = await startMockUpstream({ validKeys: [GOOD_KEY] });
});
afterAll(() => up.close());
afterEach(() => {
  up.reset();
  clearClients();
  delete process.env['OPENAI_CUSTOM_HEADERS'];
  delete process.env['OPENAI_ORG_ID'];
});

describe('openai adapter', () => {
  it('streams the text in order, then usage and the finish reason, after the rate limits', async () => {
    up.reply('gpt-4o-mini', { chunks: ['One', ' two', ' three', ' four'] });
    const { chunks, text, error } = await collect(openai, makeConn('openai', up.openaiBaseUrl), chat('gpt-4o-mini'));
    expect(error).toBeUndefined();
    expect(text).toBe('One two three four');
    expect(chunks[0]?.type).toBe('rateLimits');
    const info = rateLimitInfoOf(chunks[0]);
    expect(info).toMatchObject({ requestsLimit: 10_000, tokensLimit: 2_000_000 });
    expect(Date.parse(info!.requestsReset!)).toBeGreaterThan(Date.now());
    const [usage] = chunks.slice(-2);
    expect(usage).toMatchObject({ type: 'usage', usage: { outputTokens: 4 } });
    expect(usage?.type === 'usage' && usage.usage.inputTokens).toBeGreaterThan(0);
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('maps the options: system message first, max_completion_tokens for OpenAI, stop, temperature, top_p', async () => {
    await collect(
      openai,
      makeConn('openai', up.openaiBaseUrl),
      chat('gpt-4o', {
        options: { system: 'Be brief.', maxTokens: 2, stop: ['END'], temperature: 0.3, topP: 0.9 },
      }),
    );
    const p = up.requests[0]!.params;
    expect(p.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(p.max_completion_tokens).toBe(2);
    expect(p.max_tokens).toBeUndefined();
    expect(p).toMatchObject({
      stop: ['END'],
      temperature: 0.3,
      top_p: 0.9,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('reports finish reason length when max tokens cut the answer', async () => {
    const { chunks, text } = await collect(
      openai,
      makeConn('openai', up.openaiBaseUrl),
      chat('gpt-4o', { options: { maxTokens: 2 } }),
    );
    expect(text).toBe('Hello from');
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });

  it('sends max_tokens to other OpenAI-compatible servers', async () => {
    await collect(openai, makeConn('groq', up.openaiBaseUrl), chat('llama', { options: { maxTokens: 5 } }));
    expect(up.requests[0]!.params.max_tokens).toBe(5);
    expect(up.requests[0]!.params.max_completion_tokens).toBeUndefined();
  });

  it('sends the key as a bearer token and never in the URL', async () => {
    await collect(openai, makeConn('openai', up.openaiBaseUrl), chat('gpt-4o'));
    const r = up.requests[0]!;
    expect(r.authHeader).toBe('authorization');
    expect(r.headers['authorization']).toBe(`Bearer ${GOOD_KEY}`);
    expect(r.path + JSON.stringify(r.query)).not.toContain(GOOD_KEY);
    expect(r.headers['x-api-key']).toBeUndefined();
  });

  it('sends the organization and the extra headers of the connection', async () => {
    const conn = makeConn('openai', up.openaiBaseUrl, {
      organization: 'org-123',
      headers: { 'X-Team': 'blue', 'HTTP-Referer': 'https://example.test' },
    });
    await collect(openai, conn, chat('gpt-4o'));
    const h = up.requests[0]!.headers;
    expect(h['openai-organization']).toBe('org-123');
    expect(h['x-team']).toBe('blue');
    expect(h['http-referer']).toBe('https://example.test');
  });

  it('does not forward OPENAI_CUSTOM_HEADERS or OPENAI_ORG_ID from the environment', async () => {
    process.env['OPENAI_CUSTOM_HEADERS'] = 'X-Leak: secret-value';
    process.env['OPENAI_ORG_ID'] = 'org-from-env';
    await collect(openai, makeConn('groq', up.openaiBaseUrl), chat('llama'));
    const h = up.requests[0]!.headers;
    expect(h['x-leak']).toBeUndefined();
    expect(h['openai-organization']).toBeUndefined();
  });

  it('sends no credential at all to a keyless server', async () => {
    await collect(openai, makeConn('ollama', up.openaiBaseUrl, { apiKey: undefined }), chat('llama3'));
    const r = up.requests[0]!;
    expect(r.authHeader).toBeUndefined();
    expect(r.headers['authorization']).toBeUndefined();
    expect(JSON.stringify(r.headers)).not.toContain('switchboard-no-key');
  });

  it('talks to Azure: deployment in the path, api-version, api-key header', async () => {
    up.reply('my-deployment', { chunks: ['Azure', ' says', ' hi'] });
    const conn = makeConn('azure-openai', up.azureEndpoint);
    const { chunks, text, error } = await collect(openai, conn, chat('my-deployment', { options: { maxTokens: 50 } }));
    expect(error).toBeUndefined();
    expect(text).toBe('Azure says hi');
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    const r = up.requests[0]!;
    expect(r.path).toBe('/openai/deployments/my-deployment/chat/completions');
    expect(r.query['api-version']).toBe(AZURE_API_VERSION);
    expect(r.authHeader).toBe('api-key');
    expect(r.headers['api-key']).toBe(GOOD_KEY);
    expect(r.headers['authorization']).toBeUndefined();
    expect(r.params.max_completion_tokens).toBe(50);
  });

  it.each([
    ['../../x', '/openai/deployments/..%2F..%2Fx/chat/completions'],
    [
      'a/../../../v1/chat/completions?x=',
      '/openai/deployments/a%2F..%2F..%2F..%2Fv1%2Fchat%2Fcompletions%3Fx%3D/chat/completions',
    ],
    ['dep#frag', '/openai/deployments/dep%23frag/chat/completions'],
  ])('sends the Azure deployment %j as one encoded path segment, key and all', async (model, path) => {
    const { error } = await collect(openai, makeConn('azure-openai', up.azureEndpoint), chat(model));
    expect(error).toBeUndefined();
    expect(up.requests.map((r) => r.path)).toEqual([path]);
    expect(up.requests[0]!.query).toEqual({ 'api-version': AZURE_API_VERSION });
    expect(up.requests[0]!.model).toBe(model);
  });

  it.each(['.', '..'])(
    'refuses the Azure deployment %j before sending anything (URL parsers resolve it)',
    async (model) => {
      const { error } = await collect(openai, makeConn('azure-openai', up.azureEndpoint), chat(model));
      expect(error).toMatchObject({ code: 'VALIDATION', data: { field: 'model' } });
      expect(up.requests).toHaveLength(0);
    },
  );

  it('uses the connection api version for Azure', async () => {
    await collect(
      openai,
      makeConn('azure-openai', `${up.azureEndpoint}/`, { apiVersion: '2025-04-01-preview' }),
      chat('dep'),
    );
    expect(up.requests[0]!.query['api-version']).toBe('2025-04-01-preview');
  });

  it('lists models with ISO creation times', async () => {
    const models = await openai.listModels(makeConn('openai', up.openaiBaseUrl), new AbortController().signal);
    expect(models.map((m) => m.id)).toEqual(up.models);
    expect(models[0]).toMatchObject({ ownedBy: 'system', created: new Date(1_715_367_049_000).toISOString() });
  });

  it('lists Azure models (created_at)', async () => {
    const models = await openai.listModels(makeConn('azure-openai', up.azureEndpoint), new AbortController().signal);
    expect(models.map((m) => m.id)).toEqual(up.models);
    expect(models[0]!.created).toBe(new Date(1_715_558_400_000).toISOString());
  });

  it('reuses the client of a connection until its settings change', async () => {
    const conn = makeConn('openai', up.openaiBaseUrl);
    await collect(openai, conn, chat('gpt-4o'));
    await collect(openai, { ...conn, headers: { 'X-Changed': '1' } }, chat('gpt-4o'));
    expect(up.requests[0]!.headers['x-changed']).toBeUndefined();
    expect(up.requests[1]!.headers['x-changed']).toBe('1');
  });
});
