/**
 * `models/list` over JSON-RPC carries what the catalog knows of each listed model (context window,
 * longest answer, capabilities): VS Code's model picker sizes prompts with it. Real daemon, mock upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelsList } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
beforeAll(async () => {
  ensureBuilt();
  env = await setup({ models: ['gpt-4o', 'text-embedding-3-small', 'my-finetune-7b'] });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

describe('models/list', () => {
  it('adds the catalog facts of the models it knows, and nothing made up for the others', async () => {
    const conn = await env.create({
      name: 'facts',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      keySource: 'vault',
      apiKey: KEYS.a,
    });
    const { models } = await env.client.request(ModelsList, { connectionId: conn.id, refresh: true });
    const byId = new Map(models.map((m) => [m.id, m]));
    expect(byId.get('gpt-4o')).toMatchObject({
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      capabilities: expect.arrayContaining(['chat', 'tools', 'vision']),
    });
    expect(byId.get('text-embedding-3-small')).toMatchObject({ capabilities: ['embeddings'] });
    const unknown = byId.get('my-finetune-7b')!;
    expect(unknown).toBeDefined();
    expect(unknown.contextWindow).toBeUndefined();
    expect(unknown.capabilities).toBeUndefined();
  });
});
