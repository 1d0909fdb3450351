import { describe, expect, it } from 'vitest';
import { parseDotEnv } from '../../shared/client/dotenv';
import { keyFingerprint as fingerprint, keyHint as maskKey } from '../../shared/client/keyMask';
import { detectConnections, guessProvider, uniqueName, watchedVariables, type ProviderHint } from '../../extension/importEnv';

const providers: ProviderHint[] = [
  { id: 'openai', name: 'OpenAI', envVar: 'OPENAI_API_KEY', requiresKey: true },
  { id: 'anthropic', name: 'Anthropic', envVar: 'ANTHROPIC_API_KEY', requiresKey: true },
  { id: 'azure-openai', name: 'Azure OpenAI', envVar: 'AZURE_OPENAI_API_KEY', requiresKey: true },
  { id: 'gemini', name: 'Google Gemini', envVar: 'GEMINI_API_KEY', requiresKey: true },
  { id: 'groq', name: 'Groq', envVar: 'GROQ_API_KEY', requiresKey: true },
  { id: 'openrouter', name: 'OpenRouter', envVar: 'OPENROUTER_API_KEY', requiresKey: true },
  { id: 'ollama', name: 'Ollama', requiresKey: false },
  { id: 'lmstudio', name: 'LM Studio', requiresKey: false },
  { id: 'custom', name: 'Custom (OpenAI-compatible)', requiresKey: false },
];
const known = new Set(providers.map((p) => p.id));

describe('parseDotEnv', () => {
  it('reads KEY=value lines, skipping comments and blank lines', () => {
    expect(parseDotEnv('# comment\n\nA=1\nB = two words \n')).toEqual({ A: '1', B: 'two words' });
  });

  it('accepts export prefixes and CRLF line endings', () => {
    expect(parseDotEnv('export OPENAI_API_KEY=sk-abc\r\nX=y\r\n')).toEqual({ OPENAI_API_KEY: 'sk-abc', X: 'y' });
  });

  it('strips inline comments after whitespace, but keeps # inside a value', () => {
    expect(parseDotEnv('A=value # note\nB=abc#def\nC=#not-a-value')).toEqual({ A: 'value', B: 'abc#def', C: '' });
  });

  it('keeps single-quoted and backtick values literal', () => {
    expect(parseDotEnv("A='x # y \\n'\nB=`z`")).toEqual({ A: 'x # y \\n', B: 'z' });
  });

  it('expands escapes in double quotes and lets them span lines', () => {
    expect(parseDotEnv('A="line1\\nline2 \\"q\\""\nB="multi\nline"\nC=after')).toEqual({ A: 'line1\nline2 "q"', B: 'multi\nline', C: 'after' });
  });

  it('lets a later assignment win and skips malformed lines', () => {
    expect(parseDotEnv('A=1\nnot a line\n=nokey\nA=2')).toEqual({ A: '2' });
  });

  it('takes an unterminated quote literally to the end of its line', () => {
    expect(parseDotEnv('A="open\nB=2')).toEqual({ A: '"open', B: '2' });
  });

  it('ignores a byte-order mark', () => {
    expect(parseDotEnv('\uFEFFA=1')).toEqual({ A: '1' });
  });
});

describe('detectConnections', () => {
  it('finds a provider from its key variable, with its base URL and model overrides', () => {
    const [c, ...rest] = detectConnections([{ label: 'environment', vars: { OPENAI_API_KEY: 'sk-test-1234', OPENAI_BASE_URL: 'https://proxy.example.com/v1', OPENAI_MODEL: 'gpt-4o', OPENAI_ORG_ID: 'org-1' } }], providers);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ name: 'OpenAI', provider: 'openai', apiKey: 'sk-test-1234', keyVariable: 'OPENAI_API_KEY', baseUrl: 'https://proxy.example.com/v1', defaultModel: 'gpt-4o', organization: 'org-1', source: 'environment' });
    expect(c!.variables).toEqual(['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL', 'OPENAI_ORG_ID']);
  });

  it('reads the generic LLM_BASE_URL / LLM_API_KEY / LLM_MODEL as one connection, guessing the provider from the URL', () => {
    const found = detectConnections([{ label: '.env', vars: { LLM_BASE_URL: 'https://openrouter.ai/api/v1', LLM_API_KEY: 'sk-or-v1-abc', LLM_MODEL: 'meta/llama' } }], providers);
    expect(found).toEqual([expect.objectContaining({ provider: 'openrouter', baseUrl: 'https://openrouter.ai/api/v1', apiKey: 'sk-or-v1-abc', defaultModel: 'meta/llama', source: '.env' })]);
  });

  it('treats an unknown LLM_BASE_URL as a custom OpenAI-compatible server', () => {
    const [c] = detectConnections([{ label: 'environment', vars: { LLM_BASE_URL: 'http://10.0.0.5:8000/v1' } }], providers);
    expect(c).toMatchObject({ provider: 'custom', baseUrl: 'http://10.0.0.5:8000/v1', name: 'Custom (OpenAI-compatible)' });
    expect(c!.apiKey).toBeUndefined();
  });

  it('finds Anthropic, Azure (endpoint, deployment, api-version) and Gemini via GOOGLE_API_KEY', () => {
    const found = detectConnections(
      [{ label: 'environment', vars: { ANTHROPIC_API_KEY: 'sk-ant-xyz', AZURE_OPENAI_API_KEY: 'abcdef0123', AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com', AZURE_OPENAI_DEPLOYMENT: 'gpt4o-prod', OPENAI_API_VERSION: '2024-10-21', GOOGLE_API_KEY: 'AIzaSyTest' } }],
      providers,
    );
    expect(found.map((c) => c.provider)).toEqual(['anthropic', 'azure-openai', 'gemini']);
    expect(found[1]).toMatchObject({ baseUrl: 'https://res.openai.azure.com', defaultModel: 'gpt4o-prod', apiVersion: '2024-10-21' });
    expect(found[2]).toMatchObject({ keyVariable: 'GOOGLE_API_KEY', apiKey: 'AIzaSyTest' });
  });

  it('finds a local Ollama from OLLAMA_HOST, without a key', () => {
    expect(detectConnections([{ label: 'environment', vars: { OLLAMA_HOST: '0.0.0.0' } }], providers)).toEqual([
      expect.objectContaining({ provider: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', variables: ['OLLAMA_HOST'] }),
    ]);
    expect(detectConnections([{ label: 'environment', vars: { OLLAMA_HOST: 'http://gpu-box:9999' } }], providers)[0]!.baseUrl).toBe('http://gpu-box:9999/v1');
  });

  it('ignores empty values, keys with whitespace and base URLs that are not http(s) without credentials', () => {
    const found = detectConnections([{ label: 'environment', vars: { OPENAI_API_KEY: '  ', ANTHROPIC_API_KEY: 'two words', GROQ_API_KEY: 'gsk_ok', GROQ_BASE_URL: 'https://user:pw@groq.example' } }], providers);
    expect(found).toEqual([expect.objectContaining({ provider: 'groq', apiKey: 'gsk_ok' })]);
    expect(found[0]!.baseUrl).toBeUndefined();
  });

  it('ignores a base URL with a query string or fragment, which the daemon refuses', () => {
    for (const url of ['https://groq.example/v1?key=gsk_in_url', 'https://groq.example/v1#x']) {
      const found = detectConnections([{ label: 'environment', vars: { GROQ_API_KEY: 'gsk_ok', GROQ_BASE_URL: url } }], providers);
      expect(found).toEqual([expect.objectContaining({ provider: 'groq', apiKey: 'gsk_ok' })]);
      expect(found[0]!.baseUrl).toBeUndefined();
    }
  });

  it('lists the same settings found in the environment and .env once, naming both sources', () => {
    const vars = { OPENAI_API_KEY: 'sk-same-1234' };
    const found = detectConnections([{ label: 'environment', vars }, { label: '.env', vars: { ...vars } }], providers);
    expect(found).toEqual([expect.objectContaining({ name: 'OpenAI', source: 'environment, .env' })]);
  });

  it('lists different keys for one provider separately, named by source', () => {
    const found = detectConnections([{ label: 'environment', vars: { OPENAI_API_KEY: 'sk-one-1111' } }, { label: '.env', vars: { OPENAI_API_KEY: 'sk-two-2222' } }], providers);
    expect(found.map((c) => c.name)).toEqual(['OpenAI (environment)', 'OpenAI (.env)']);
  });

  it('suggests names that do not clash with existing connections', () => {
    const found = detectConnections([{ label: 'environment', vars: { OPENAI_API_KEY: 'sk-x-12345' } }], providers, ['openai', 'OpenAI 2']);
    expect(found[0]!.name).toBe('OpenAI 3');
  });

  it('finds nothing in an unrelated environment', () => {
    expect(detectConnections([{ label: 'environment', vars: { PATH: '/usr/bin', HOME: '/root' } }], providers)).toEqual([]);
  });
});

describe('helpers', () => {
  it('guesses providers from key prefixes when there is no URL', () => {
    expect(guessProvider(undefined, 'sk-ant-api03-x', known)).toBe('anthropic');
    expect(guessProvider(undefined, 'gsk_abc', known)).toBe('groq');
    expect(guessProvider(undefined, 'sk-proj-abc', known)).toBe('openai');
    expect(guessProvider(undefined, 'whatever', known)).toBe('custom');
    expect(guessProvider('http://localhost:1234/v1', undefined, known)).toBe('lmstudio');
  });

  it('masks a key like the daemon: its last four characters at most', () => {
    expect(maskKey('sk-test-abcd')).toBe('…abcd');
    expect(maskKey('abcdef')).toBe('…ef');
    expect(maskKey('ab')).toBe('…');
  });

  it('fingerprints like the daemon (first 8 hex of SHA-256)', () => {
    expect(fingerprint('abc')).toBe('ba7816bf');
  });

  it('numbers names until one is free', () => {
    expect(uniqueName('A', [])).toBe('A');
    expect(uniqueName('A', ['a', 'A 2'])).toBe('A 3');
  });

  it('names every watched variable for the "nothing found" message', () => {
    expect(watchedVariables(providers)).toEqual(expect.arrayContaining(['LLM_BASE_URL', 'LLM_API_KEY', 'LLM_MODEL', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OLLAMA_HOST']));
  });
});
