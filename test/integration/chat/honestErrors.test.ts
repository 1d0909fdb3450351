/**
 * Errors that say what really happened, through the real daemon and the mock upstream:
 * - a chat's timeout is one deadline for every attempt together (#14), and its TIMEOUT names the
 *   time really waited and the attempts made;
 * - an HTML page answered with 200 (a captive portal, a website at the base URL) is "not an API
 *   answer" at that base URL, not a stream "cut short" nor an empty model list.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import { ConnectionsTest, ModelsList, type Connection, type CreateConnectionParams } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from './harness';

let env: Env;
const FORMATS = ['openai', 'anthropic'] as const;
type Format = (typeof FORMATS)[number];
const PORTAL =
  '<!DOCTYPE html><html><head><title>Sign in to Hotel Wi-Fi</title></head><body><form>…</form></body></html>';

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['one', ' two'] } });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

let made = 0;
function connection(format: Format, extra: Partial<CreateConnectionParams> = {}): Promise<Connection> {
  const base: Record<Format, CreateConnectionParams> = {
    openai: { name: '', provider: 'openai', baseUrl: env.up.openaiBaseUrl, apiKey: KEYS.a, defaultModel: 'gpt-5.4' },
    anthropic: {
      name: '',
      provider: 'anthropic',
      baseUrl: env.up.anthropicBaseUrl,
      apiKey: KEYS.ant,
      defaultModel: 'claude-haiku-4-5',
    },
  };
  return env.create({ ...base[format], maxRetries: 0, ...extra, name: `${format}-${++made}` });
}

/** The error of a refreshed model list: thrown when no list was cached before, else embedded in the stale result. */
async function listError(conn: Connection): Promise<{ code: string; message: string }> {
  try {
    const listed = await env.client.request(
      ModelsList,
      { connectionId: conn.id, refresh: true },
      { timeoutMs: 30_000 },
    );
    if (!listed.error) throw new Error(`expected the list to fail, got ${listed.models.length} models`);
    return { code: listed.error.code, message: listed.error.message };
  } catch (error) {
    return error as { code: string; message: string };
  }
}

const seconds = (text: string) => Number(/(\d+(?:\.\d+)?) s in all/.exec(text)?.[1]);

describe.each(FORMATS)('%s upstream', (format) => {
  it('gives a chat one deadline for every attempt together: a silent upstream costs the timeout once', async () => {
    env.up.fault({ kind: 'hang' });
    const conn = await connection(format, { timeoutMs: 1000, maxRetries: 1 });
    const started = Date.now();
    const error = await rejectionOf(env.client.chat({ connectionId: conn.id, messages: user('hi') }).result);
    const waited = (Date.now() - started) / 1000;
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    // The first attempt spent the whole deadline: no retry starts after it (one per attempt would send two).
    expect(env.chats()).toHaveLength(1);
    expect(error.message).toMatch(
      /did not start answering within the connection's timeout of 1 s \(1 attempt, [\d.]+ s in all\): the timeout is one deadline for every attempt together/,
    );
    // The time stated is the time the client waited.
    expect(seconds(error.message)).toBeGreaterThanOrEqual(0.9);
    expect(seconds(error.message)).toBeLessThanOrEqual(waited + 0.1);
    expect(error.data).toMatchObject({ attempts: 1 });
  });

  it('gives a retry after a quick failure only what is left of the deadline, and names both attempts', async () => {
    env.up.fault({ kind: 'status', status: 500, count: 1 });
    env.up.fault({ kind: 'hang' });
    const conn = await connection(format, { timeoutMs: 1500, maxRetries: 2 });
    const started = Date.now();
    const error = await rejectionOf(env.client.chat({ connectionId: conn.id, messages: user('hi') }).result);
    const waited = (Date.now() - started) / 1000;
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    // A 500, a back-off, then silence until the deadline: two requests (a timeout per attempt would make a third).
    expect(env.chats()).toHaveLength(2);
    expect(error.message).toMatch(
      /timeout of 1\.5 s \(2 attempts, [\d.]+ s in all\): the timeout is one deadline for every attempt together/,
    );
    expect(seconds(error.message)).toBeGreaterThanOrEqual(1.4);
    expect(seconds(error.message)).toBeLessThanOrEqual(waited + 0.1);
    expect(error.data).toMatchObject({ attempts: 2 });
  });

  it('says how long a timed-out models list really waited', async () => {
    const conn = await connection(format, { timeoutMs: 1000, maxRetries: 2 });
    env.up.fault({ kind: 'hang', match: { path: /models/ } });
    const error = await listError(conn);
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.message).toMatch(/3 attempts/);
    expect(seconds(error.message)).toBeGreaterThanOrEqual(3);
  });

  it('calls an HTML page answered with 200 what it is, naming the base URL, for a chat', async () => {
    env.up.fault({
      kind: 'status',
      status: 200,
      body: PORTAL,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
    const conn = await connection(format);
    const error = await rejectionOf(env.client.chat({ connectionId: conn.id, messages: user('hi') }).result);
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error.message).toMatch(/did not answer as an API/);
    expect(error.message).toContain(conn.baseUrl);
    expect(error.message).not.toMatch(/cut short/);
    expect(error.data.hint).toMatch(/base URL/);
    expect(JSON.stringify(error.data)).not.toContain(format === 'openai' ? KEYS.a : KEYS.ant);
  });

  it('calls an HTML page answered with 200 what it is, for the model list and the connection test', async () => {
    const conn = await connection(format);
    env.up.fault({ kind: 'status', status: 200, body: PORTAL, headers: { 'content-type': 'text/html' } });
    const listed = await listError(conn);
    expect(listed.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(listed.message).toMatch(/did not answer as an API/);
    const { result } = await env.client.request(ConnectionsTest, { id: conn.id });
    const models = result.stages.find((s) => s.name === 'models')!;
    expect(models.status).toBe('error');
    expect(models.reason).toMatch(/did not answer as an API/);
  });
});
