/**
 * chat/stream beyond text, end to end: the real daemon, a real SwitchboardClient, and the mock
 * upstream speaking OpenAI and Anthropic with tools (parallel calls, arguments split over many
 * chunks), signed thinking, images, structured output and errors mid-stream. A tool loop runs to
 * its final text against both formats; a thinking signature issued on turn 1 is checked by the
 * Anthropic mock on turn 2.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type SwitchboardClient } from '../../../shared/client';
import {
  ChatDelta,
  type ChatMessageInput,
  type Connection,
  type StreamDelta,
  type ToolDefinition,
} from '../../../shared/protocol';
import type { RecordedRequest } from '../../mocks/upstream';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, type Env } from './harness';

let env: Env;
let gpt: Connection;
let claude: Connection;

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  gpt = await env.create({
    name: 'gpt',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
  });
  claude = await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-sonnet-4-6',
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

const WEATHER: ToolDefinition = {
  name: 'weather',
  description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const TIME: ToolDefinition = { name: 'time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } };
const CALLS = [
  { name: 'weather', arguments: '{"city":"Oslo, Norway","units":"metric"}' },
  { name: 'time', arguments: '{"tz":"Europe/Oslo"}' },
];
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** The last message of a request, as the upstream received it. */
const lastMessage = (r: RecordedRequest) => r.body.messages.at(-1);

/** Streams with typed deltas; returns them with the result. */
async function run(
  client: SwitchboardClient,
  connectionId: string,
  messages: ChatMessageInput[],
  options: Record<string, unknown> = {},
) {
  const stream = client.chatEvents({ connectionId, messages: messages as never, options });
  const deltas: StreamDelta[] = [];
  for await (const d of stream) deltas.push(d);
  return { deltas, result: await stream.result };
}

/**
 * A two-turn model: calls both tools in parallel first (thinking first when `think`), then, once
 * the tool results are in, answers in text.
 */
function toolModel(think: boolean) {
  return (r: RecordedRequest) => {
    const last = lastMessage(r);
    const answered =
      last.role === 'tool' ||
      (Array.isArray(last.content) && last.content.some((b: { type: string }) => b.type === 'tool_result'));
    if (answered) return { chunks: ['It is ', 'snowing in Oslo', ' at 09:00.'] };
    return {
      chunks: [],
      toolCalls: CALLS,
      argumentPieceSize: 3,
      ...(think && { thinking: ['The user wants ', 'weather and time.'] }),
    };
  };
}

describe.each([
  ['OpenAI-format', () => gpt, 'gpt-5.4'],
  ['Anthropic-format', () => claude, 'claude-sonnet-4-6'],
])('a tool loop over chat/stream to an %s upstream', (_label, conn, model) => {
  it('streams parallel tool calls as typed deltas, takes the results, and ends in text', async () => {
    env.up.reply(model, toolModel(false));
    const messages: ChatMessageInput[] = [{ role: 'user', content: 'Weather and time in Oslo?' }];
    const turn1 = await run(env.client, conn().id, messages, { tools: [WEATHER, TIME] });

    expect(turn1.result.finishReason).toBe('tool_calls');
    expect(turn1.result.toolCalls).toEqual([
      { id: expect.any(String), name: 'weather', arguments: CALLS[0]!.arguments },
      { id: expect.any(String), name: 'time', arguments: CALLS[1]!.arguments },
    ]);
    // Arguments arrived in many pieces, and the pieces of each call add up to its arguments.
    const pieces = turn1.deltas.filter((d) => d.type === 'toolArguments');
    expect(pieces.length).toBeGreaterThan(10);
    for (const [n, call] of CALLS.entries()) {
      const joined = pieces
        .filter((d) => d.toolCall === n)
        .map((d) => (d.type === 'toolArguments' ? d.arguments : ''))
        .join('');
      expect(joined).toBe(call.arguments);
    }
    expect(turn1.deltas.filter((d) => d.type === 'toolCall').map((d) => (d.type === 'toolCall' ? d.name : ''))).toEqual(
      ['weather', 'time'],
    );
    // The tools reached the upstream in its own format.
    const sent = env.chats()[0]!.body;
    if (env.chats()[0]!.format === 'anthropic')
      expect(sent.tools[0]).toMatchObject({ name: 'weather', input_schema: WEATHER.parameters });
    else
      expect(sent.tools[0]).toEqual({
        type: 'function',
        function: { name: 'weather', description: 'Weather in a city', parameters: WEATHER.parameters },
      });

    messages.push(turn1.result.message as ChatMessageInput);
    const [weatherCall, timeCall] = turn1.result.toolCalls!;
    messages.push({ role: 'tool', toolCallId: weatherCall!.id, content: 'Snow, -3 C' });
    messages.push({ role: 'tool', toolCallId: timeCall!.id, content: 'upstream clock unavailable', isError: true });
    const turn2 = await run(env.client, conn().id, messages, { tools: [WEATHER, TIME] });

    expect(turn2.result.finishReason).toBe('stop');
    expect(turn2.result.text).toBe('It is snowing in Oslo at 09:00.');
    expect(turn2.result.toolCalls).toBeUndefined();
    // The mock checked that each tool result answers a call of the turn before (else a 400).
    const second = env.chats()[1]!;
    if (second.format === 'anthropic') {
      expect(lastMessage(second)).toEqual({
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: weatherCall!.id, content: 'Snow, -3 C' },
          { type: 'tool_result', tool_use_id: timeCall!.id, content: 'upstream clock unavailable', is_error: true },
        ],
      });
    } else {
      expect(second.body.messages.slice(-3)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: turn1.result.toolCalls!.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        },
        { role: 'tool', tool_call_id: weatherCall!.id, content: 'Snow, -3 C' },
        { role: 'tool', tool_call_id: timeCall!.id, content: 'Error: upstream clock unavailable' },
      ]);
    }
  });

  it("sends images in the upstream's own format, by URL and as base64", async () => {
    await run(env.client, conn().id, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image', url: 'https://example.com/a.png' },
          { type: 'image', data: PNG, mediaType: 'image/png' },
        ],
      },
    ]);
    const content = lastMessage(env.chats()[0]!).content;
    if (env.chats()[0]!.format === 'anthropic') {
      expect(content).toEqual([
        { type: 'text', text: 'Compare' },
        { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
      ]);
    } else {
      expect(content).toEqual([
        { type: 'text', text: 'Compare' },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
      ]);
    }
  });

  it('keeps the text streamed before an error mid-stream, and fails with the upstream error', async () => {
    env.up.reply(model, { chunks: ['partial ', 'answer ', 'lost'] });
    env.up.fault({ kind: 'streamError', afterChunks: 2, count: 1 });
    const stream = env.client.chatEvents({ connectionId: conn().id, messages: [{ role: 'user', content: 'q' }] });
    const seen: StreamDelta[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const d of stream) seen.push(d);
      })(),
    );
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(seen).toEqual([
      { type: 'text', text: 'partial ' },
      { type: 'text', text: 'answer ' },
    ]);
    expect(error.data.partialText).toBe('partial answer ');
  });
});

describe('reasoning over chat/stream', () => {
  it('streams Anthropic thinking with its signature, and the signature replayed on turn 2 is accepted', async () => {
    env.up.reply('claude-sonnet-4-6', toolModel(true));
    const options = { tools: [WEATHER, TIME], reasoning: { budgetTokens: 2048 } };
    const messages: ChatMessageInput[] = [{ role: 'user', content: 'Weather and time in Oslo?' }];
    const turn1 = await run(env.client, claude.id, messages, options);
    const signature = [...env.up.signatures][0]!;
    expect(turn1.deltas.slice(0, 3)).toEqual([
      { type: 'reasoning', reasoning: 'The user wants ' },
      { type: 'reasoning', reasoning: 'weather and time.' },
      { type: 'reasoningSignature', signature },
    ]);
    expect(turn1.result.reasoning).toBe('The user wants weather and time.');
    expect(turn1.result.message!.content).toEqual([
      { type: 'reasoning', text: 'The user wants weather and time.', signature },
    ]);
    expect(env.chats()[0]!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });

    messages.push(turn1.result.message as ChatMessageInput);
    for (const c of turn1.result.toolCalls!) messages.push({ role: 'tool', toolCallId: c.id, content: 'ok' });
    const turn2 = await run(env.client, claude.id, messages, options);
    expect(turn2.result.text).toBe('It is snowing in Oslo at 09:00.');
    // Replayed as Anthropic wants it: the signed thinking block first, then the tool calls.
    expect(env.chats()[1]!.body.messages[1].content[0]).toEqual({
      type: 'thinking',
      thinking: 'The user wants weather and time.',
      signature,
    });
  });

  it('is refused by the Anthropic mock when the thinking block is not replayed, as the real API does', async () => {
    env.up.reply('claude-sonnet-4-6', toolModel(true));
    const options = { tools: [WEATHER, TIME], reasoning: { budgetTokens: 2048 } };
    const messages: ChatMessageInput[] = [{ role: 'user', content: 'Weather and time in Oslo?' }];
    const turn1 = await run(env.client, claude.id, messages, options);
    // A client that keeps only the tool calls loses the thinking block.
    messages.push({ role: 'assistant', content: '', toolCalls: turn1.result.toolCalls! });
    for (const c of turn1.result.toolCalls!) messages.push({ role: 'tool', toolCallId: c.id, content: 'ok' });
    const error = await rejectionOf(
      env.client.chat({ connectionId: claude.id, messages: messages as never, options }).result,
    );
    expect(error.message).toMatch(/thinking/);
  });

  it('streams OpenAI reasoning_content as reasoning deltas and maps reasoning effort', async () => {
    env.up.reply('gpt-5.4', {
      chunks: ['42'],
      thinking: ['Adding ', 'up.'],
      usageDetails: { reasoning: 7, cachedInput: 3 },
    });
    const { deltas, result } = await run(env.client, gpt.id, [{ role: 'user', content: 'q' }], {
      reasoning: { effort: 'low' },
    });
    expect(deltas).toEqual([
      { type: 'reasoning', reasoning: 'Adding ' },
      { type: 'reasoning', reasoning: 'up.' },
      { type: 'text', text: '42' },
    ]);
    expect(result.reasoning).toBe('Adding up.');
    expect(result.usage).toMatchObject({ reasoningTokens: 7, cachedInputTokens: 3 });
    expect(env.chats()[0]!.body.reasoning_effort).toBe('low');
  });
});

describe('what a client of the first protocol sees', () => {
  it('gets only text deltas, contiguous from 0, when it does not ask for typed ones', async () => {
    env.up.reply('claude-sonnet-4-6', { chunks: ['Hi', ' there'], thinking: ['hmm'] });
    const raw: unknown[] = [];
    const sub = env.client.onNotification(ChatDelta, (d) => raw.push(d));
    const stream = env.client.chat({
      connectionId: claude.id,
      messages: [{ role: 'user', content: 'q' }],
      options: { reasoning: { budgetTokens: 1024 } },
    });
    const texts: string[] = [];
    for await (const t of stream) texts.push(t);
    sub.dispose();
    expect(texts).toEqual(['Hi', ' there']);
    expect(raw.map((d) => Object.keys(d as object).sort())).toEqual([
      ['index', 'streamId', 'text'],
      ['index', 'streamId', 'text'],
    ]);
    expect(raw.map((d) => (d as { index: number }).index)).toEqual([0, 1]);
    expect((await stream.result).reasoning).toBe('hmm');
  });
});

describe('structured output and refusals', () => {
  it('asks OpenAI for json_schema and Anthropic through a forced tool, and both answer JSON text', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    env.up.reply('gpt-5.4', { chunks: ['{"city":', '"Oslo"}'] });
    env.up.reply('claude-sonnet-4-6', { chunks: [], toolCalls: [{ name: 'place', arguments: '{"city":"Oslo"}' }] });
    const options = { responseFormat: { type: 'json_schema', name: 'place', schema } };
    const openai = await run(env.client, gpt.id, [{ role: 'user', content: 'Where?' }], options);
    const anthropic = await run(env.client, claude.id, [{ role: 'user', content: 'Where?' }], options);
    expect(JSON.parse(openai.result.text)).toEqual({ city: 'Oslo' });
    expect(JSON.parse(anthropic.result.text)).toEqual({ city: 'Oslo' });
    expect(anthropic.result.finishReason).toBe('stop');
    expect(anthropic.result.toolCalls).toBeUndefined();
    const [toOpenAI, toAnthropic] = env.chats();
    expect(toOpenAI!.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'place', schema } });
    expect(toAnthropic!.body.tool_choice).toEqual({ type: 'tool', name: 'place' });
  });

  it("refuses an option the connection's API has no counterpart for, naming it, without calling the upstream", async () => {
    const error = await rejectionOf(
      env.client.chat({ connectionId: claude.id, messages: [{ role: 'user', content: 'q' }], options: { seed: 7 } })
        .result,
    );
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe('seed');
    expect(env.chats()).toHaveLength(0);
  });
});
