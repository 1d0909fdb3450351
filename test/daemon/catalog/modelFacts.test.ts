/** The catalog's model facts (catalog/modelFacts.json) and how connection model ids find them. */
import { describe, expect, it } from 'vitest';
import { catalogFactsOf, modelFactsOf } from '../../../daemon/catalog/modelFacts';

describe('modelFactsOf', () => {
  it('knows the well-known models of each provider', () => {
    expect(modelFactsOf('openai', 'gpt-4o-2024-08-06')).toMatchObject({
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
    });
    expect(modelFactsOf('anthropic', 'claude-sonnet-4-5-20250929')).toMatchObject({
      contextWindow: 200_000,
      capabilities: expect.arrayContaining(['reasoning']),
    });
    expect(modelFactsOf('gemini', 'models/gemini-2.5-flash')).toMatchObject({ contextWindow: 1_048_576 });
    expect(modelFactsOf('groq', 'llama-3.3-70b-versatile')).toMatchObject({
      contextWindow: 131_072,
      capabilities: ['chat', 'tools'],
    });
    expect(modelFactsOf('groq', 'openai/gpt-oss-120b')?.capabilities).toContain('reasoning');
    expect(modelFactsOf('mistral', 'mistral-embed')).toMatchObject({ capabilities: ['embeddings'] });
    expect(modelFactsOf('xai', 'grok-4-0709')).toMatchObject({ contextWindow: 256_000 });
    expect(modelFactsOf('cohere', 'command-a-03-2025')).toMatchObject({
      contextWindow: 256_000,
      maxOutputTokens: 8000,
    });
    expect(modelFactsOf('cohere', 'embed-v4.0')?.capabilities).toEqual(['embeddings']);
    expect(modelFactsOf('deepseek', 'deepseek-reasoner')?.capabilities).toContain('reasoning');
    expect(modelFactsOf('azure-openai', 'gpt-4.1')).toMatchObject({ contextWindow: 1_047_576 });
    expect(modelFactsOf('openrouter', 'x-ai/grok-3')).toMatchObject({ contextWindow: 131_072 });
  });

  it("reads Bedrock ids: inference-profile prefixes and :N versions, anthropic.… from Anthropic's list", () => {
    for (const id of [
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]) {
      expect(modelFactsOf('bedrock', id), id).toMatchObject({ contextWindow: 200_000, maxOutputTokens: 64_000 });
    }
    expect(modelFactsOf('bedrock', 'eu.anthropic.claude-3-5-sonnet-20240620-v1:0')).toMatchObject({
      maxOutputTokens: 8192,
    });
    expect(modelFactsOf('bedrock', 'amazon.nova-pro-v1:0')).toMatchObject({ contextWindow: 300_000 });
    expect(modelFactsOf('bedrock', 'amazon.titan-embed-text-v2:0')?.capabilities).toEqual(['embeddings']);
  });

  it('guesses nothing: an unknown model or provider has no facts, a new version is not an old one', () => {
    expect(modelFactsOf('openai', 'my-finetune')).toBeUndefined();
    expect(modelFactsOf('ollama', 'llama3.2')).toBeUndefined();
    expect(modelFactsOf('anthropic', 'claude-sonnet-4-6')).toBeUndefined();
    expect(catalogFactsOf('custom')).toEqual([]);
  });

  it('every entry is sound: a positive window, an output limit below it, known capabilities', () => {
    for (const p of ['openai', 'anthropic', 'gemini', 'groq', 'mistral', 'deepseek', 'xai', 'cohere', 'bedrock']) {
      const list = catalogFactsOf(p);
      expect(list.length, p).toBeGreaterThan(0);
      for (const f of list) {
        expect(f.contextWindow, f.model).toBeGreaterThan(0);
        if (f.maxOutputTokens !== undefined) expect(f.maxOutputTokens, f.model).toBeLessThanOrEqual(f.contextWindow!);
        expect(
          f.capabilities!.every((c) => ['chat', 'tools', 'vision', 'reasoning', 'embeddings'].includes(c)),
          f.model,
        ).toBe(true);
      }
    }
  });
});
