/**
 * A default model and allowedModels that disagree, through the real daemon: refused where they meet
 * (create and update, naming the field the request set), so no connection is left whose every
 * model-less chat fails with MODEL_NOT_ALLOWED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import { ConnectionsGet, ConnectionsUpdate } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

const base = () => ({ provider: 'openai', baseUrl: env.up.openaiBaseUrl, apiKey: KEYS.a, maxRetries: 0 });

describe('default model and allowedModels', () => {
  it('refuses a connection whose default model is not allowed, naming defaultModel', async () => {
    const error = await rejectionOf(
      env.create({ ...base(), name: 'outside', defaultModel: 'gpt-5.4', allowedModels: ['gpt-5.4-mini'] }),
    );
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe('defaultModel');
    expect(error.message).toBe(
      'defaultModel: "gpt-5.4" is not one of the connection\'s allowedModels (gpt-5.4-mini), so every chat that names no model would be refused.',
    );
    expect(error.data.hint).toMatch(/Add "gpt-5\.4" to allowedModels, or pick a default model from them/);
  });

  it('refuses an update that leaves the default out of allowedModels, or moves the default outside them', async () => {
    const conn = await env.create({
      ...base(),
      name: 'inside',
      defaultModel: 'gpt-5.4',
      allowedModels: ['gpt-5.4', 'gpt-5.4-mini'],
    });
    const narrowed = await rejectionOf(
      env.client.request(ConnectionsUpdate, { id: conn.id, allowedModels: ['gpt-5.4-mini'] }),
    );
    expect(narrowed.code).toBe(ErrorCode.VALIDATION);
    expect(narrowed.data.field).toBe('allowedModels');
    expect(narrowed.message).toMatch(/leaves out the connection's default model "gpt-5\.4"/);
    const moved = await rejectionOf(env.client.request(ConnectionsUpdate, { id: conn.id, defaultModel: 'gpt-4o' }));
    expect(moved.data.field).toBe('defaultModel');
    // Nothing changed, and a chat without a model still works.
    expect((await env.client.request(ConnectionsGet, { id: conn.id })).connection).toMatchObject({
      defaultModel: 'gpt-5.4',
      allowedModels: ['gpt-5.4', 'gpt-5.4-mini'],
    });
    expect((await env.client.chat({ connectionId: conn.id, messages: user('hi') }).result).model).toBe('gpt-5.4');

    // Both in one change, consistent: accepted. Clearing the list allows every model again.
    const both = await env.client.request(ConnectionsUpdate, {
      id: conn.id,
      defaultModel: 'gpt-5.4-mini',
      allowedModels: ['gpt-5.4-mini'],
    });
    expect(both.connection).toMatchObject({ defaultModel: 'gpt-5.4-mini', allowedModels: ['gpt-5.4-mini'] });
    const cleared = await env.client.request(ConnectionsUpdate, {
      id: conn.id,
      allowedModels: null,
      defaultModel: 'gpt-4o',
    });
    expect(cleared.connection.defaultModel).toBe('gpt-4o');
    expect(cleared.connection.allowedModels).toBeUndefined();
  });
});
