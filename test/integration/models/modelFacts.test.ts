/**
 * Model facts the user corrects (`switchboard model-facts set|reset`, `modelFacts/*`) reach what
 * tools read: `GET /v1/models` (the openai SDK), `models/list` (VS Code's model picker bridge), and
 * stay in db.json. Real daemon, the built CLI, the mock upstream.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ModelFactsList, ModelFactsSet, ModelsList } from '../../../shared/protocol';
import { runCli } from '../../daemon/cli/cliHarness';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, type Env } from '../chat/harness';

let env: Env;
let connectionId: string;
let openai: OpenAI;
const cli = (args: string[]) => runCli(env.daemon.home, args);

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ models: ['gpt-4o', 'my-finetune-7b'] });
  connectionId = (
    await env.create({
      name: 'work',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-4o',
      allowedModels: ['gpt-4o', 'my-finetune-7b'],
    })
  ).id;
  openai = new OpenAI({
    baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
    apiKey: env.daemon.info.token,
    maxRetries: 0,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

const listed = async (id: string) =>
  (await openai.models.list()).data.find((m) => m.id === `work/${id}`) as Record<string, unknown> | undefined;
const picker = async (id: string) =>
  (await env.client.request(ModelsList, { connectionId, refresh: true })).models.find((m) => m.id === id);

it('a model the catalog does not know gets the facts the user sets, everywhere, until reset', async () => {
  expect(await listed('my-finetune-7b')).not.toHaveProperty('context_window');
  const set = await cli([
    'model-facts',
    'set',
    'openai',
    'my-finetune-7b',
    '--context',
    '32768',
    '--max-output',
    '4096',
    '--capabilities',
    'chat,tools',
    '--json',
  ]);
  expect(set.code, set.stderr).toBe(0);
  expect(set.json().facts).toEqual({
    provider: 'openai',
    model: 'my-finetune-7b',
    contextWindow: 32768,
    maxOutputTokens: 4096,
    capabilities: ['chat', 'tools'],
    source: 'user',
  });

  expect(await listed('my-finetune-7b')).toMatchObject({
    context_window: 32768,
    max_output_tokens: 4096,
    capabilities: ['chat', 'tools'],
  });
  expect(await picker('my-finetune-7b')).toMatchObject({
    contextWindow: 32768,
    maxOutputTokens: 4096,
    capabilities: ['chat', 'tools'],
  });
  const db = JSON.parse(readFileSync(join(env.daemon.home, 'db.json'), 'utf8'));
  expect(db.modelFacts).toEqual([
    expect.objectContaining({ provider: 'openai', model: 'my-finetune-7b', contextWindow: 32768 }),
  ]);

  const reset = await cli(['model-facts', 'reset', 'openai', 'my-finetune-7b']);
  expect(reset.code, reset.stderr).toBe(0);
  expect(reset.stdout).toContain('nothing is known of openai my-finetune-7b now');
  expect(await listed('my-finetune-7b')).not.toHaveProperty('context_window');
});

it("a field the user sets wins over the catalog's; the others stay the catalog's (also for dated variants)", async () => {
  const { facts } = await env.client.request(ModelFactsSet, {
    provider: 'openai',
    model: 'gpt-4o',
    facts: { maxOutputTokens: 8192 },
  });
  expect(facts).toMatchObject({ model: 'gpt-4o', contextWindow: 128_000, maxOutputTokens: 8192, source: 'user' });
  expect(await picker('gpt-4o')).toMatchObject({
    contextWindow: 128_000,
    maxOutputTokens: 8192,
    capabilities: expect.arrayContaining(['tools', 'vision']),
  });
  expect(await listed('gpt-4o')).toMatchObject({ context_window: 128_000, max_output_tokens: 8192 });

  const table = await cli(['model-facts', 'list', '--provider', 'openai']);
  expect(table.code, table.stderr).toBe(0);
  expect(table.stdout).toMatch(/openai\s+gpt-4o\s+128k\s+8\.2k\s+chat,tools,vision\s+user/);
  expect(table.stdout).toMatch(/openai\s+gpt-4o-mini\s+128k\s+16\.4k\s+chat,tools,vision\s+catalog/);

  await env.client.request(ModelFactsSet, { provider: 'openai', model: 'gpt-4o', facts: null });
  expect(await picker('gpt-4o')).toMatchObject({ maxOutputTokens: 16_384 });
});

it("lists every provider's facts, and refuses what makes no sense with a message saying what to do", async () => {
  const { facts } = await env.client.request(ModelFactsList, {});
  const providers = new Set(facts.map((f) => f.provider));
  for (const p of ['openai', 'azure-openai', 'anthropic', 'gemini', 'groq', 'mistral', 'deepseek', 'xai', 'cohere'])
    expect(providers, p).toContain(p);

  const unknown = await rejectionOf(
    env.client.request(ModelFactsSet, { provider: 'nope', model: 'x', facts: { contextWindow: 10 } }),
  );
  expect(unknown.code).toBe('PROVIDER_NOT_FOUND');
  const empty = await cli(['model-facts', 'set', 'openai', 'gpt-4o']);
  expect(empty.code).not.toBe(0);
  expect(empty.stderr).toContain('needs --context, --max-output or --capabilities');
  const wrong = await cli(['model-facts', 'set', 'openai', 'gpt-4o', '--capabilities', 'chat,telepathy']);
  expect(wrong.stderr).toContain('"telepathy" is not a capability');
});
