/**
 * `GET /v1/models` through the real daemon with the official `openai` SDK: it answers at once even
 * while a connection's endpoint never answers, fills in each connection's list in the background,
 * and carries what the catalog knows of each model (context window, capabilities).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

/** The dead connection's timeout: the daemon before this fix waited up to 3 s for its list on every call. */
const DEAD_TIMEOUT_MS = 8_000;

let env: Env;
let dead: MockUpstream;
let sdk: OpenAI;

type Entry = OpenAI.Models.Model & { context_window?: number; max_output_tokens?: number; capabilities?: string[] };

async function list(): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const m of sdk.models.list()) out.push(m as Entry);
  return out;
}

async function timed(): Promise<{ ms: number; ids: string[] }> {
  const started = performance.now();
  const entries = await list();
  return { ms: performance.now() - started, ids: entries.map((e) => e.id) };
}

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ models: ['gpt-4o', 'text-embedding-3-small', 'gpt-5.4'] });
  dead = await startMockUpstream({ validKeys: [KEYS.b] });
  dead.fault({ kind: 'hang' }); // reads every request, answers none
  await env.create({
    name: 'main',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-4o',
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
  sdk = new OpenAI({
    baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
    apiKey: env.daemon.info.token,
    maxRetries: 0,
    timeout: 20_000,
  });
});
afterAll(async () => {
  await env?.teardown();
  await dead?.close();
  await cleanupDaemons();
});

describe('GET /v1/models', () => {
  it("fills in each connection's list in the background, then lists it with the catalog's facts", async () => {
    await expect
      .poll(async () => (await list()).map((e) => e.id), { timeout: 5000 })
      .toContain('main/text-embedding-3-small');
    const entries = await list();
    const byId = new Map(entries.map((e) => [e.id, e]));
    expect(byId.get('main/gpt-4o')).toMatchObject({
      object: 'model',
      owned_by: 'openai',
      context_window: 128_000,
      max_output_tokens: 16_384,
      capabilities: ['chat', 'tools', 'vision'],
    });
    expect(byId.get('gpt-4o')).toMatchObject({ context_window: 128_000 }); // the default connection's plain id
    expect(byId.get('main/text-embedding-3-small')).toMatchObject({
      context_window: 8_191,
      capabilities: ['embeddings'],
    });
    expect(byId.get('main/text-embedding-3-small')).not.toHaveProperty('max_output_tokens');
    expect(byId.get('claude/claude-haiku-4-5')).toMatchObject({
      owned_by: 'anthropic',
      context_window: 200_000,
      capabilities: expect.arrayContaining(['tools', 'reasoning']),
    });
    // Nothing is guessed for a model the catalog does not know.
    expect(byId.get('main/gpt-5.4')).toEqual({
      id: 'main/gpt-5.4',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'openai',
    });
    expect(entries.map((e) => e.id)).not.toContain('claude-haiku-4-5'); // plain ids only for the default connection
  });

  it("answers at once while a connection's endpoint never answers", async () => {
    await expect.poll(async () => (await list()).length, { timeout: 5000 }).toBeGreaterThan(4);
    const live = [];
    for (let i = 0; i < 5; i++) live.push((await timed()).ms);

    await env.create({
      name: 'dead',
      provider: 'openai',
      baseUrl: dead.openaiBaseUrl,
      apiKey: KEYS.b,
      defaultModel: 'gpt-4o-mini',
      maxRetries: 0,
      timeoutMs: DEAD_TIMEOUT_MS,
    });
    const withDead = [];
    for (let i = 0; i < 5; i++) {
      const { ms, ids } = await timed();
      withDead.push(ms);
      expect(ids).toContain('dead/gpt-4o-mini'); // its default model, until a list arrives
      expect(ids).toContain('main/gpt-4o');
    }
    // The daemon did ask the dead endpoint (in the background), once, and did not wait for it.
    const asked = await dead.waitFor((r) => r.path === '/v1/models');
    expect(asked.completed).toBe(false);
    expect(dead.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);
    // Generous bounds: far under the dead connection's timeout, and within a wide margin of a live-only list.
    const slowest = Math.max(...withDead);
    expect(slowest).toBeLessThan(DEAD_TIMEOUT_MS / 8);
    expect(slowest).toBeLessThan(Math.max(...live) * 5 + 200);
  });
});
