/**
 * Gemini through its OpenAI-compatible endpoint, over the real daemon, on every surface: JSON-RPC
 * (typed deltas and results), /v1/chat/completions (the openai SDK, forwarded) and /v1/messages (the
 * Anthropic SDK, translated). The mock Gemini (test/mocks/geminiWire.ts, geminiRules.ts) refuses
 * what Google refuses: a Gemini 3 tool call replayed without its thought signature, tool schemas
 * with JSON Schema keywords outside its subset, reasoning efforts it does not know.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ChatDelta, ChatStream, type ChatDeltaParams, type ChatMessage } from '../../../shared/protocol';
import type { RecordedRequest, ReplyScript } from '../../mocks/upstream';
import { cleanupDaemons, ensureBuilt, rejectionOf, setup, type Env } from '../chat/harness';

const GEMINI_KEY = 'AIzaSyTest-gemini-0123456789abcdefghijk';

let env: Env;
let openai: OpenAI;
let anthropic: Anthropic;
let gem3: string;

/** The model calls get_weather until it has a tool result, then answers. */
const weatherLoop = (r: RecordedRequest): ReplyScript => {
  const last = r.body?.messages?.at(-1);
  return last?.role === 'tool'
    ? { chunks: ['Sunny', ' in Paris'] }
    : { chunks: [], toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] };
};

/** What MCP servers and zod emit: every keyword Gemini refuses. */
const MCP_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  propertyNames: { pattern: '^[a-z]+$' },
  properties: {
    city: { type: 'string', description: 'City name', minLength: 1 },
    unit: { type: ['string', 'null'], enum: ['c', 'f', null] },
    tags: { type: 'array', items: { type: 'string', format: 'uri' }, uniqueItems: true },
    where: { $ref: '#/$defs/Place' },
  },
  required: ['city'],
  $defs: {
    Place: {
      type: 'object',
      properties: { lat: { type: 'number', exclusiveMinimum: -91 } },
      additionalProperties: false,
    },
  },
};

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ validKeys: [GEMINI_KEY] });
  gem3 = (
    await env.create({
      name: 'gem3',
      provider: 'gemini',
      baseUrl: env.up.geminiBaseUrl,
      apiKey: GEMINI_KEY,
      defaultModel: 'gemini-3-pro-preview',
      maxRetries: 0,
    })
  ).id;
  await env.create({
    name: 'gem25',
    provider: 'gemini',
    baseUrl: env.up.geminiBaseUrl,
    apiKey: GEMINI_KEY,
    defaultModel: 'gemini-2.5-flash',
    maxRetries: 0,
  });
  const base = `http://127.0.0.1:${env.daemon.info.port}`;
  openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: env.daemon.info.token, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: base, authToken: env.daemon.info.token, apiKey: null, maxRetries: 0 });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => {
  env.up.reset();
  env.up.reply('gemini-3-pro-preview', weatherLoop);
  env.up.reply('gemini-2.5-flash', weatherLoop);
});

const geminiChats = () => env.up.requests.filter((r) => r.path === '/v1beta/openai/chat/completions');

it('JSON-RPC: the thought signature comes in the typed toolCall delta and the result, and goes back with the call', async () => {
  const deltas: ChatDeltaParams[] = [];
  const sub = env.client.onNotification(ChatDelta, (d) => d.streamId === 'g1' && deltas.push(d));
  const tools = [{ name: 'get_weather', parameters: MCP_SCHEMA }];
  const messages: ChatMessage[] = [{ role: 'user', content: 'Weather in Paris?' }];
  const first = await env.client.request(ChatStream, {
    streamId: 'g1',
    connectionId: gem3,
    messages,
    options: { tools },
    deltas: 'typed',
  });
  sub.dispose();
  const issued = [...env.up.signatures];
  expect(issued).toHaveLength(1);
  expect(first.toolCalls).toEqual([
    expect.objectContaining({ name: 'get_weather', arguments: '{"city":"Paris"}', signature: issued[0] }),
  ]);
  expect(deltas.find((d) => 'type' in d && d.type === 'toolCall')).toMatchObject({
    name: 'get_weather',
    signature: issued[0],
  });

  messages.push(first.message!, { role: 'tool', toolCallId: first.toolCalls![0]!.id, content: '18°C, sunny' });
  const second = await env.client.request(ChatStream, {
    streamId: 'g2',
    connectionId: gem3,
    messages,
    options: { tools },
  });
  expect(second.text).toBe('Sunny in Paris');
  const replayed = geminiChats()[1]!.body;
  expect(replayed.messages[1].tool_calls[0].extra_content).toEqual({ google: { thought_signature: issued[0] } });
  // The schema went out in Gemini's subset, meaning kept where the subset can say it.
  expect(replayed.tools[0].function.parameters).toEqual({
    type: 'object',
    properties: {
      city: { type: 'string', description: 'City name', minLength: 1 },
      unit: { type: 'string', nullable: true, enum: ['c', 'f', null] },
      tags: { type: 'array', items: { type: 'string' } },
      where: { type: 'object', properties: { lat: { type: 'number' } } },
    },
    required: ['city'],
  });
});

it('JSON-RPC: a call replayed without its signature gets Gemini\'s own message, not "no body"', async () => {
  const messages: ChatMessage[] = [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
    { role: 'tool', toolCallId: 'c1', content: '18°C' },
  ];
  const error = await rejectionOf(env.client.request(ChatStream, { streamId: 'g3', connectionId: gem3, messages }));
  expect(error.message).toContain('Function call is missing a thought_signature');
  expect([error.code, error.data.status]).toEqual(['UPSTREAM_ERROR', 400]);
});

it('/v1/chat/completions (forwarded): signatures relayed both ways, refused schema keywords rewritten, the rest sent as is', async () => {
  const tools: OpenAI.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', parameters: MCP_SCHEMA } },
  ];
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
  const stream = await openai.chat.completions.create({ model: 'gem3', messages, tools, stream: true });
  const calls: Array<Record<string, unknown>> = [];
  for await (const chunk of stream)
    for (const c of chunk.choices[0]?.delta.tool_calls ?? []) calls.push(c as unknown as Record<string, unknown>);
  const [signature] = [...env.up.signatures];
  expect(calls[0]).toMatchObject({
    id: expect.any(String),
    extra_content: { google: { thought_signature: signature } },
  });
  expect(geminiChats()[0]!.body.tools[0].function.parameters).not.toHaveProperty('$schema');

  const call = calls[0] as { id: string; function: { name: string; arguments: string }; extra_content: unknown };
  messages.push(
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: call.id,
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          extra_content: call.extra_content,
        } as OpenAI.ChatCompletionMessageToolCall,
      ],
    },
    { role: 'tool', tool_call_id: call.id, content: '18°C' },
  );
  const answer = await openai.chat.completions.create({ model: 'gem3', messages, tools });
  expect(answer.choices[0]!.message.content).toBe('Sunny in Paris');

  // A client that drops the signature gets Gemini's 400 and message (its list wrapper taken off for the SDK).
  const dropped = messages.map((m) =>
    m.role === 'assistant'
      ? {
          ...m,
          tool_calls: [{ id: call.id, type: 'function' as const, function: { name: 'get_weather', arguments: '{}' } }],
        }
      : m,
  );
  const error = await rejectionOf(
    openai.chat.completions.create({ model: 'gem3', messages: dropped, tools }) as Promise<unknown>,
  );
  expect((error as unknown as { status: number }).status).toBe(400);
  expect(error.message).toContain('missing a thought_signature');
});

it("/v1/chat/completions: only the refused members are rewritten, every other byte is the client's", async () => {
  // A seed past 2^53 and spacing a JSON round trip would change: the forward keeps them.
  const body = `{ "model": "gem3",  "seed": 12345678901234567890, "messages": [{"role": "user", "content": "hi\\u00e9"}], "tools": [{"type": "function", "function": {"name": "f", "parameters": ${JSON.stringify(MCP_SCHEMA)}}}] }`;
  const res = await fetch(`http://127.0.0.1:${env.daemon.info.port}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.daemon.info.token}`, 'content-type': 'application/json' },
    body,
  });
  expect(res.status).toBe(200);
  const sent = geminiChats()[0]!.rawBody;
  expect(sent).toContain('"seed": 12345678901234567890, "messages": [{"role": "user", "content": "hi\\u00e9"}]');
  expect(sent).not.toContain('$schema');
});

it('/v1/chat/completions: reasoning_effort "xhigh" goes to Gemini as "high"; values it takes go as sent', async () => {
  await openai.chat.completions.create({
    model: 'gem3',
    messages: [{ role: 'user', content: 'think' }],
    reasoning_effort: 'xhigh' as OpenAI.ReasoningEffort,
  });
  await openai.chat.completions.create({
    model: 'gem3',
    messages: [{ role: 'user', content: 'think' }],
    reasoning_effort: 'minimal',
  });
  expect(geminiChats().map((r) => r.body.reasoning_effort)).toEqual(['high', 'minimal']);
});

it('/v1/messages (Claude Code against Gemini): the signature rides in the tool_use id across turns, schemas cleaned', async () => {
  const tools: Anthropic.Tool[] = [
    { name: 'get_weather', description: 'Weather', input_schema: MCP_SCHEMA as unknown as Anthropic.Tool.InputSchema },
  ];
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
  const first = await anthropic.messages.stream({ model: 'gem3', max_tokens: 1000, tools, messages }).finalMessage();
  const use = first.content.find((b) => b.type === 'tool_use')!;
  expect(use).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
  expect(use.id).toMatch(/^[A-Za-z0-9_-]+$/); // still a valid Anthropic id
  expect(first.stop_reason).toBe('tool_use');

  messages.push(
    { role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18°C' }] },
  );
  const second = await anthropic.messages.create({ model: 'gem3', max_tokens: 1000, tools, messages });
  expect(second.content).toEqual([expect.objectContaining({ type: 'text', text: 'Sunny in Paris' })]);
  const replayed = geminiChats()[1]!.body;
  const [signature] = [...env.up.signatures];
  const sent = replayed.messages.find((m: { role: string }) => m.role === 'assistant').tool_calls[0];
  expect(sent.extra_content).toEqual({ google: { thought_signature: signature } });
  // The ids Gemini sees are its own: the call id, answered by the tool message.
  expect(replayed.messages.find((m: { role: string }) => m.role === 'tool').tool_call_id).toBe(sent.id);
  expect(sent.id).not.toContain('__thought__');
});

it("/v1/messages: a thinking budget becomes Gemini 2.5's thinking_budget, and Gemini 3's reasoning level", async () => {
  const ask = (model: string) =>
    anthropic.messages.create({
      model,
      max_tokens: 10_000,
      thinking: { type: 'enabled', budget_tokens: 4000 },
      messages: [{ role: 'user', content: 'think' }],
    });
  await ask('gem25');
  await ask('gem3');
  const [flash, pro] = geminiChats();
  expect(flash!.body.extra_body).toEqual({ google: { thinking_config: { thinking_budget: 4000 } } });
  expect(flash!.body).not.toHaveProperty('reasoning_effort');
  expect(pro!.body.reasoning_effort).toBe('medium');
});
