/**
 * Switchboard's models as another extension sees them through `vscode.lm` (VS Code 1.104+): the
 * fixture extension `switchboard-e2e.lm-consumer` selects them by vendor and talks to them with
 * VS Code's own message and part types, against the real daemon and mock OpenAI- and
 * Anthropic-format upstreams. The mock's request log shows what reached each provider.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { ConnectionsCreate, ConnectionsDelete, UsageGet, type Connection } from '../../../shared/protocol';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '../../mocks/upstream';
import { switchboard, waitFor } from '../suite/setup';

const CONSUMER_ID = 'switchboard-e2e.lm-consumer';

interface Part {
  text?: string;
  callId?: string;
  name?: string;
  input?: unknown;
}
interface Answer {
  parts: Part[];
  error?: { name?: string; code?: string; message: string };
}
interface ConsumerApi {
  models(
    selector: vscode.LanguageModelChatSelector,
  ): Promise<Array<{ id: string; name: string; vendor: string; family: string; maxInputTokens: number }>>;
  ask(
    id: string,
    turns: unknown[],
    tools?: vscode.LanguageModelChatTool[],
    cancelAfterFirstText?: boolean,
  ): Promise<Answer>;
  countTokens(id: string, text: string): Promise<number>;
  showPicker(): Promise<number>;
}

const WEATHER: vscode.LanguageModelChatTool = {
  name: 'weather',
  description: 'The weather in a city now',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** Whether the request's last message is a tool result, in either wire format. */
function answersTool(r: RecordedRequest): boolean {
  const last = (r.body?.messages ?? []).at(-1);
  if (!last) return false;
  if (last.role === 'tool') return true;
  return Array.isArray(last.content) && last.content.some((b: { type?: string }) => b.type === 'tool_result');
}

describe("Switchboard's models in VS Code's model picker", function () {
  this.timeout(60_000);
  const stamp = randomBytes(3).toString('hex');
  const keys = {
    openai: `sk-lm-openai-${randomBytes(12).toString('hex')}`,
    anthropic: `sk-ant-lm-${randomBytes(12).toString('hex')}`,
  };
  let up: MockUpstream;
  let consumer: ConsumerApi;
  const made: Connection[] = [];
  const modelIdOf: Record<'openai' | 'anthropic', string> = { openai: '', anthropic: '' };

  before(async () => {
    up = await startMockUpstream({
      validKeys: Object.values(keys),
      models: ['gpt-4o', 'claude-sonnet-4-5', 'text-embedding-3-small'],
    });
    for (const model of ['gpt-4o', 'claude-sonnet-4-5']) {
      up.reply(model, (r) =>
        answersTool(r)
          ? { chunks: ['Sunny', ' and 18°C', ' in Paris.'] }
          : {
              chunks: ['Let me check.'],
              toolCalls: [{ id: 'call_weather_1', name: 'weather', arguments: '{"city":"Paris"}' }],
              argumentPieceSize: 3,
            },
      );
    }
    const sb = switchboard();
    const make = async (name: string, provider: string, baseUrl: string, model: string, apiKey: string) => {
      const { connection } = await sb.daemon.request(ConnectionsCreate, {
        name,
        provider,
        baseUrl,
        defaultModel: model,
        keySource: 'memory',
        apiKey,
      });
      await sb.keys.store(connection.id, apiKey);
      made.push(connection);
      return connection;
    };
    const o = await make(`LM OpenAI ${stamp}`, 'openai', up.openaiBaseUrl, 'gpt-4o', keys.openai);
    const a = await make(`LM Claude ${stamp}`, 'anthropic', up.anthropicBaseUrl, 'claude-sonnet-4-5', keys.anthropic);
    modelIdOf.openai = `${o.id}/gpt-4o`;
    modelIdOf.anthropic = `${a.id}/claude-sonnet-4-5`;
    const ext = vscode.extensions.getExtension<ConsumerApi>(CONSUMER_ID);
    assert.ok(ext, `the fixture extension ${CONSUMER_ID} is loaded (a second extensionDevelopmentPath)`);
    consumer = await ext.activate();
  });

  after(async () => {
    for (const c of made)
      await switchboard()
        .daemon.request(ConnectionsDelete, { id: c.id })
        .catch(() => undefined);
    await up?.close();
  });

  it('offers the models of both connections, named after them, with the catalog facts', async () => {
    let models: Awaited<ReturnType<ConsumerApi['models']>> = [];
    await waitFor('both connections’ models in vscode.lm', async () => {
      models = await consumer.models({ vendor: 'switchboard' });
      return [modelIdOf.openai, modelIdOf.anthropic].every((id) => models.some((m) => m.id === id));
    });
    const openai = models.find((m) => m.id === modelIdOf.openai)!;
    assert.equal(openai.name, `gpt-4o · LM OpenAI ${stamp}`);
    assert.equal(openai.family, 'gpt-4o');
    assert.equal(openai.maxInputTokens, 128_000 - 16_384, 'sized from the catalog facts');
    assert.ok(
      !models.some((m) => m.id === `${made[0]!.id}/text-embedding-3-small`),
      'an embedding model the catalog knows is not offered as a chat model',
    );
  });

  it("shows them in another extension's model picker (screenshot for the README)", async () => {
    const shown = consumer.showPicker();
    // The e2e runner waits for the picker to show both connections' models, takes the screenshot
    // and closes it (test/e2e/exthost.ts); the picker closing ends this test.
    console.log(`switchboard-e2e:screenshot lm-model-picker gpt-4o · LM OpenAI ${stamp}`);
    assert.ok((await shown) >= 2, 'the picker listed both connections’ models');
  });

  for (const format of ['openai', 'anthropic'] as const) {
    it(`runs a tool loop through an ${format === 'openai' ? 'OpenAI' : 'Anthropic'}-format connection: tool call out, tool result in, final text`, async () => {
      const id = modelIdOf[format];
      const first = await consumer.ask(id, [{ role: 'user', text: 'What is the weather in Paris?' }], [WEATHER]);
      assert.equal(first.error, undefined, first.error?.message);
      assert.deepEqual(first.parts, [
        { text: 'Let me check.' },
        { callId: 'call_weather_1', name: 'weather', input: { city: 'Paris' } },
      ]);

      const before = up.requests.length;
      const second = await consumer.ask(
        id,
        [
          { role: 'user', text: 'What is the weather in Paris?' },
          {
            role: 'assistant',
            text: 'Let me check.',
            toolCalls: [{ callId: 'call_weather_1', name: 'weather', input: { city: 'Paris' } }],
          },
          { role: 'toolResult', callId: 'call_weather_1', text: '18°C, sunny' },
        ],
        [WEATHER],
      );
      assert.equal(second.error, undefined, second.error?.message);
      assert.equal(second.parts.map((p) => p.text ?? '').join(''), 'Sunny and 18°C in Paris.');
      // What the provider received: the tool call and its result, in its own wire format.
      const sent = up.requests
        .slice(before)
        .find((r) => r.format === format && /\/(chat\/completions|messages)$/.test(r.path))!;
      assert.ok(sent, 'the second turn reached the upstream');
      assert.equal(sent.authKey, keys[format], 'with this connection’s key');
      const text = JSON.stringify(sent.body);
      assert.ok(
        text.includes('call_weather_1') && text.includes('18°C, sunny'),
        `tool call and result reached the provider: ${text}`,
      );
      assert.ok(
        Array.isArray(sent.body.tools) && sent.body.tools.length === 1,
        'the tool definition reached the provider',
      );
    });
  }

  it('records what VS Code asked for in the usage ledger', async () => {
    for (const c of made.slice(0, 2)) {
      const { records: rows } = await switchboard().daemon.request(UsageGet, { connectionId: c.id });
      const fromVsCode = rows.filter((r) => r.client?.startsWith('VS Code chat'));
      assert.ok(
        fromVsCode.reduce((n, r) => n + r.requests, 0) >= 2,
        `usage recorded for ${c.name} under the client "VS Code chat": ${JSON.stringify(rows)}`,
      );
    }
  });

  it("stops the upstream when VS Code's cancellation token fires", async () => {
    // The provider as VS Code calls it, with VS Code's own token: cancelled after the first text part.
    const provider = switchboard().languageModels;
    assert.ok(provider, 'the provider is registered on VS Code 1.104+');
    up.reply('gpt-4o', { chunks: Array.from({ length: 100 }, (_, i) => `w${i} `), chunkDelayMs: 50 });
    const [model] = (
      await provider.provideLanguageModelChatInformation({ silent: true }, new vscode.CancellationTokenSource().token)
    ).filter((m) => m.id === modelIdOf.openai);
    assert.ok(model, 'the OpenAI model is offered');
    const source = new vscode.CancellationTokenSource();
    const parts: unknown[] = [];
    const before = up.requests.length;
    const started = Date.now();
    const outcome = await provider
      .provideLanguageModelChatResponse(
        model,
        [vscode.LanguageModelChatMessage.User('Talk a lot.')],
        { toolMode: vscode.LanguageModelChatToolMode.Auto },
        { report: (p) => void (parts.push(p), source.cancel()) },
        source.token,
      )
      .then(
        () => 'finished',
        (error: unknown) => (error instanceof vscode.CancellationError ? 'cancelled' : String(error)),
      );
    assert.equal(outcome, 'cancelled');
    assert.ok(
      parts.length < 100 && Date.now() - started < 4_000,
      `stopped early (${parts.length} parts in ${Date.now() - started} ms)`,
    );
    await waitFor('the upstream request to be aborted', () => up.requests.slice(before).some((r) => r.aborted));
  });

  it("reports a provider's refusal as VS Code's LanguageModelError, in the user's words", async () => {
    up.fault({ kind: 'status', status: 401, count: 1, match: { format: 'anthropic' } });
    const answer = await consumer.ask(modelIdOf.anthropic, [{ role: 'user', text: 'hi' }]);
    assert.ok(answer.error, 'the request failed');
    assert.match(answer.error.message, new RegExp(`LM Claude ${stamp}`), 'names the connection');
    assert.doesNotMatch(answer.error.message, new RegExp(keys.anthropic), 'never the key');
  });

  it('counts tokens without a round trip', async () => {
    assert.ok((await consumer.countTokens(modelIdOf.openai, 'Hello, world!')) > 0);
  });
});
