import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestResult, TestStage } from '../../../shared/protocol';
import { findBuiltIn } from '../../../daemon/catalog/builtInProviders';
import { adapterFor } from '../../../daemon/providers/registry';
import type { ResolvedConnection } from '../../../daemon/providers/adapter';
import { testConnection } from '../../../daemon/connectionTests/connectionTester';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { definedOnly, type Loose } from '../../../shared/definedOnly';

const GOOD_KEY = 'sk-good-test-0123456789abcdef';
const BAD_KEY = 'sk-bad-test-fedcba9876543210zz';
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-ghost', 'claude-haiku-4-5'];

let up: MockUpstream;
beforeAll(async () => {
  up = await startMockUpstream({ validKeys: [GOOD_KEY], models: MODELS, missingModels: ['gpt-ghost'] });
});
afterAll(() => up.close());
beforeEach(() => up.reset());

function openai(over: Partial<Loose<ResolvedConnection>> = {}): ResolvedConnection {
  return definedOnly<Loose<ResolvedConnection>>({
    id: 'conn_t',
    name: 'Test',
    provider: findBuiltIn('openai')!,
    baseUrl: up.openaiBaseUrl,
    apiKey: GOOD_KEY,
    timeoutMs: 5000,
    maxRetries: 0,
    ...over,
  });
}

function run(
  conn: ResolvedConnection,
  opts: { defaultModel?: string; completion?: boolean; slowMs?: number } = {},
): Promise<TestResult> {
  return testConnection(conn, { adapter: adapterFor(conn.provider), ...opts });
}

function stage(result: TestResult, name: TestStage['name']): TestStage {
  return result.stages.find((s) => s.name === name)!;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('testConnection', () => {
  it('reports ok for a good connection, with every stage in order and the models it found', async () => {
    const result = await run(openai(), { defaultModel: 'gpt-4o-mini' });
    expect(result.status).toBe('ok');
    expect(result.stages.map((s) => s.name)).toEqual([
      'connectivity',
      'authentication',
      'models',
      'latency',
      'completion',
    ]);
    expect(result.stages.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'skipped']);
    expect(stage(result, 'completion').reason).toBe('not requested');
    expect(stage(result, 'models').reason).toContain('4 models');
    expect(result.models).toEqual(MODELS);
    expect(result.summary).toMatch(/^Works: 4 models, \d+ ms$/);
    for (const s of result.stages.slice(0, 4)) expect(s.ms).toEqual(expect.any(Number));
    expect(Date.parse(result.testedAt)).not.toBeNaN();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('tests an Anthropic connection through its own wire format', async () => {
    const conn = openai({ provider: findBuiltIn('anthropic')!, baseUrl: up.anthropicBaseUrl });
    const result = await run(conn, { defaultModel: 'claude-haiku-4-5', completion: true });
    expect(result.status).toBe('ok');
    expect(stage(result, 'completion').status).toBe('ok');
    expect(up.requests.some((r) => r.format === 'anthropic' && r.path === '/v1/models')).toBe(true);
  });

  it('fails authentication for a rejected key, links the provider docs and never shows the key', async () => {
    const result = await run(openai({ apiKey: BAD_KEY }), { defaultModel: 'gpt-4o-mini', completion: true });
    expect(result.status).toBe('error');
    expect(result.summary).toBe('Key rejected (401)');
    const auth = stage(result, 'authentication');
    expect(auth.status).toBe('error');
    expect(auth.reason).toContain('The key was rejected (401). Check it at https://platform.openai.com/api-keys.');
    expect(stage(result, 'models').status).toBe('skipped');
    expect(stage(result, 'completion').status).toBe('skipped');
    // No green latency stage beside a refused key (#17 item 9).
    expect(stage(result, 'latency')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/^not measured: the credentials were not accepted/),
    });
    const text = JSON.stringify(result);
    expect(text).not.toContain(BAD_KEY);
    expect(text).not.toContain(BAD_KEY.slice(3, 15));
    expect(up.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0);
  });

  it('fails authentication without calling the provider when a key is required and missing', async () => {
    const result = await run(openai({ apiKey: undefined }));
    expect(stage(result, 'connectivity').status).toBe('ok');
    expect(stage(result, 'authentication')).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/^No API key .*https:\/\/platform\.openai\.com\/api-keys/),
    });
    expect(stage(result, 'models').status).toBe('skipped');
    expect(result.summary).toBe('No API key');
    expect(stage(result, 'latency').status).toBe('skipped');
    expect(up.requests).toHaveLength(0);
  });

  it('reports a refused port as a connectivity error and skips every later stage', async () => {
    const port = await closedPort();
    const result = await run(
      openai({ provider: findBuiltIn('ollama')!, apiKey: undefined, baseUrl: `http://127.0.0.1:${port}/v1` }),
      { completion: true },
    );
    expect(result.status).toBe('error');
    expect(stage(result, 'connectivity')).toMatchObject({
      status: 'error',
      reason: `Connection refused by 127.0.0.1:${port}: is the server (e.g. Ollama, LM Studio) running?`,
    });
    for (const name of ['authentication', 'models', 'latency', 'completion'] as const) {
      expect(stage(result, name)).toMatchObject({ status: 'skipped', reason: 'skipped: not reachable' });
    }
    expect(result.summary).toBe('Unreachable: connection refused');
    expect(result.models).toBeUndefined();
  });

  it('reports a host that does not resolve as a DNS failure', async () => {
    const result = await run(openai({ baseUrl: 'https://nonexistent.invalid/v1' }));
    expect(result.status).toBe('error');
    expect(stage(result, 'connectivity').reason).toMatch(
      /^DNS lookup of nonexistent\.invalid failed .*(check the base URL|DNS settings)/,
    );
    expect(stage(result, 'authentication').reason).toBe('skipped: not reachable');
  });

  it('warns when the default model is not offered, naming what is', async () => {
    const result = await run(openai(), { defaultModel: 'gpt-9-turbo' });
    expect(result.status).toBe('warning');
    expect(stage(result, 'models')).toMatchObject({
      status: 'warning',
      reason:
        'default model gpt-9-turbo is not offered by this connection; available: gpt-4o-mini, gpt-4o, gpt-ghost, claude-haiku-4-5',
    });
    expect(result.summary).toMatch(/^Works, but default model gpt-9-turbo not offered \(4 models, \d+ ms\)$/);
  });

  it('passes a working connection with no default model yet, suggesting the listed ones (not a warning)', async () => {
    const result = await run(openai());
    expect(stage(result, 'models')).toMatchObject({
      status: 'ok',
      reason: expect.stringContaining('no default model yet: pick one of gpt-4o-mini'),
    });
    expect(result.status).toBe('ok');
    expect(result.summary).toMatch(/^Works: 4 models/);
  });

  it('warns about a server without a models endpoint but does not blame the key', async () => {
    up.fault({ kind: 'status', status: 404, match: { path: '/v1/models' } });
    const result = await run(openai(), { defaultModel: 'gpt-4o-mini' });
    expect(stage(result, 'authentication').status).toBe('ok');
    expect(stage(result, 'models')).toMatchObject({
      status: 'warning',
      reason: expect.stringMatching(/^this server has no models endpoint; type the model name/),
    });
    expect(result.status).toBe('warning');
  });

  it('reports a failing models endpoint as a models error, without retrying', async () => {
    up.fault({ kind: 'status', status: 500, match: { path: '/v1/models' } });
    const result = await run(openai({ maxRetries: 2 }), { defaultModel: 'gpt-4o-mini' });
    expect(up.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);
    expect(stage(result, 'authentication').status).toBe('skipped');
    expect(stage(result, 'models')).toMatchObject({ status: 'error', reason: expect.stringContaining('500') });
  });

  it('warns when the models request is slower than slowMs', async () => {
    up.fault({ kind: 'slowHeaders', ms: 250, match: { path: '/v1/models' } });
    const result = await run(openai(), { defaultModel: 'gpt-4o-mini', slowMs: 100 });
    expect(stage(result, 'latency')).toMatchObject({
      status: 'warning',
      reason: expect.stringMatching(/^slow: 0\.[2-9] s for the models request/),
    });
    expect(result.status).toBe('warning');
    expect(result.summary).toMatch(/^Works, but slow: /);
  });

  it('sends a tiny completion when asked, with a small token limit', async () => {
    const result = await run(openai(), { defaultModel: 'gpt-4o-mini', completion: true });
    expect(stage(result, 'completion')).toMatchObject({
      status: 'ok',
      reason: expect.stringMatching(/^gpt-4o-mini answered in \d+ ms/),
    });
    const chat = up.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect(chat.params.max_completion_tokens ?? chat.params.max_tokens).toBe(16);
    expect(result.status).toBe('ok');
  });

  it('accepts a completion cut short by the token limit', async () => {
    up.reply('gpt-4o-mini', { chunks: Array.from({ length: 40 }, (_, i) => `w${i} `) });
    const result = await run(openai(), { defaultModel: 'gpt-4o-mini', completion: true });
    expect(stage(result, 'completion').status).toBe('ok');
  });

  it('reports a completion to a model the server does not have as a completion error', async () => {
    const result = await run(openai(), { defaultModel: 'gpt-ghost', completion: true });
    expect(stage(result, 'models').status).toBe('ok');
    expect(stage(result, 'completion')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('gpt-ghost'),
    });
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/^Completion failed: /);
  });

  it('rejects only when its own signal aborts', async () => {
    up.fault({ kind: 'hang', match: { path: '/v1/models' } });
    const controller = new AbortController();
    const pending = testConnection(openai(), {
      adapter: adapterFor(findBuiltIn('openai')!),
      signal: controller.signal,
    });
    await up.waitFor((r) => r.path === '/v1/models');
    controller.abort();
    await expect(pending).rejects.toBeDefined();
  });
});
