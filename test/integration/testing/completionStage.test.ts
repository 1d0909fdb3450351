/**
 * The connection test's completion stage, through the real daemon against the mock upstream: it
 * reports the text the model answered, in both wire formats, however the upstream batches its
 * chunks (the OpenAI adapter hands several pieces read at once over as one `texts` chunk).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionsTest } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;

beforeAll(async () => {
  ensureBuilt();
  // No delay between chunks: the mock writes the whole answer at once, so it arrives in one read.
  env = await setup({ defaultReply: { chunks: ['o', 'k', ' then', ' more'] } });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

describe('connection test completion stage', () => {
  it.each([
    ['OpenAI', 'openai', () => env.up.openaiBaseUrl, KEYS.a, 'gpt-5.4'],
    ['Anthropic', 'anthropic', () => env.up.anthropicBaseUrl, KEYS.ant, 'claude-sonnet-4-6'],
  ])('quotes the text a %s-format model answered', async (_label, provider, baseUrl, apiKey, model) => {
    const conn = await env.create({
      name: `probe-${provider}`,
      provider,
      baseUrl: baseUrl(),
      apiKey,
      defaultModel: model,
    });
    const { result } = await env.client.request(ConnectionsTest, { id: conn.id, completion: true });
    const stage = result.stages.find((s) => s.name === 'completion')!;
    expect(stage.status).toBe('ok');
    expect(stage.reason).toContain('"ok then more"');
    expect(stage.reason).not.toContain('no visible text');
  });
});
