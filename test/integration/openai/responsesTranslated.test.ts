/**
 * `POST /v1/responses` to connections that do not serve the Responses API (Anthropic, Groq), driven
 * by the official `openai` SDK's `responses.create` / `responses.stream` as Codex would drive it:
 * the request is translated to the connection's own format and the answer comes back as Responses
 * objects and events. What reached the mock upstream is checked field by field: tool ids,
 * arguments and results, thinking signatures replayed through `encrypted_content`, images,
 * structured output. Requests that cannot be translated get a 400 naming the field, and nothing
 * goes upstream.
 */
import type OpenAI from 'openai';
import { BadRequestError, RateLimitError } from 'openai';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageGet, type Connection } from '../../../shared/protocol';
import type { RecordedRequest } from '../../mocks/upstream';
import { cleanupDaemons, daemonOpenAI, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;
let claude: Connection;
let sdk: OpenAI;

const CLAUDE = 'claude-sonnet-4-6';
const CALLS = [
  { name: 'weather', arguments: '{"city":"Oslo, Norway","units":"metric"}' },
  { name: 'time', arguments: '{"tz":"Europe/Oslo"}' },
];
const TOOLS: OpenAI.Responses.FunctionTool[] = [
  {
    type: 'function',
    name: 'weather',
    description: 'Weather in a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, units: { type: 'string' } },
      required: ['city'],
    },
    strict: false,
  },
  {
    type: 'function',
    name: 'time',
    description: null,
    parameters: { type: 'object', properties: { tz: { type: 'string' } } },
    strict: false,
  },
];
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  claude = await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: CLAUDE,
    maxRetries: 0,
  });
  await env.create({
    name: 'groq',
    provider: 'groq',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  sdk = daemonOpenAI(env);
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

const functionCalls = (r: { output: OpenAI.Responses.ResponseOutputItem[] }) =>
  r.output.filter((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === 'function_call');

async function thrown(
  promise: Promise<unknown>,
): Promise<Error & { status?: number; error?: { message?: string; param?: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected the call to fail');
}

/** Calls both tools (thinking first when `think`), then answers in text once the results are in. */
function toolModel(think: boolean) {
  return (r: RecordedRequest) => {
    const last = r.body.messages.at(-1);
    const answered =
      last.role === 'tool' ||
      (Array.isArray(last.content) && last.content.some((b: { type: string }) => b.type === 'tool_result'));
    if (answered) return { chunks: ['It is ', 'snowing in Oslo', ' at 09:00.'], usage: { input: 40, output: 3 } };
    return {
      chunks: [],
      toolCalls: CALLS,
      argumentPieceSize: 4,
      usage: { input: 30, output: 12 },
      ...(think && { thinking: ['The user wants ', 'weather and time.'] }),
    };
  };
}

describe('POST /v1/responses translated to an Anthropic connection', () => {
  it('answers a whole response: instructions become the system prompt, usage comes back', async () => {
    env.up.reply(CLAUDE, { chunks: ['Hello', ' from', ' Claude'], usage: { input: 12, output: 3 } });
    const res = await sdk.responses.create({
      model: 'claude',
      instructions: 'Be brief.',
      input: 'Say hello',
      max_output_tokens: 200,
      temperature: 0.2,
      store: false,
    });
    expect(res.output_text).toBe('Hello from Claude');
    expect(res).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'claude',
      usage: { input_tokens: 12, output_tokens: 3, total_tokens: 15 },
    });
    expect(res.output).toEqual([
      expect.objectContaining({
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [expect.objectContaining({ type: 'output_text', text: 'Hello from Claude' })],
      }),
    ]);
    const [up] = env.chats();
    expect(up!.path).toBe('/v1/messages');
    expect(up!.authKey).toBe(KEYS.ant);
    expect(up!.body).toEqual({
      model: CLAUDE,
      max_tokens: 200,
      stream: true,
      system: 'Be brief.',
      temperature: 0.2,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
  });

  it('streams the Responses event sequence, numbered without gaps, ending with response.completed and usage', async () => {
    env.up.reply(CLAUDE, { chunks: ['Grüße', ' aus', ' 🧪'], usage: { input: 9, output: 3 } });
    const stream = sdk.responses.stream({ model: 'claude', input: [{ role: 'user', content: 'Say hello' }] });
    const events: ResponseStreamEvent[] = [];
    for await (const e of stream) events.push(e);
    const final = await stream.finalResponse();
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(final.output_text).toBe('Grüße aus 🧪');
    expect(final.usage).toMatchObject({ input_tokens: 9, output_tokens: 3 });
    expect(env.chats()[0]!.body.stream).toBe(true);
  });

  it.each([
    ['streamed', true],
    ['whole', false],
  ])(
    'runs a multi-turn function-call loop (%s): calls, arguments and results reach Anthropic intact',
    async (_label, streamed) => {
      env.up.reply(CLAUDE, toolModel(false));
      const input: ResponseInputItem[] = [{ role: 'user', content: 'Weather and time in Oslo?' }];
      const ask = async () => {
        if (!streamed)
          return sdk.responses.create({
            model: 'claude',
            input,
            tools: TOOLS,
            tool_choice: 'auto',
            parallel_tool_calls: true,
            store: false,
          });
        const stream = sdk.responses.stream({
          model: 'claude',
          input,
          tools: TOOLS,
          tool_choice: 'auto',
          store: false,
        });
        const argumentPieces: string[] = [];
        stream.on('response.function_call_arguments.delta', (e) => argumentPieces.push(e.delta));
        const final = await stream.finalResponse();
        // Arguments streamed in pieces that add up to each call's arguments.
        const calls = functionCalls(final);
        if (calls.length > 0)
          expect([argumentPieces.length > calls.length, argumentPieces.join('')]).toEqual([
            true,
            calls.map((c) => c.arguments).join(''),
          ]);
        return final;
      };

      const turn1 = await ask();
      const calls = functionCalls(turn1);
      expect(calls.map((c) => ({ name: c.name, arguments: c.arguments }))).toEqual(CALLS);
      expect(turn1.status).toBe('completed');
      const sent1 = env.chats()[0]!.body;
      expect(sent1.tools).toEqual([
        { type: 'custom', name: 'weather', description: 'Weather in a city', input_schema: TOOLS[0]!.parameters },
        { type: 'custom', name: 'time', input_schema: TOOLS[1]!.parameters },
      ]);
      expect(sent1.tool_choice).toEqual({ type: 'auto' });

      // Codex's loop: the output items go back into the input, then one output per call.
      input.push(...(turn1.output as ResponseInputItem[]));
      input.push({ type: 'function_call_output', call_id: calls[0]!.call_id, output: 'Snow, -3 C' });
      input.push({ type: 'function_call_output', call_id: calls[1]!.call_id, output: '09:00' });
      const turn2 = await ask();
      expect(turn2.output_text).toBe('It is snowing in Oslo at 09:00.');
      expect(functionCalls(turn2)).toEqual([]);

      const sent2 = env.chats()[1]!.body;
      const [toolUse1, toolUse2] = sent2.messages[1].content;
      expect(sent2.messages[1]).toEqual({
        role: 'assistant',
        content: [
          { type: 'tool_use', id: calls[0]!.call_id, name: 'weather', input: JSON.parse(CALLS[0]!.arguments) },
          { type: 'tool_use', id: calls[1]!.call_id, name: 'time', input: JSON.parse(CALLS[1]!.arguments) },
        ],
      });
      // The ids are the ones Anthropic issued, carried through call_id (the mock refuses results for unknown ids).
      expect([toolUse1.id, toolUse2.id]).toEqual([expect.stringMatching(/^toolu_/), expect.stringMatching(/^toolu_/)]);
      expect(sent2.messages[2]).toEqual({
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: calls[0]!.call_id, content: 'Snow, -3 C' },
          { type: 'tool_result', tool_use_id: calls[1]!.call_id, content: '09:00' },
        ],
      });
    },
  );

  it('keeps signed thinking across turns: reasoning items carry the signature in encrypted_content and it is replayed', async () => {
    env.up.reply(CLAUDE, toolModel(true));
    const input: ResponseInputItem[] = [{ role: 'user', content: 'Weather and time in Oslo?' }];
    const params = {
      model: 'claude',
      tools: TOOLS,
      reasoning: { effort: 'low' as const, summary: 'auto' as const },
      include: ['reasoning.encrypted_content' as const],
      store: false,
    };
    const stream = sdk.responses.stream({ ...params, input });
    const summary: string[] = [];
    stream.on('response.reasoning_summary_text.delta', (e) => summary.push(e.delta));
    const turn1 = await stream.finalResponse();
    expect(summary.join('')).toBe('The user wants weather and time.');
    const signature = [...env.up.signatures][0]!;
    const reasoning = turn1.output.find((o) => o.type === 'reasoning')!;
    expect(reasoning).toMatchObject({
      summary: [{ type: 'summary_text', text: 'The user wants weather and time.' }],
      encrypted_content: `sb-signature:${signature}`,
    });
    expect(env.chats()[0]!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });

    input.push(...(turn1.output as ResponseInputItem[]));
    for (const c of functionCalls(turn1))
      input.push({ type: 'function_call_output', call_id: c.call_id, output: 'ok' });
    const turn2 = await sdk.responses.create({ ...params, input });
    expect(turn2.output_text).toBe('It is snowing in Oslo at 09:00.');
    // Replayed as Anthropic requires: the signed thinking block first in the assistant turn.
    expect(env.chats()[1]!.body.messages[1].content[0]).toEqual({
      type: 'thinking',
      thinking: 'The user wants weather and time.',
      signature,
    });
  });

  it("sends input images in Anthropic's own format", async () => {
    await sdk.responses.create({
      model: 'claude',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Compare' },
            { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' },
            { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'low' },
          ],
        },
      ],
    });
    expect(env.chats()[0]!.body.messages[0].content).toEqual([
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
    ]);
  });

  it('answers text.format json_schema through a forced tool, as JSON text', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    };
    env.up.reply(CLAUDE, { chunks: [], toolCalls: [{ name: 'place', arguments: '{"city":"Oslo"}' }] });
    const res = await sdk.responses.create({
      model: 'claude',
      input: 'Where?',
      text: { format: { type: 'json_schema', name: 'place', schema, strict: true } },
    });
    expect(JSON.parse(res.output_text)).toEqual({ city: 'Oslo' });
    expect(res.status).toBe('completed');
    expect(functionCalls(res)).toEqual([]);
    const sent = env.chats()[0]!.body;
    expect(sent.tool_choice).toEqual({ type: 'tool', name: 'place' });
    expect(sent.tools).toEqual([expect.objectContaining({ name: 'place', input_schema: schema })]);
  });

  it('reports an answer cut by max_output_tokens as incomplete', async () => {
    env.up.reply(CLAUDE, { chunks: ['a', 'b', 'c', 'd', 'e'] });
    const res = await sdk.responses.create({ model: 'claude', input: 'Count', max_output_tokens: 2 });
    expect(res).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    const events: string[] = [];
    for await (const e of await sdk.responses.create({
      model: 'claude',
      input: 'Count',
      max_output_tokens: 2,
      stream: true,
    }))
      events.push(e.type);
    expect(events.at(-1)).toBe('response.incomplete');
  });

  it.each([
    [{ previous_response_id: 'resp_123' }, 'previous_response_id'],
    [{ tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type'],
    [{ tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] } }, 'tool_choice'],
    [{ text: { verbosity: 'low' } }, 'text.verbosity'],
    [{ some_new_field: 1 }, 'some_new_field'],
  ])('refuses %j with a 400 naming %s, before anything goes upstream', async (extra, field) => {
    const error = await thrown(sdk.responses.create({ model: 'claude', input: 'x', ...(extra as object) } as never));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error?.param).toBe(field);
    expect(error.error?.message).toContain(`${field}:`);
    expect(error.error?.message).toContain('"claude", a Anthropic connection');
    expect(env.up.requests).toHaveLength(0);
  });

  it('maps an upstream 429 to a RateLimitError, and ends a stream cut by an upstream error with an error event', async () => {
    env.up.fault({ kind: 'status', status: 429, count: 1 });
    await expect(sdk.responses.create({ model: 'claude', input: 'x' })).rejects.toBeInstanceOf(RateLimitError);

    env.up.reply(CLAUDE, { chunks: ['partial ', 'answer ', 'lost'] });
    env.up.fault({ kind: 'streamError', afterChunks: 2, count: 1 });
    const types: string[] = [];
    for await (const e of await sdk.responses.create({ model: 'claude', input: 'x', stream: true })) types.push(e.type);
    expect(types.filter((t) => t === 'response.output_text.delta')).toHaveLength(2);
    expect(types.at(-1)).toBe('error');
    expect(types).not.toContain('response.completed');
  });

  it('records the usage in the ledger', async () => {
    env.up.reply(CLAUDE, { chunks: ['ok'], usage: { input: 21, output: 1 } });
    const tokens = async () =>
      (await env.client.request(UsageGet, { connectionId: claude.id })).records.reduce(
        (s, r) => s + r.inputTokens + r.outputTokens,
        0,
      );
    const before = await tokens();
    for await (const e of await sdk.responses.create({ model: 'claude', input: 'x', stream: true })) void e;
    await expect.poll(tokens).toBe(before + 22);
  });
});

describe('POST /v1/responses translated to a chat-completions-only connection (Groq)', () => {
  it('sends chat completions upstream and answers a function-call loop as Responses items', async () => {
    env.up.reply('gpt-5.4', toolModel(false));
    const input: ResponseInputItem[] = [
      { role: 'developer', content: 'Use tools.' },
      { role: 'user', content: 'Weather and time in Oslo?' },
    ];
    const turn1 = await sdk.responses.stream({ model: 'groq', input, tools: TOOLS }).finalResponse();
    const calls = functionCalls(turn1);
    expect(calls.map((c) => ({ name: c.name, arguments: c.arguments }))).toEqual(CALLS);
    const first = env.chats()[0]!;
    expect(first.path).toBe('/v1/chat/completions');
    expect(first.body.messages[0]).toEqual({ role: 'developer', content: 'Use tools.' });
    expect(first.body.tools[0]).toEqual({
      type: 'function',
      function: { name: 'weather', description: 'Weather in a city', parameters: TOOLS[0]!.parameters, strict: false },
    });

    input.push(...(turn1.output as ResponseInputItem[]));
    for (const c of calls)
      input.push({ type: 'function_call_output', call_id: c.call_id, output: `result of ${c.name}` });
    const turn2 = await sdk.responses.create({ model: 'groq', input, tools: TOOLS });
    expect(turn2.output_text).toBe('It is snowing in Oslo at 09:00.');
    expect(env.chats()[1]!.body.messages.slice(-3)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: calls.map((c) => ({
          id: c.call_id,
          type: 'function',
          function: { name: c.name, arguments: c.arguments },
        })),
      },
      { role: 'tool', tool_call_id: calls[0]!.call_id, content: 'result of weather' },
      { role: 'tool', tool_call_id: calls[1]!.call_id, content: 'result of time' },
    ]);
  });
});
