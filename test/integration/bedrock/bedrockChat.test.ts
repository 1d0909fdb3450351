/**
 * AWS Bedrock through the real daemon, against the mock Bedrock: chat, stream, a tool loop with
 * signed reasoning and connection tests with each kind of credential over JSON-RPC; both HTTP
 * surfaces (the openai SDK on /v1/chat/completions, @anthropic-ai/sdk on /v1/messages) translated
 * to Converse. The mock recomputes each SigV4 signature, so a passing request proves the right
 * secret signed for the right access key, region and service.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionsGet,
  ConnectionsTest,
  ModelsList,
  type ChatMessageInput,
  type StreamDelta,
} from '../../../shared/protocol';
import { cleanupDaemons } from '../../helpers/daemonProcess';
import { ensureBuilt } from '../chat/harness';
import { MODEL, setupBedrock, type BedrockEnv } from './harness';

let env: BedrockEnv;
beforeAll(async () => {
  ensureBuilt();
  env = await setupBedrock();
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

const KINDS = ['keys', 'temp', 'apiKey', 'profile'] as const;
const WEATHER = {
  name: 'weather',
  description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function run(connectionId: string, messages: ChatMessageInput[], options: Record<string, unknown> = {}) {
  const stream = env.client.chatEvents({ connectionId, messages: messages as never, options });
  const deltas: StreamDelta[] = [];
  for await (const d of stream) deltas.push(d);
  return { deltas, result: await stream.result };
}

describe('each kind of credential', () => {
  it.each(KINDS)('%s: streams an answer over JSON-RPC, signed (or bearer) with its own secret', async (kind) => {
    const conn = env.conns[kind];
    const { result } = await run(conn.id, [{ role: 'user', content: 'Hi' }]);
    expect(result.text).toBe('Hello from Bedrock');
    expect(result.finishReason).toBe('stop');
    expect(result.usage?.inputTokens).toBeGreaterThan(0);
    const req = env.bedrock.requests.filter((r) => r.op === 'converseStream').at(-1)!;
    expect(req.modelId).toBe(MODEL);
    expect(req.httpVersion).toBe('2.0');
    const s = env.secrets;
    const expected = {
      keys: {
        kind: 'sigv4',
        accessKeyId: s.keys.accessKeyId,
        region: 'us-east-1',
        service: 'bedrock',
        signatureValid: true,
      },
      temp: { kind: 'sigv4', accessKeyId: s.temp.accessKeyId, sessionToken: s.temp.sessionToken, signatureValid: true },
      apiKey: { kind: 'bearer', token: s.apiKey },
      profile: { kind: 'sigv4', accessKeyId: s.profile.accessKeyId, region: 'us-east-1', signatureValid: true },
    }[kind];
    expect(req.auth).toMatchObject(expected);
    if (kind !== 'temp') expect(req.headers['x-amz-security-token']).toBeUndefined();
  });

  it.each(KINDS)('%s: the connection test passes every stage, model access included', async (kind) => {
    const { result } = await env.client.request(ConnectionsTest, { id: env.conns[kind].id });
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['connectivity', 'ok'],
      ['authentication', 'ok'],
      ['models', 'ok'],
      ['modelAccess', 'ok'],
      ['latency', 'ok'],
      ['completion', 'skipped'],
    ]);
    expect(result.models).toEqual(
      expect.arrayContaining([
        'anthropic.claude-3-haiku-20240307-v1:0',
        MODEL,
        'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      ]),
    );
    // Profile-only and embedding models are not offered by their own ids: they cannot be chatted with so.
    expect(result.models).not.toContain('anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(result.models).not.toContain('amazon.titan-embed-text-v2:0');
    expect(result.stages.find((s) => s.name === 'authentication')!.reason).toContain('us-east-1');
  });

  it('shows the credential kind and masks, never the secrets', async () => {
    const { connection } = await env.client.request(ConnectionsGet, { id: env.conns.temp.id });
    expect(connection.aws).toEqual({
      region: 'us-east-1',
      auth: 'accessKeys',
      accessKeyId: env.secrets.temp.accessKeyId,
      hasSessionToken: true,
      sessionTokenFingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    expect(connection.keyHint).toBe(`…${env.secrets.temp.secretAccessKey.slice(-4)}`);
    expect(env.conns.profile).toMatchObject({
      keySource: 'none',
      keyAvailable: true,
      aws: { auth: 'profile', profile: 'work' },
    });
    const models = await env.client.request(ModelsList, { connectionId: env.conns.keys.id });
    expect(models.models.map((m) => m.id)).toContain(MODEL);
  });
});

describe('the chat model over Converse', () => {
  it('runs a tool loop with signed reasoning sent back unchanged', async () => {
    const conn = env.conns.keys;
    env.bedrock.reply(MODEL, (r) =>
      r.body.messages.length === 1
        ? { reasoning: ['Need the ', 'weather.'], toolCalls: [{ name: 'weather', input: { city: 'Oslo' } }] }
        : { text: ['Snowy', ' in Oslo'] },
    );
    const first = await run(conn.id, [{ role: 'user', content: 'Weather in Oslo?' }], {
      tools: [WEATHER],
      toolChoice: 'auto',
      reasoning: { effort: 'low' },
    });
    expect(first.result.finishReason).toBe('tool_calls');
    expect(first.result.toolCalls).toEqual([{ id: expect.any(String), name: 'weather', arguments: '{"city":"Oslo"}' }]);
    expect(
      first.deltas
        .filter((d) => d.type === 'reasoning')
        .map((d) => (d as { reasoning: string }).reasoning)
        .join(''),
    ).toBe('Need the weather.');
    const sent = env.bedrock.requests.at(-1)!.body;
    expect(sent.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(sent.toolConfig).toEqual({
      tools: [
        { toolSpec: { name: 'weather', description: 'Weather in a city', inputSchema: { json: WEATHER.parameters } } },
      ],
      toolChoice: { auto: {} },
    });

    const second = await run(
      conn.id,
      [
        { role: 'user', content: 'Weather in Oslo?' },
        first.result.message!,
        { role: 'tool', toolCallId: first.result.toolCalls![0]!.id, content: 'Snow, -3 C' },
      ],
      { tools: [WEATHER], reasoning: { effort: 'low' } },
    );
    expect(second.result.text).toBe('Snowy in Oslo');
    const replay = env.bedrock.requests.at(-1)!.body.messages;
    // The mock refuses a signature it did not issue: the answer above proves it came back intact.
    expect(replay[1].content[0].reasoningContent.reasoningText.text).toBe('Need the weather.');
    expect(replay[2].content[0].toolResult).toEqual({
      toolUseId: first.result.toolCalls![0]!.id,
      content: [{ text: 'Snow, -3 C' }],
    });
    env.bedrock.reply(MODEL, env.bedrock.defaultReply);
  });

  it('reports cache reads and writes in usage', async () => {
    env.bedrock.reply(MODEL, { text: ['ok'], usage: { input: 10, output: 1, cacheRead: 100, cacheWrite: 20 } });
    const { result } = await run(env.conns.apiKey.id, [{ role: 'user', content: 'Hi' }]);
    env.bedrock.reply(MODEL, env.bedrock.defaultReply);
    expect(result.usage).toMatchObject({
      inputTokens: 130,
      outputTokens: 1,
      cachedInputTokens: 100,
      cacheCreationInputTokens: 20,
    });
  });
});

describe('the HTTP surfaces, translated to Converse', () => {
  it('/v1/chat/completions with the openai SDK: a whole answer, and a streamed tool call', async () => {
    const openai = new OpenAI({
      baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
      apiKey: env.daemon.info.token,
      maxRetries: 0,
    });
    const whole = await openai.chat.completions.create({
      model: 'aws-temp',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(whole.choices[0]!.message.content).toBe('Hello from Bedrock');
    expect(env.bedrock.requests.at(-1)!.body.system).toEqual([{ text: 'Be brief.' }]);

    env.bedrock.reply(MODEL, { toolCalls: [{ id: 'tooluse_1', name: 'weather', input: { city: 'Rome' } }] });
    const stream = await openai.chat.completions.create({
      model: `aws-keys/${MODEL}`,
      stream: true,
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [{ type: 'function', function: { name: 'weather', parameters: WEATHER.parameters } }],
    });
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta.tool_calls ?? []) args += call.function?.arguments ?? '';
      finish = choice?.finish_reason ?? finish;
    }
    env.bedrock.reply(MODEL, env.bedrock.defaultReply);
    expect(args).toBe('{"city":"Rome"}');
    expect(finish).toBe('tool_calls');
  });

  it('/v1/messages with @anthropic-ai/sdk: streamed text and a tool_use answer', async () => {
    const sdk = new Anthropic({
      baseURL: `http://127.0.0.1:${env.daemon.info.port}`,
      authToken: env.daemon.info.token,
      apiKey: null,
      maxRetries: 0,
    });
    const streamed = await sdk.messages
      .stream({ model: 'aws-apikey', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    expect(streamed.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello from Bedrock' })]);
    expect(env.bedrock.requests.at(-1)!.body.inferenceConfig).toEqual({ maxTokens: 100 });

    env.bedrock.reply(MODEL, { toolCalls: [{ id: 'tooluse_2', name: 'weather', input: { city: 'Lima' } }] });
    const message = await sdk.messages.create({
      model: 'aws-profile',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather in Lima?' }],
      tools: [{ name: 'weather', input_schema: WEATHER.parameters as never }],
    });
    env.bedrock.reply(MODEL, env.bedrock.defaultReply);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'tooluse_2', name: 'weather', input: { city: 'Lima' } }]);
  });
});
