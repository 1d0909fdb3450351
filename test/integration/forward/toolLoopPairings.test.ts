/**
 * A multi-turn tool loop over HTTP through all four pairings of client and upstream format —
 * OpenAI client → OpenAI upstream (forwarded), OpenAI client → Anthropic upstream (translated),
 * Anthropic client → OpenAI upstream (translated), Anthropic client → Anthropic upstream
 * (forwarded) — streamed and whole, with the official `openai` and `@anthropic-ai/sdk` clients:
 * the model calls two tools in parallel (arguments in many pieces), the client sends the results
 * back, the model answers. What reached the mock upstream on the second turn is checked: the tool
 * call ids the upstream issued, the arguments and the results, intact.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../mocks/upstream';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
let openai: OpenAI;
let anthropic: Anthropic;

const CALLS = [
  { name: 'weather', arguments: '{"city":"Tōkyō 東京","units":"metric"}' },
  { name: 'time', arguments: '{"tz":"Asia/Tokyo","fmt":"24h"}' },
];
const SCHEMAS = {
  weather: {
    type: 'object' as const,
    properties: { city: { type: 'string' }, units: { type: 'string' } },
    required: ['city'],
  },
  time: { type: 'object' as const, properties: { tz: { type: 'string' }, fmt: { type: 'string' } } },
};
const RESULTS = ['Snow, -3 C', '09:00'];

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  await env.create({
    name: 'gpt',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-sonnet-4-6',
    maxRetries: 0,
  });
  const port = env.daemon.info.port;
  openai = new OpenAI({
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: env.daemon.info.token,
    maxRetries: 0,
    timeout: 15_000,
  });
  anthropic = new Anthropic({
    baseURL: `http://127.0.0.1:${port}`,
    apiKey: env.daemon.info.token,
    maxRetries: 0,
    timeout: 15_000,
  });
  // Both upstream models: parallel calls first, text once the results are in.
  for (const model of ['gpt-5.4', 'claude-sonnet-4-6']) {
    env.up.reply(model, (r: RecordedRequest) => {
      const last = r.body.messages.at(-1);
      const answered =
        last.role === 'tool' ||
        (Array.isArray(last.content) && last.content.some((b: { type: string }) => b.type === 'tool_result'));
      return answered ? { chunks: ['Snowing', ' at 09:00.'] } : { chunks: [], toolCalls: CALLS, argumentPieceSize: 3 };
    });
  }
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.requests.splice(0));

interface SeenCall {
  id: string;
  name: string;
  arguments: string;
}

/** One client's tool loop: turn 1 returns the calls it saw; turn 2 sends the results and returns the answer text. */
interface ClientLoop {
  turn1(model: string, stream: boolean): Promise<SeenCall[]>;
  turn2(model: string, stream: boolean, calls: SeenCall[]): Promise<string>;
}

const openaiLoop: ClientLoop = (() => {
  const tools: OpenAI.Chat.ChatCompletionTool[] = CALLS.map((c) => ({
    type: 'function',
    function: { name: c.name, parameters: SCHEMAS[c.name as keyof typeof SCHEMAS] },
  }));
  const user: OpenAI.Chat.ChatCompletionMessageParam = { role: 'user', content: 'Weather and time in Tokyo?' };
  const ask = async (model: string, stream: boolean, messages: OpenAI.Chat.ChatCompletionMessageParam[]) => {
    const completion = stream
      ? await openai.chat.completions.stream({ model, messages, tools, stream: true }).finalChatCompletion()
      : await openai.chat.completions.create({ model, messages, tools });
    return completion.choices[0]!.message;
  };
  return {
    async turn1(model, stream) {
      const message = await ask(model, stream, [user]);
      return (message.tool_calls ?? []).map((c) =>
        c.type === 'function'
          ? { id: c.id, name: c.function.name, arguments: c.function.arguments }
          : { id: c.id, name: '?', arguments: '' },
      );
    },
    async turn2(model, stream, calls) {
      const message = await ask(model, stream, [
        user,
        {
          role: 'assistant',
          content: null,
          tool_calls: calls.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        },
        ...calls.map((c, i): OpenAI.Chat.ChatCompletionMessageParam => ({
          role: 'tool',
          tool_call_id: c.id,
          content: RESULTS[i]!,
        })),
      ]);
      return message.content ?? '';
    },
  };
})();

const anthropicLoop: ClientLoop = (() => {
  const tools: Anthropic.Tool[] = CALLS.map((c) => ({
    name: c.name,
    input_schema: SCHEMAS[c.name as keyof typeof SCHEMAS],
  }));
  const user: Anthropic.MessageParam = { role: 'user', content: 'Weather and time in Tokyo?' };
  const ask = (model: string, stream: boolean, messages: Anthropic.MessageParam[]) =>
    stream
      ? anthropic.messages.stream({ model, max_tokens: 500, messages, tools }).finalMessage()
      : anthropic.messages.create({ model, max_tokens: 500, messages, tools });
  return {
    async turn1(model, stream) {
      const message = await ask(model, stream, [user]);
      expect(message.stop_reason).toBe('tool_use');
      return message.content.flatMap((b) =>
        b.type === 'tool_use' ? [{ id: b.id, name: b.name, arguments: JSON.stringify(b.input) }] : [],
      );
    },
    async turn2(model, stream, calls) {
      const message = await ask(model, stream, [
        user,
        {
          role: 'assistant',
          content: calls.map((c) => ({
            type: 'tool_use' as const,
            id: c.id,
            name: c.name,
            input: JSON.parse(c.arguments),
          })),
        },
        {
          role: 'user',
          content: calls.map((c, i) => ({ type: 'tool_result' as const, tool_use_id: c.id, content: RESULTS[i]! })),
        },
      ]);
      expect(message.stop_reason).toBe('end_turn');
      return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    },
  };
})();

/** The calls and results of a second-turn request as the upstream received it, in either format. */
function toolTurnOf(r: RecordedRequest): {
  calls: Array<{ id: string; name: string; input: unknown }>;
  results: Array<{ id: string; content: unknown }>;
} {
  const messages: any[] = r.body.messages;
  if (r.format === 'anthropic') {
    const assistant = [...messages].reverse().find((m) => m.role === 'assistant');
    const last = messages.at(-1);
    return {
      calls: assistant.content
        .filter((b: any) => b.type === 'tool_use')
        .map((b: any) => ({ id: b.id, name: b.name, input: b.input })),
      results: last.content
        .filter((b: any) => b.type === 'tool_result')
        .map((b: any) => ({ id: b.tool_use_id, content: b.content })),
    };
  }
  const assistant = [...messages].reverse().find((m) => m.role === 'assistant');
  return {
    calls: assistant.tool_calls.map((c: any) => ({
      id: c.id,
      name: c.function.name,
      input: JSON.parse(c.function.arguments),
    })),
    results: messages.filter((m) => m.role === 'tool').map((m) => ({ id: m.tool_call_id, content: m.content })),
  };
}

describe.each([
  ['OpenAI client → OpenAI upstream (forwarded)', openaiLoop, 'gpt', 'openai', /^call_/],
  ['OpenAI client → Anthropic upstream (translated)', openaiLoop, 'claude', 'anthropic', /^toolu_/],
  ['Anthropic client → OpenAI upstream (translated)', anthropicLoop, 'gpt', 'openai', /^call_/],
  ['Anthropic client → Anthropic upstream (forwarded)', anthropicLoop, 'claude', 'anthropic', /^toolu_/],
] as const)('%s', (_label, loop, model, upstreamFormat, idShape) => {
  it.each([
    ['streamed', true],
    ['whole', false],
  ])('completes a two-tool loop (%s) with ids, arguments and results intact upstream', async (_how, stream) => {
    const calls = await loop.turn1(model, stream);
    // The ids are the upstream's own, carried through unchanged; the arguments add up from their pieces.
    expect(calls.map((c) => c.name)).toEqual(['weather', 'time']);
    expect(calls.map((c) => JSON.parse(c.arguments))).toEqual(CALLS.map((c) => JSON.parse(c.arguments)));
    for (const c of calls) expect(c.id).toMatch(idShape);

    const text = await loop.turn2(model, stream, calls);
    expect(text).toBe('Snowing at 09:00.');

    const [first, second] = env.chats();
    expect([first!.format, second!.format]).toEqual([upstreamFormat, upstreamFormat]);
    expect(toolTurnOf(second!)).toEqual({
      calls: calls.map((c) => ({ id: c.id, name: c.name, input: JSON.parse(c.arguments) })),
      results: calls.map((c, i) => ({ id: c.id, content: RESULTS[i] })),
    });
    // The upstream got the tools in its own format.
    if (upstreamFormat === 'anthropic')
      expect(second!.body.tools.map((t: any) => [t.name, t.input_schema])).toEqual(
        CALLS.map((c) => [c.name, SCHEMAS[c.name as keyof typeof SCHEMAS]]),
      );
    else
      expect(second!.body.tools.map((t: any) => [t.function.name, t.function.parameters])).toEqual(
        CALLS.map((c) => [c.name, SCHEMAS[c.name as keyof typeof SCHEMAS]]),
      );
  });
});
