/**
 * Every Bedrock fault through the real daemon maps to its typed code with a message a person can
 * act on: throttling (requests vs tokens per minute, with a wait), service quotas, a model not
 * ready, model access not granted in the region, invalid requests and models, expired or wrong
 * credentials, exceptions and cuts mid-stream. Then the canaries: no secret of any credential kind
 * in a response, an error, the daemon's output or any file of its home.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../shared/client';
import { ConnectionsList, ConnectionsTest, type ChatMessageInput } from '../../../shared/protocol';
import { cleanupDaemons } from '../../helpers/daemonProcess';
import type { BedrockFault } from '../../mocks/bedrock/bedrockMock';
import { findLeaks, scanDirectory } from '../canary/canaryScan';
import { ensureBuilt } from '../chat/harness';
import { MODEL, REGION, setupBedrock, type BedrockEnv } from './harness';

let env: BedrockEnv;
/** Everything the daemon answered in this suite, scanned for canaries at the end. */
const seen: string[] = [];
beforeAll(async () => {
  ensureBuilt();
  env = await setupBedrock();
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

const HI: ChatMessageInput[] = [{ role: 'user', content: 'Hi' }];

/** The error a chat on `connectionId` fails with (recorded for the canary scan). */
async function failure(connectionId: string, model = MODEL): Promise<SwitchboardError> {
  const stream = env.client.chatEvents({ connectionId, model, messages: HI as never });
  try {
    for await (const _ of stream) {
      // drain
    }
    await stream.result;
  } catch (error) {
    expect(error).toBeInstanceOf(SwitchboardError);
    const e = error as SwitchboardError;
    seen.push(JSON.stringify({ message: e.message, data: e.data }));
    return e;
  }
  throw new Error('the chat did not fail');
}

async function faulted(fault: BedrockFault, kind: keyof BedrockEnv['conns'] = 'keys'): Promise<SwitchboardError> {
  env.bedrock.clearFaults();
  env.bedrock.fault({ count: 1, ...fault });
  const e = await failure(env.conns[kind].id);
  env.bedrock.clearFaults();
  return e;
}

describe('Bedrock faults', () => {
  it('ThrottlingException says tokens per minute ran out, and when to retry', async () => {
    const e = await faulted({ kind: 'error', error: 'ThrottlingTokens' });
    expect(e.code).toBe('RATE_LIMITED');
    // The connection as the person named it, with "(Bedrock)" for the AWS quotas it speaks of.
    expect(e.message).toMatch(new RegExp(`^${env.conns.keys.name} (\\(Bedrock\\) )?was throttled by AWS`));
    expect(e.message).toContain('tokens per minute');
    expect(e.message).toContain(REGION);
    expect(e.data).toMatchObject({
      retryAfterMs: 60_000,
      limit: 'tokens',
      status: 429,
      upstreamType: 'ThrottlingException',
    });
    expect(e.data.hint).toContain('Service Quotas');
  });

  it('ThrottlingException says requests per minute ran out', async () => {
    const e = await faulted({ kind: 'error', error: 'ThrottlingRequests' }, 'apiKey');
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.message).toContain('requests per minute');
    expect(e.data).toMatchObject({ retryAfterMs: 10_000, limit: 'requests' });
  });

  it('ServiceQuotaExceeded is a quota: retrying will not help', async () => {
    const e = await faulted({ kind: 'error', error: 'ServiceQuotaExceededException' });
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.data).toMatchObject({ quota: true });
    expect(e.data.hint).toMatch(/Retrying will not help.*quota increase/);
  });

  it('ModelNotReady says to try again in a minute', async () => {
    const e = await faulted({ kind: 'error', error: 'ModelNotReadyException' });
    expect(e.code).toBe('UPSTREAM_ERROR');
    expect(e.message).toContain('not ready');
    expect(e.data.hint).toContain('try again in a minute');
  });

  it('AccessDenied for a model says how to request access in this region, and the test stage says so too', async () => {
    env.bedrock.deniedModels.add('anthropic.claude-sonnet-4-5-20250929-v1:0');
    try {
      const e = await failure(env.conns.temp.id);
      expect(e.code).toBe('FORBIDDEN');
      expect(e.message).toBe(`This AWS account has not been granted access to model ${MODEL} in ${REGION}.`);
      expect(e.data.hint).toContain(`https://console.aws.amazon.com/bedrock/home?region=${REGION}#/modelaccess`);
      const { result } = await env.client.request(ConnectionsTest, { id: env.conns.temp.id });
      seen.push(JSON.stringify(result));
      const stage = result.stages.find((s) => s.name === 'modelAccess')!;
      expect(stage.status).toBe('error');
      expect(stage.reason).toContain('Model access');
      expect(result.status).toBe('error');
    } finally {
      env.bedrock.deniedModels.clear();
    }
  });

  it('ValidationException is VALIDATION with the service message; unknown and profile-only models say what to use', async () => {
    const invalid = await faulted({ kind: 'error', error: 'ValidationException' });
    expect(invalid.code).toBe('VALIDATION');
    expect(invalid.message).toContain('messages.0.content: Field required');
    const unknown = await failure(env.conns.keys.id, 'anthropic.claude-nonexistent-v1:0');
    expect(unknown.code).toBe('MODEL_NOT_FOUND');
    const profileOnly = await failure(env.conns.keys.id, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(profileOnly.code).toBe('VALIDATION');
    expect(profileOnly.data.hint).toContain('"us.anthropic.claude-sonnet-4-5-20250929-v1:0"');
  });

  it('an expired session token says to get new temporary credentials; a wrong secret says which key', async () => {
    const expired = {
      accessKeyId: 'ASIAEXPIREDTEST00001',
      secretAccessKey: 'sbcanaryExpiredSecret/0123456789abcdef',
      sessionToken: 'sbcanaryExpiredToken//0123456789abcdef',
    };
    env.bedrock.credentials.push({ ...expired, expired: true });
    const conn = await env.create({
      name: 'aws-expired',
      provider: 'bedrock',
      baseUrl: env.bedrock.url,
      defaultModel: MODEL,
      maxRetries: 0,
      aws: { region: REGION, auth: 'accessKeys', accessKeyId: expired.accessKeyId, sessionToken: expired.sessionToken },
      apiKey: expired.secretAccessKey,
    });
    const e = await failure(conn.id);
    expect(e.code).toBe('INVALID_API_KEY');
    expect(e.message).toContain('have expired');
    expect(e.data.hint).toContain('session token');
    for (const leak of [expired.secretAccessKey, expired.sessionToken])
      expect(JSON.stringify({ m: e.message, d: e.data })).not.toContain(leak);

    const wrong = await env.create({
      name: 'aws-wrong',
      provider: 'bedrock',
      baseUrl: env.bedrock.url,
      defaultModel: MODEL,
      maxRetries: 0,
      aws: { region: REGION, auth: 'accessKeys', accessKeyId: env.secrets.keys.accessKeyId },
      apiKey: 'sbcanaryWrongSecret/0123456789abcdefghij',
    });
    const refused = await failure(wrong.id);
    expect(refused.code).toBe('INVALID_API_KEY');
    expect(refused.message).toContain(`does not belong to access key id ${env.secrets.keys.accessKeyId}`);
    const { result } = await env.client.request(ConnectionsTest, { id: wrong.id });
    seen.push(JSON.stringify(result));
    expect(result.stages.find((s) => s.name === 'authentication')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('secret access key'),
    });
  });

  it('an exception frame mid-stream keeps the text that came; a stream cut before messageStop is INCOMPLETE', async () => {
    const throttled = await faulted(
      { kind: 'streamException', exception: 'throttlingException', afterChunks: 1 },
      'temp',
    );
    expect(throttled.code).toBe('RATE_LIMITED');
    expect(throttled.message).toContain('tokens per minute');
    expect(throttled.data.partialText).toBe('Hello');
    const broken = await faulted({ kind: 'streamException', exception: 'modelStreamErrorException', afterChunks: 2 });
    expect(broken.code).toBe('UPSTREAM_ERROR');
    expect(broken.data.partialText).toBe('Hello from');
    const cut = await faulted({ kind: 'truncate', afterChunks: 2 }, 'profile');
    expect(cut.code).toBe('INCOMPLETE');
    expect(cut.data.partialText).toBe('Hello from');
  });

  it('reaches /v1/chat/completions clients as their own 429', async () => {
    env.bedrock.fault({ kind: 'error', error: 'ThrottlingTokens', count: 1 });
    const openai = new OpenAI({
      baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
      apiKey: env.daemon.info.token,
      maxRetries: 0,
    });
    const error = await openai.chat.completions
      .create({ model: 'aws-keys', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const e = error as InstanceType<typeof OpenAI.RateLimitError>;
    seen.push(JSON.stringify(e.error));
    expect(e.message).toContain('tokens per minute');
  });
});

describe('canaries', () => {
  it('no secret of any credential kind appears in responses, errors, the daemon output or its files', async () => {
    const s = env.secrets;
    const canaries = [
      s.keys.secretAccessKey,
      s.temp.secretAccessKey,
      s.temp.sessionToken,
      s.apiKey,
      s.profile.secretAccessKey,
    ];
    const { connections } = await env.client.request(ConnectionsList);
    seen.push(JSON.stringify(connections));
    const leaks = [
      ...seen.flatMap((text, i) => findLeaks(`response ${i}`, text, canaries)),
      ...findLeaks('daemon output', env.daemon.output(), canaries),
      ...scanDirectory(env.daemon.home, canaries),
    ];
    expect(leaks).toEqual([]);
    // The secrets did reach the mock, each where it belongs: a scan that finds nothing proves something.
    expect(
      env.bedrock.requests.some((r) => r.auth.kind === 'sigv4' && r.auth.sessionToken === s.temp.sessionToken),
    ).toBe(true);
    expect(env.bedrock.requests.some((r) => r.auth.kind === 'bearer' && r.auth.token === s.apiKey)).toBe(true);
  });
});
