/**
 * Keys too short to be real: refused where a key enters (naming the field and the minimum), and a
 * short key that arrives another way (an environment variable) is still scrubbed from what an
 * upstream says about it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import { MIN_API_KEY_LENGTH } from '../../../shared/protocol/fields';
import { ConnectionsCreate, SecretsSet } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
const SHORT_ENV_KEY = 'abc';

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ validKeys: [...Object.values(KEYS), SHORT_ENV_KEY] }, { SB_SHORT_KEY: SHORT_ENV_KEY });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

describe('short keys', () => {
  it('refuses a key under the minimum on create and on secrets/set, naming the field and the minimum', async () => {
    const create = await rejectionOf(
      env.client.request(ConnectionsCreate, {
        name: 'short',
        provider: 'openai',
        baseUrl: env.up.openaiBaseUrl,
        apiKey: 'abc',
      }),
    );
    expect(JSON.stringify(create)).toMatch(/apiKey/);
    expect(create.message).toContain(`at least ${MIN_API_KEY_LENGTH} characters`);
    const conn = await env.create({
      name: 'memory',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      keySource: 'memory',
      apiKey: KEYS.a,
    });
    const set = await rejectionOf(env.client.request(SecretsSet, { connectionId: conn.id, apiKey: 'sk-1234' }));
    expect(set.message).toContain(`at least ${MIN_API_KEY_LENGTH} characters`);
    expect(JSON.stringify(set)).not.toContain('sk-1234');
  });

  it('scrubs a 3-character key from an upstream message that quotes it', async () => {
    const conn = await env.create({
      name: 'env-short',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      keySource: 'env:SB_SHORT_KEY',
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
    });
    env.up.fault({
      kind: 'status',
      status: 403,
      body: { error: { message: `Key ${SHORT_ENV_KEY} has no access to this model`, type: 'permission_error' } },
      count: 1,
    });
    const error = await rejectionOf(env.client.chat({ connectionId: conn.id, messages: user('hi') }).result);
    expect(error.code).toBe(ErrorCode.FORBIDDEN);
    expect(env.chats().at(-1)!.authKey).toBe(SHORT_ENV_KEY); // it did go upstream
    expect(error.message).toContain('has no access');
    expect(JSON.stringify({ message: error.message, data: error.data })).not.toMatch(/\babc\b/);
  });
});
