import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor, clearClients, DEFAULT_MAX_TOKENS } from '../../../daemon/providers/registry';
import { findBuiltIn } from '../../../daemon/catalog/builtInProviders';
import { SAMPLING_API_VERSION } from '../../../daemon/providers/anthropicAdapter';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { chat, collect, GOOD_KEY, makeConn, rateLimitInfoOf } from './helpers';

const anthropic = adapterFor(findBuiltIn('anthropic')!);
let up: MockUpstream;

beforeAll(async () => {
  up = await startMockUpstream({ validKeys: [GOOD_KEY] });
});
afterAll(() => up.close());
afterEach(() => {
  up.reset();
  clearClients();
  delete process.env['ANTHROPIC_CUSTOM_HEADERS'];
});

describe('anthropic adapter', () => {
  it('streams the text in order, then usage and the finish reason, after the rate limits', async () => {
    up.reply('claude-sonnet-4-5', { chunks: ['Bonjour', ', ', 'le', ' monde'], usage: { input: 12, output: 4 } });
    const { chunks, text, error } = await collect(
      anthropic,
      makeConn('anthropic', up.anthropicBaseUrl),
      chat('claude-sonnet-4-5'),
    );
    expect(error).toBeUndefined();
    expect(text).toBe('Bonjour, le monde');
    expect(chunks[0]?.type).toBe('rateLimits');
    expect(rateLimitInfoOf(chunks[0])).toMatchObject({ requestsLimit: 10_000, tokensLimit: 2_000_000 });
    expect(chunks.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 4 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('puts the system prompt and any system messages in the top-level system field', async () => {
    await collect(
      anthropic,
      makeConn('anthropic', up.anthropicBaseUrl),
      chat('claude-sonnet-4-5', {
        messages: [
          { role: 'system', content: 'Answer in French.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Salut' },
          { role: 'user', content: 'Again' },
        ],
        options: { system: 'Be brief.', stop: ['END'] },
      }),
    );
    const p = up.requests[0]!.params;
    expect(p.system).toBe('Be brief.\n\nAnswer in French.');
    expect(p.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Salut' },
      { role: 'user', content: 'Again' },
    ]);
    expect(p.stop_sequences).toEqual(['END']);
  });

  it(`sends max_tokens ${DEFAULT_MAX_TOKENS} when none is given, and the given value otherwise`, async () => {
    const conn = makeConn('anthropic', up.anthropicBaseUrl);
    await collect(anthropic, conn, chat('claude-sonnet-4-5'));
    const { chunks } = await collect(anthropic, conn, chat('claude-sonnet-4-5', { options: { maxTokens: 2 } }));
    expect(up.requests[0]!.params.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(up.requests[1]!.params.max_tokens).toBe(2);
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });

  it('sends temperature and top_p under the API version that still accepts them', async () => {
    const conn = makeConn('anthropic', up.anthropicBaseUrl);
    await collect(anthropic, conn, chat('claude-sonnet-4-5', { options: { temperature: 0.2, topP: 0.8 } }));
    await collect(anthropic, conn, chat('claude-sonnet-4-5'));
    const [withSampling, without] = up.requests;
    expect(withSampling!.params).toMatchObject({ temperature: 0.2, top_p: 0.8 });
    expect(withSampling!.headers['anthropic-version']).toBe(SAMPLING_API_VERSION);
    expect(without!.params.temperature).toBeUndefined();
    expect(without!.headers['anthropic-version']).toBeDefined();
    expect(without!.headers['anthropic-version']).not.toBe(SAMPLING_API_VERSION);
  });

  it('sends the key in x-api-key only, never as a bearer token or in the URL', async () => {
    await collect(anthropic, makeConn('anthropic', up.anthropicBaseUrl), chat('claude-sonnet-4-5'));
    const r = up.requests[0]!;
    expect(r.authHeader).toBe('x-api-key');
    expect(r.headers['x-api-key']).toBe(GOOD_KEY);
    expect(r.headers['authorization']).toBeUndefined();
    expect(r.path + JSON.stringify(r.query)).not.toContain(GOOD_KEY);
  });

  it('sends the extra headers of the connection, not ANTHROPIC_CUSTOM_HEADERS', async () => {
    process.env['ANTHROPIC_CUSTOM_HEADERS'] = 'X-Leak: secret-value';
    await collect(
      anthropic,
      makeConn('anthropic', up.anthropicBaseUrl, { headers: { 'anthropic-beta': 'feature-x' } }),
      chat('claude-sonnet-4-5'),
    );
    const h = up.requests[0]!.headers;
    expect(h['anthropic-beta']).toBe('feature-x');
    expect(h['x-leak']).toBeUndefined();
  });

  it('sends no credential to a keyless Anthropic-compatible server', async () => {
    const provider = { ...findBuiltIn('anthropic')!, id: 'local-claude', requiresKey: false, builtIn: false };
    await collect(
      anthropic,
      makeConn('anthropic', up.anthropicBaseUrl, { provider, apiKey: undefined }),
      chat('claude-sonnet-4-5'),
    );
    const r = up.requests[0]!;
    expect(r.authHeader).toBeUndefined();
    expect(JSON.stringify(r.headers)).not.toContain('switchboard-no-key');
  });

  it('lists every page of models with display names', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `claude-test-${i}`);
    const saved = up.models;
    up.models = ids;
    try {
      const models = await anthropic.listModels(
        makeConn('anthropic', up.anthropicBaseUrl),
        new AbortController().signal,
      );
      expect(models.map((m) => m.id)).toEqual(ids);
      expect(models[0]).toMatchObject({ displayName: 'Claude Test 0', created: '2025-09-29T00:00:00.000Z' });
    } finally {
      up.models = saved;
    }
  });
});
