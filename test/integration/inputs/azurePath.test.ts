/**
 * Issue 13 item 4, end to end: a model id (Azure: the deployment name) typed by a user must not
 * steer the request, and the `api-key` sent with it, to another path of the resource. The real
 * daemon, driven over JSON-RPC and over its /v1 API with the official `openai` SDK, in front of
 * the mock Azure upstream, which records the exact path it received.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import type { Connection } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
let az: Connection;

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['ok'] } });
  az = await env.create({
    name: 'az',
    provider: 'azure-openai',
    baseUrl: env.up.azureEndpoint,
    apiKey: KEYS.b,
    defaultModel: 'my-deploy',
    maxRetries: 0,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

const STEERING = [
  ['../../x', '/openai/deployments/..%2F..%2Fx/chat/completions'],
  [
    'a/../../../v1/chat/completions?x=',
    '/openai/deployments/a%2F..%2F..%2F..%2Fv1%2Fchat%2Fcompletions%3Fx%3D/chat/completions',
  ],
] as const;

describe('Azure deployment names are one encoded path segment', () => {
  it.each(STEERING)('chat/stream with model %j reaches only the encoded deployment path', async (model, path) => {
    const stream = env.client.chat({ streamId: `s-${model.length}`, connectionId: az.id, model, messages: user('hi') });
    await stream.result.catch(() => undefined);
    expect(env.up.requests.map((r) => r.path)).toEqual([path]);
    expect(env.up.requests[0]!.authKey).toBe(KEYS.b);
  });

  it.each(STEERING)(
    '/v1/chat/completions with model "az/%s" reaches only the encoded deployment path',
    async (model, path) => {
      const sdk = new OpenAI({
        baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
        apiKey: env.daemon.info.token,
        maxRetries: 0,
      });
      await sdk.chat.completions.create({ model: `az/${model}`, messages: user('hi') }).catch(() => undefined);
      expect(env.up.requests.map((r) => r.path)).toEqual([path]);
    },
  );

  it('refuses the deployment ".." with VALIDATION naming model, sending nothing upstream', async () => {
    const error = await rejectionOf(
      env.client.chat({ streamId: 's-dots', connectionId: az.id, model: '..', messages: user('hi') }).result,
    );
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION, data: { field: 'model' } });
    expect(env.up.requests).toHaveLength(0);
  });
});

describe('the forwarding path refuses them too', () => {
  it('/v1/chat/completions with the deployment "az/.." answers 400 naming model, sending nothing upstream', async () => {
    const sdk = new OpenAI({
      baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
      apiKey: env.daemon.info.token,
      maxRetries: 0,
    });
    const error = await sdk.chat.completions.create({ model: 'az/..', messages: user('hi') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect(String((error as Error).message)).toMatch(/model/);
    expect(env.up.requests).toHaveLength(0);
  });
});
