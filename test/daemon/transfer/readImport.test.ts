/**
 * Reading other tools' files (real-format samples in test/fixtures/import/) into connections: the
 * provider, base URL, model and limits each tool's format carries, keys only as environment
 * references, and a key written in the file never read — only a note that names the entry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImport } from '../../../daemon/transfer/readImport';
import { UnreadableImport } from '../../../daemon/transfer/source';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', 'import', name), 'utf8');
const PLAINTEXT = /CANARY/;

describe('import readers', () => {
  it('reads Continue config.yaml models; ${{ secrets.NAME }} becomes env:NAME, a written key is not read', () => {
    const source = readImport(fixture('continue-config.yaml'));
    expect(source.format).toBe('continue');
    expect(source.connections.slice(0, 3)).toEqual([
      {
        name: 'GPT-4o',
        provider: 'openai',
        defaultModel: 'gpt-4o',
        key: { source: 'env', variable: 'OPENAI_API_KEY' },
      },
      { name: 'Claude Sonnet', provider: 'anthropic', defaultModel: 'claude-sonnet-4-5', key: { source: 'needsKey' } },
      {
        name: 'Local Llama',
        provider: 'ollama',
        baseUrl: 'http://localhost:11434/v1',
        defaultModel: 'llama3.1:8b',
        key: { source: 'none' },
      },
    ]);
    expect(source.notes.join('\n')).toMatch(/Claude Sonnet.*key written in the file was not imported/);
    expect(source.notes.join('\n')).toMatch(/Continue Hub block/);
    expect(JSON.stringify(source)).not.toMatch(PLAINTEXT);
  });

  it('reads LiteLLM model_list: provider prefixes, os.environ/NAME, api_version, rpm/tpm as limits, repeated names numbered', () => {
    const source = readImport(fixture('litellm-config.yaml'));
    expect(source.format).toBe('litellm');
    expect(source.connections).toEqual([
      {
        name: 'gpt-4o',
        provider: 'azure-openai',
        baseUrl: 'https://my-endpoint-europe.openai.azure.com',
        defaultModel: 'gpt-4o-eu',
        apiVersion: '2024-10-21',
        capacity: [{ period: 'minute', requests: 6 }],
        key: { source: 'env', variable: 'AZURE_API_KEY_EU' },
      },
      {
        name: 'gpt-4o (2)',
        provider: 'azure-openai',
        baseUrl: 'https://my-endpoint-canada.openai.azure.com',
        defaultModel: 'gpt-4o-ca',
        apiVersion: '2024-10-21',
        capacity: [{ period: 'minute', requests: 6, tokens: 100000 }],
        key: { source: 'env', variable: 'AZURE_API_KEY_CA' },
      },
      {
        name: 'claude-sonnet',
        provider: 'anthropic',
        defaultModel: 'claude-sonnet-4-5',
        key: { source: 'env', variable: 'ANTHROPIC_API_KEY' },
      },
      {
        name: 'vllm-models',
        provider: 'openai',
        baseUrl: 'http://0.0.0.0:4000/v1',
        defaultModel: 'facebook/opt-125m',
        capacity: [{ period: 'minute', requests: 1440 }],
        key: { source: 'needsKey' },
      },
    ]);
    expect(source.notes.join('\n')).toMatch(/master_key/);
    expect(JSON.stringify(source)).not.toMatch(PLAINTEXT);
  });

  it('reads VS Code chatLanguageModels.json: base URL from the model URL, first model as default', () => {
    const source = readImport(fixture('chatLanguageModels.json'));
    expect(source.format).toBe('vscode');
    expect(source.connections).toEqual([
      {
        name: 'Coder',
        provider: 'custom',
        baseUrl: 'https://coder.example.com/api/v2/aibridge/openai/v1',
        defaultModel: 'gpt-5.2',
        key: { source: 'needsKey' },
      },
      {
        name: 'Team Gateway',
        provider: 'custom',
        baseUrl: 'https://llm.team.example/v1',
        defaultModel: 'llama-3.3-70b',
        key: { source: 'env', variable: 'TEAM_GATEWAY_KEY' },
      },
    ]);
    expect(JSON.stringify(source)).not.toMatch(PLAINTEXT);
  });

  it('reads a Roo Code / Kilo Code settings export: one connection per profile, its plaintext keys never', () => {
    const source = readImport(fixture('roo-code-settings.json'));
    expect(source.format).toBe('roo');
    expect(source.connections).toEqual([
      { name: 'default', provider: 'anthropic', defaultModel: 'claude-sonnet-4-5', key: { source: 'needsKey' } },
      {
        name: 'work-litellm',
        provider: 'custom',
        baseUrl: 'http://litellm.internal:4000/v1',
        defaultModel: 'claude-sonnet-4-5',
        key: { source: 'needsKey' },
      },
      {
        name: 'openrouter',
        provider: 'openrouter',
        defaultModel: 'anthropic/claude-sonnet-4.5',
        key: { source: 'needsKey' },
      },
      {
        name: 'local',
        provider: 'ollama',
        baseUrl: 'http://localhost:11434/v1',
        defaultModel: 'qwen2.5-coder:7b',
        key: { source: 'none' },
      },
    ]);
    expect(source.notes).toHaveLength(3);
    expect(JSON.stringify(source)).not.toMatch(PLAINTEXT);
  });

  it('refuses what it cannot read, saying what it reads', () => {
    const reason = (text: string) => {
      try {
        readImport(text);
        return 'read';
      } catch (error) {
        return error instanceof UnreadableImport ? error.message : 'other';
      }
    };
    expect(reason('{"hello": 1}')).toMatch(/not a format Switchboard imports/);
    expect(reason('key: [unclosed')).toMatch(/neither JSON nor YAML/);
    expect(reason('{"format":"switchboard-export","schemaVersion":99,"connections":[]}')).toMatch(
      /newer than this Switchboard reads/,
    );
  });
});
