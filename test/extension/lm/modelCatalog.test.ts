import { describe, expect, it } from 'vitest';
import { offeredModels, UNKNOWN_CONTEXT_WINDOW } from '../../../extension/lm/modelCatalog';
import type { Connection, ModelInfo } from '../../../shared/protocol';

function conn(over: Partial<Connection> & { id: string; name: string }): Connection {
  return {
    provider: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    timeoutMs: 60_000,
    maxRetries: 2,
    isDefault: false,
    keySource: 'vault',
    keyAvailable: true,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}
const ok = { status: 'ok' as const, summary: 'Works', testedAt: '2026-01-01T00:00:00Z', durationMs: 10, stages: [] };

describe('the models VS Code is offered', () => {
  const lists = new Map<string, ModelInfo[]>([
    [
      'c1',
      [
        { id: 'gpt-4o', contextWindow: 128_000, maxOutputTokens: 16_384, capabilities: ['chat', 'tools', 'vision'] },
        { id: 'text-embedding-3-small', capabilities: ['embeddings'] },
      ],
    ],
  ]);
  const input = (connections: Connection[]) => ({
    connections,
    modelsOf: (id: string) => lists.get(id),
    providerName: () => 'OpenAI',
  });

  it('names each model with its connection, with the catalog facts and capabilities', () => {
    const [m, ...rest] = offeredModels(
      input([conn({ id: 'c1', name: 'Work OpenAI', defaultModel: 'gpt-4o', lastTest: ok })]),
    );
    expect(rest).toEqual([]); // the embedding model is not a chat model
    expect(m).toMatchObject({
      id: 'c1/gpt-4o',
      connectionId: 'c1',
      model: 'gpt-4o',
      name: 'gpt-4o · Work OpenAI',
      family: 'gpt-4o',
      maxInputTokens: 128_000 - 16_384,
      maxOutputTokens: 16_384,
      capabilities: { toolCalling: true, imageInput: true },
    });
  });

  it('leaves out listed models the facts do not know whose id says they are no chat model', () => {
    const listed: ModelInfo[] = [
      { id: 'claude-sonnet-4-5', capabilities: ['chat', 'tools'] },
      { id: 'text-embedding-3-small' },
      { id: 'nomic-embed-text:latest' },
      { id: 'bge-reranker-v2' },
      { id: 'whisper-1' },
      { id: 'gpt-4o-mini-tts' },
      { id: 'dall-e-3' },
      { id: 'omni-moderation-latest' },
      { id: 'llama3.1:8b' },
    ];
    const models = offeredModels({
      connections: [conn({ id: 'a1', name: 'Proxy', provider: 'anthropic', lastTest: ok })],
      modelsOf: () => listed,
      providerName: () => 'Anthropic',
    });
    expect(models.map((m) => m.model)).toEqual(['claude-sonnet-4-5', 'llama3.1:8b']);
  });

  it('leaves out connections that failed their test or have no key, and keeps untested ones', () => {
    const failed = { ...ok, status: 'error' as const };
    const models = offeredModels(
      input([
        conn({ id: 'c2', name: 'Broken', defaultModel: 'm', lastTest: failed }),
        conn({ id: 'c3', name: 'No key', defaultModel: 'm', keyAvailable: false }),
        conn({ id: 'c4', name: 'Fresh', defaultModel: 'llama3' }),
      ]),
    );
    expect(models.map((m) => m.id)).toEqual(['c4/llama3']);
    // Unknown model: generous limits, tools assumed.
    expect(models[0]!.maxInputTokens + models[0]!.maxOutputTokens).toBe(UNKNOWN_CONTEXT_WINDOW);
    expect(models[0]!.capabilities.toolCalling).toBe(true);
  });

  it('offers only allowedModels when the connection restricts them', () => {
    const models = offeredModels(
      input([conn({ id: 'c1', name: 'W', defaultModel: 'gpt-4o', allowedModels: ['gpt-4o-mini', 'gpt-4o'] })]),
    );
    expect(models.map((m) => m.model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });
});
