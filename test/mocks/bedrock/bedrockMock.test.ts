/**
 * The mock Bedrock against the official AWS SDK clients: what they send (HTTP/2 for the runtime,
 * HTTP/1.1 for the control plane, SigV4 or bearer) is what the mock checks, and what it answers
 * (JSON, event-stream frames, error types) is what the SDK decodes.
 */
import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
} from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockBedrock, type MockBedrock } from './bedrockMock';

const KEYS = { accessKeyId: 'AKIAMOCKTEST00000001', secretAccessKey: 'mock/secret+KEY/abcdefghijklmnopqrstuv' };
const TEMP = {
  accessKeyId: 'ASIAMOCKTEST00000002',
  secretAccessKey: 'temp/secret+KEY/abcdefghijklmnopqrstuv',
  sessionToken: 'IQoJb3JpZ2luX2VjEmockSessionToken//abc==',
};
const API_KEY = 'ABSKQmVkcm9ja0FQSUtleS1tb2NrLWtleS0xMjM0NTY3ODkw';
const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

let bedrock: MockBedrock;
beforeAll(async () => {
  bedrock = await startMockBedrock({ credentials: [KEYS, TEMP], apiKeys: [API_KEY] });
});
afterAll(() => bedrock.close());

const runtime = (opts: Record<string, unknown> = {}) =>
  new BedrockRuntimeClient({ region: 'us-east-1', endpoint: bedrock.url, credentials: KEYS, maxAttempts: 1, ...opts });
const control = (opts: Record<string, unknown> = {}) =>
  new BedrockClient({ region: 'us-east-1', endpoint: bedrock.url, credentials: KEYS, maxAttempts: 1, ...opts });
const ask = { modelId: MODEL, messages: [{ role: 'user' as const, content: [{ text: 'Hi' }] }] };

describe('mock Bedrock', () => {
  it('answers Converse over HTTP/2 after checking the SigV4 signature and its scope', async () => {
    const out = await runtime().send(new ConverseCommand(ask));
    expect(out.output?.message?.content?.[0]?.text).toBe('Hello from Bedrock');
    expect(out.stopReason).toBe('end_turn');
    const r = bedrock.requests.at(-1)!;
    expect(r.httpVersion).toBe('2.0');
    expect(r.auth).toMatchObject({
      kind: 'sigv4',
      accessKeyId: KEYS.accessKeyId,
      region: 'us-east-1',
      service: 'bedrock',
      signatureValid: true,
    });
  });

  it('streams ConverseStream as event-stream frames the SDK decodes: reasoning with signature, text, tool use, usage', async () => {
    bedrock.reply(MODEL, {
      reasoning: ['Let me', ' think'],
      text: ['A', 'B'],
      toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }],
      usage: { input: 10, output: 5, cacheRead: 3, cacheWrite: 2 },
    });
    const out = await runtime().send(new ConverseStreamCommand(ask));
    const events: any[] = [];
    for await (const e of out.stream!) events.push(e);
    bedrock.reply(MODEL, bedrock.defaultReply);
    const kinds = events.map((e) => Object.keys(e)[0]);
    expect(kinds[0]).toBe('messageStart');
    expect(kinds.slice(-2)).toEqual(['messageStop', 'metadata']);
    const deltas = events.filter((e) => e.contentBlockDelta).map((e) => e.contentBlockDelta.delta);
    expect(deltas[0]).toEqual({ reasoningContent: { text: 'Let me' } });
    expect(deltas[2].reasoningContent.signature).toMatch(/^sig_/);
    expect(
      deltas
        .filter((d) => d.toolUse)
        .map((d) => d.toolUse.input)
        .join(''),
    ).toBe('{"city":"Paris"}');
    expect(events.at(-2).messageStop.stopReason).toBe('tool_use');
    expect(events.at(-1).metadata.usage).toMatchObject({
      inputTokens: 10,
      outputTokens: 5,
      cacheReadInputTokens: 3,
      cacheWriteInputTokens: 2,
    });
  });

  it('sends a mid-stream exception frame the SDK raises as its exception', async () => {
    bedrock.fault({ kind: 'streamException', exception: 'throttlingException', afterChunks: 1, count: 1 });
    const out = await runtime().send(new ConverseStreamCommand(ask));
    const seen: string[] = [];
    const error = await (async () => {
      for await (const e of out.stream!) seen.push(Object.keys(e)[0]!);
    })().catch((e: unknown) => e as Error);
    expect(seen).toEqual(['messageStart', 'contentBlockDelta']);
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      message: 'Too many tokens, please wait before trying again.',
    });
  });

  it('accepts temporary credentials only with their session token, and a Bedrock API key as bearer', async () => {
    await runtime({ credentials: TEMP }).send(new ConverseCommand(ask));
    expect(bedrock.requests.at(-1)!.auth).toMatchObject({
      kind: 'sigv4',
      sessionToken: TEMP.sessionToken,
      signatureValid: true,
    });
    const noToken = await runtime({
      credentials: { accessKeyId: TEMP.accessKeyId, secretAccessKey: TEMP.secretAccessKey },
    })
      .send(new ConverseCommand(ask))
      .catch((e: Error) => e);
    expect(noToken).toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } });

    const bearer = runtime({
      credentials: undefined,
      token: { token: API_KEY },
      authSchemePreference: ['httpBearerAuth'],
    });
    await bearer.send(new ConverseCommand(ask));
    expect(bedrock.requests.at(-1)!.auth).toEqual({ kind: 'bearer', token: API_KEY });
  });

  it('refuses a wrong secret, a wrong region and an expired session as AWS does', async () => {
    const wrongSecret = await runtime({
      credentials: { ...KEYS, secretAccessKey: 'not/the/secret/at/all/0123456789abcdef' },
    })
      .send(new ConverseCommand(ask))
      .catch((e: Error) => e);
    expect(wrongSecret).toMatchObject({ name: 'InvalidSignatureException' });
    expect(bedrock.requests.at(-1)!.authError).toBe('bad signature');
    const wrongRegion = await runtime({ region: 'eu-west-1' })
      .send(new ConverseCommand(ask))
      .catch((e: Error) => e);
    expect(wrongRegion).toMatchObject({ name: 'InvalidSignatureException' });
    expect(bedrock.requests.at(-1)!.authError).toBe('wrong region');
    bedrock.credentials.push({
      accessKeyId: 'ASIAEXPIRED000000003',
      secretAccessKey: 'x'.repeat(40),
      sessionToken: 'expired-token-0123456789',
      expired: true,
    });
    const expired = await runtime({ credentials: bedrock.credentials.at(-1) })
      .send(new ConverseCommand(ask))
      .catch((e: Error) => e);
    expect(expired).toMatchObject({
      name: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
    });
  });

  it('answers errors with x-amzn-errortype and the service message, decoded by the SDK', async () => {
    bedrock.fault({ kind: 'error', error: 'ThrottlingRequests', count: 1 });
    const e = await runtime()
      .send(new ConverseCommand(ask))
      .catch((err: Error) => err);
    expect(e).toMatchObject({
      name: 'ThrottlingException',
      message: 'Too many requests, please wait before trying again.',
      $metadata: { httpStatusCode: 429 },
    });
    bedrock.deniedModels.add(MODEL);
    const denied = await runtime()
      .send(new ConverseCommand(ask))
      .catch((err: Error) => err);
    bedrock.deniedModels.delete(MODEL);
    expect(denied).toMatchObject({ name: 'AccessDeniedException' });
    const profileOnly = await runtime()
      .send(new ConverseCommand({ ...ask, modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0' }))
      .catch((err: Error) => err);
    expect(profileOnly).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('inference profile'),
    });
  });

  it('lists foundation models, inference profiles and model availability over HTTP/1.1', async () => {
    const models = await control().send(new ListFoundationModelsCommand({ byOutputModality: 'TEXT' }));
    expect(models.modelSummaries?.map((m) => m.modelId)).toContain(MODEL);
    expect(models.modelSummaries?.map((m) => m.modelId)).not.toContain('amazon.titan-embed-text-v2:0');
    expect(bedrock.requests.at(-1)).toMatchObject({
      httpVersion: '1.1',
      auth: { signatureValid: true, service: 'bedrock' },
    });
    const profiles = await control().send(new ListInferenceProfilesCommand({}));
    expect(profiles.inferenceProfileSummaries?.map((p) => p.inferenceProfileId)).toContain(
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
    const availability = await control().send(new GetFoundationModelAvailabilityCommand({ modelId: MODEL }));
    expect(availability.authorizationStatus).toBe('AUTHORIZED');
  });
});
