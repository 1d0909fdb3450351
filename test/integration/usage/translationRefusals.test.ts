/**
 * A request that cannot be translated for its connection is a failed request in the ledger — on
 * every surface that translates (HTTP chat completions, messages and responses; JSON-RPC
 * chat/stream, where the adapter refuses) — and its client gets a 400 naming the field. Nothing
 * goes upstream.
 */
import Anthropic, { BadRequestError as AnthropicBadRequest } from '@anthropic-ai/sdk';
import OpenAI, { BadRequestError } from 'openai';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/client';
import { UsageGet, type Connection } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, type Env } from '../chat/harness';

let env: Env;
let claude: Connection;
let gpt: Connection;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  claude = await env.create({
    name: 'claude',
    provider: 'anthropic',
    baseUrl: env.up.anthropicBaseUrl,
    apiKey: KEYS.ant,
    defaultModel: 'claude-sonnet-4-6',
    maxRetries: 0,
  });
  gpt = await env.create({
    name: 'gpt',
    provider: 'groq',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  const port = env.daemon.info.port;
  openai = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: env.daemon.info.token, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: env.daemon.info.token, maxRetries: 0 });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});
beforeEach(() => env.up.reset());

const totals = async (connectionId: string) => (await env.client.request(UsageGet, { connectionId })).totals;

/** Runs `refused`, expects its error, then one more request and one more error in the ledger of `conn`. */
async function expectCountedError(
  conn: () => Connection,
  refused: () => Promise<unknown>,
  check: (error: any) => void,
) {
  const before = await totals(conn().id);
  check(await rejectionOf(refused()));
  await expect
    .poll(async () => {
      const after = await totals(conn().id);
      return [after.requests - before.requests, after.errors - before.errors, after.inputTokens - before.inputTokens];
    })
    .toEqual([1, 1, 0]);
  expect(env.up.requests).toHaveLength(0);
}

it.each([
  ['logprobs', { logprobs: true }],
  ['seed', { seed: 7 }],
])('HTTP chat completions → Anthropic: `%s` is a 400 naming it, counted as an error', async (field, extra) => {
  await expectCountedError(
    () => claude,
    () => openai.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'q' }], ...extra }),
    (error) => {
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.error.param).toBe(field);
      expect(error.error.message).toMatch(new RegExp(`^${field}: `));
    },
  );
});

it('HTTP messages → an OpenAI-format connection: server tools are a 400 naming them, counted as an error', async () => {
  await expectCountedError(
    () => gpt,
    () =>
      anthropic.messages.create({
        model: 'gpt',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'q' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      }),
    (error) => {
      expect(error).toBeInstanceOf(AnthropicBadRequest);
      expect(error.error).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringMatching(/^tools\[0\]/) },
      });
    },
  );
});

it('HTTP responses → Anthropic: previous_response_id is a 400 naming it, counted as an error', async () => {
  await expectCountedError(
    () => claude,
    () => openai.responses.create({ model: 'claude', input: 'q', previous_response_id: 'resp_1' }),
    (error) => {
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.error.param).toBe('previous_response_id');
    },
  );
});

it("JSON-RPC chat/stream → Anthropic: the adapter's refusal of `seed` is VALIDATION naming it, counted as an error", async () => {
  await expectCountedError(
    () => claude,
    () =>
      env.client.chat({ connectionId: claude.id, messages: [{ role: 'user', content: 'q' }], options: { seed: 7 } })
        .result,
    (error) => {
      expect(error.code).toBe(ErrorCode.VALIDATION);
      expect(error.data.field).toBe('seed');
    },
  );
});
