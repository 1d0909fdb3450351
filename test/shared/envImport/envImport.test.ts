/**
 * The rules shared by `switchboard import-env` and VS Code's "Import from Environment"
 * (shared/envImport): the `.env` parser with dotenv-style expansion, and which variables make which
 * connection — values the daemon would refuse are reported by variable and source, never imported.
 */
import { describe, expect, it } from 'vitest';
import { keyFingerprint as fingerprint, keyHint as maskKey } from '../../../shared/rules/keyMask';
import {
  detectConnections as detect,
  dotEnvSource,
  guessProvider,
  ollamaBaseUrl,
  parseDotEnv,
  uniqueName,
  watchedVariables,
  type EnvSource,
  type ProviderHint,
} from '../../../shared/envImport';
import { BUILT_IN_PROVIDERS } from '../../../daemon/catalog/builtInProviders';

const providers: ProviderHint[] = [
  { id: 'openai', name: 'OpenAI', envVar: 'OPENAI_API_KEY' },
  { id: 'anthropic', name: 'Anthropic', envVar: 'ANTHROPIC_API_KEY' },
  { id: 'azure-openai', name: 'Azure OpenAI', envVar: 'AZURE_OPENAI_API_KEY' },
  { id: 'gemini', name: 'Google Gemini', envVar: 'GEMINI_API_KEY' },
  { id: 'groq', name: 'Groq', envVar: 'GROQ_API_KEY' },
  { id: 'openrouter', name: 'OpenRouter', envVar: 'OPENROUTER_API_KEY' },
  { id: 'ollama', name: 'Ollama' },
  { id: 'lmstudio', name: 'LM Studio' },
  { id: 'custom', name: 'Custom (OpenAI-compatible)' },
];
const known = new Set(providers.map((p) => p.id));
const values = (text: string, env: Record<string, string> = {}) => parseDotEnv(text, (n) => env[n]).values;
/** Detection over sources given as the old list: the first is the environment, the rest are files. */
const detectConnections = (sources: EnvSource[], hints: readonly ProviderHint[], existing: string[] = []) =>
  detect(
    {
      environment: sources[0]!.label === 'environment' ? sources[0]! : { label: 'environment', vars: {} },
      files: sources.filter((s) => s.label !== 'environment'),
    },
    hints,
    existing,
  ).candidates;

describe('parseDotEnv', () => {
  it('reads KEY=value lines, skipping comments and blank lines', () => {
    expect(values('# comment\n\nA=1\nB = two words \n')).toEqual({ A: '1', B: 'two words' });
  });

  it('accepts export prefixes and CRLF line endings', () => {
    expect(values('export OPENAI_API_KEY=sk-abc\r\nX=y\r\n')).toEqual({ OPENAI_API_KEY: 'sk-abc', X: 'y' });
  });

  it('strips inline comments after whitespace, but keeps # inside a value', () => {
    expect(values('A=value # note\nB=abc#def\nC=#not-a-value')).toEqual({ A: 'value', B: 'abc#def', C: '' });
  });

  it('keeps single-quoted and backtick values literal', () => {
    expect(values("A='x # y \\n'\nB=`z`")).toEqual({ A: 'x # y \\n', B: 'z' });
  });

  it('expands escapes in double quotes and lets them span lines', () => {
    expect(values('A="line1\\nline2 \\"q\\""\nB="multi\nline"\nC=after')).toEqual({
      A: 'line1\nline2 "q"',
      B: 'multi\nline',
      C: 'after',
    });
  });

  it('lets a later assignment win and skips malformed lines', () => {
    expect(values('A=1\nnot a line\n=nokey\nA=2')).toEqual({ A: '2' });
  });

  it('leaves out a value whose quote is never closed, naming the variable and line', () => {
    const parsed = parseDotEnv('A=1\nOPENAI_API_KEY="sk-open-1234\nB=2');
    expect(parsed.values).toEqual({ A: '1', B: '2' }); // the line with the open quote is left out, the next lines are read
    expect(parsed.problems).toEqual([
      { variable: 'OPENAI_API_KEY', line: 2, message: expect.stringMatching(/quote that is never closed/) },
    ]);
    expect(JSON.stringify(parsed.problems)).not.toContain('sk-open');
    expect(parseDotEnv("K='x\nL=1").problems[0]).toMatchObject({ variable: 'K', line: 1 });
  });

  it('expands ${VAR}, ${VAR:-default}, ${VAR-default} and $VAR: the environment first, then earlier lines', () => {
    const text = [
      'HOST=files.example',
      'URL=https://${HOST}/v1',
      'KEY="$SECRET"',
      'A=${UNSET:-fallback}',
      'B=${EMPTY-kept}',
      'C=${EMPTY:-used}',
      'D=\\${HOST}',
      "E='${HOST}'",
      'F=`$HOST`',
      'G="cost \\$5"',
    ].join('\n');
    expect(values(text, { SECRET: 'sk-from-env', HOST: 'env.example', EMPTY: '' })).toEqual({
      HOST: 'files.example',
      URL: 'https://env.example/v1', // the environment wins over the file, as with dotenv
      KEY: 'sk-from-env',
      A: 'fallback',
      B: '',
      C: 'used',
      D: '${HOST}',
      E: '${HOST}',
      F: '$HOST',
      G: 'cost $5',
    });
    expect(values('HOST=files.example\nURL=https://${HOST}/v1').URL).toBe('https://files.example/v1');
  });

  it('leaves out a value that refers to a variable set nowhere, naming both', () => {
    const parsed = parseDotEnv('OPENAI_API_KEY=${MY_OPENAI_KEY}\nLATER=${DEFINED_BELOW}\nDEFINED_BELOW=x');
    expect(parsed.values).toEqual({ DEFINED_BELOW: 'x' });
    expect(parsed.problems).toEqual([
      { variable: 'OPENAI_API_KEY', line: 1, message: expect.stringContaining('${MY_OPENAI_KEY}') },
      { variable: 'LATER', line: 2, message: expect.stringContaining('${DEFINED_BELOW}') },
    ]);
  });

  it('ignores a byte-order mark', () => {
    expect(values('\uFEFFA=1')).toEqual({ A: '1' });
  });
});

describe('detectConnections', () => {
  it('finds a provider from its key variable, with its base URL and model overrides', () => {
    const [c, ...rest] = detectConnections(
      [
        {
          label: 'environment',
          vars: {
            OPENAI_API_KEY: 'sk-test-1234',
            OPENAI_BASE_URL: 'https://proxy.example.com/v1',
            OPENAI_MODEL: 'gpt-4o',
            OPENAI_ORG_ID: 'org-1',
          },
        },
      ],
      providers,
    );
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      name: 'OpenAI',
      provider: 'openai',
      apiKey: 'sk-test-1234',
      keyVariable: 'OPENAI_API_KEY',
      baseUrl: 'https://proxy.example.com/v1',
      defaultModel: 'gpt-4o',
      organization: 'org-1',
      source: 'environment',
    });
    expect(c!.variables).toEqual(['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL', 'OPENAI_ORG_ID']);
  });

  it('reads the generic LLM_BASE_URL / LLM_API_KEY / LLM_MODEL as one connection, guessing the provider from the URL', () => {
    const found = detectConnections(
      [
        {
          label: '.env',
          vars: { LLM_BASE_URL: 'https://openrouter.ai/api/v1', LLM_API_KEY: 'sk-or-v1-abc', LLM_MODEL: 'meta/llama' },
        },
      ],
      providers,
    );
    expect(found).toEqual([
      expect.objectContaining({
        provider: 'openrouter',
        baseUrl: 'https://openrouter.ai/api/v1',
        apiKey: 'sk-or-v1-abc',
        defaultModel: 'meta/llama',
        source: '.env',
      }),
    ]);
  });

  it('treats an unknown LLM_BASE_URL as a custom OpenAI-compatible server', () => {
    const [c] = detectConnections(
      [{ label: 'environment', vars: { LLM_BASE_URL: 'http://10.0.0.5:8000/v1' } }],
      providers,
    );
    expect(c).toMatchObject({
      provider: 'custom',
      baseUrl: 'http://10.0.0.5:8000/v1',
      name: 'Custom (OpenAI-compatible)',
    });
    expect(c!.apiKey).toBeUndefined();
  });

  it('finds Anthropic, Azure (endpoint, deployment, api-version) and Gemini via GOOGLE_API_KEY', () => {
    const found = detectConnections(
      [
        {
          label: 'environment',
          vars: {
            ANTHROPIC_API_KEY: 'sk-ant-xyz',
            AZURE_OPENAI_API_KEY: 'abcdef0123',
            AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com',
            AZURE_OPENAI_DEPLOYMENT: 'gpt4o-prod',
            OPENAI_API_VERSION: '2024-10-21',
            GOOGLE_API_KEY: 'AIzaSyTest',
          },
        },
      ],
      providers,
    );
    expect(found.map((c) => c.provider)).toEqual(['anthropic', 'azure-openai', 'gemini']);
    expect(found[1]).toMatchObject({
      baseUrl: 'https://res.openai.azure.com',
      defaultModel: 'gpt4o-prod',
      apiVersion: '2024-10-21',
    });
    expect(found[2]).toMatchObject({ keyVariable: 'GOOGLE_API_KEY', apiKey: 'AIzaSyTest' });
  });

  it('finds a local Ollama from OLLAMA_HOST, without a key', () => {
    expect(detectConnections([{ label: 'environment', vars: { OLLAMA_HOST: '0.0.0.0' } }], providers)).toEqual([
      expect.objectContaining({ provider: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', variables: ['OLLAMA_HOST'] }),
    ]);
    expect(
      detectConnections([{ label: 'environment', vars: { OLLAMA_HOST: 'http://gpu-box:9999' } }], providers)[0]!
        .baseUrl,
    ).toBe('http://gpu-box:9999/v1');
  });

  it('ignores empty values, and reports a key with whitespace or a base URL with credentials by variable, without its value', () => {
    const { candidates, problems } = detect(
      {
        environment: {
          label: 'environment',
          vars: {
            OPENAI_API_KEY: '  ',
            ANTHROPIC_API_KEY: 'two words',
            GROQ_API_KEY: 'gsk_ok_12345',
            GROQ_BASE_URL: 'https://user:pw@groq.example',
            MISTRAL_API_KEY: 'm-ok-12345',
          },
        },
        files: [],
      },
      [...providers, { id: 'mistral', name: 'Mistral', envVar: 'MISTRAL_API_KEY' }],
    );
    expect(candidates).toEqual([expect.objectContaining({ provider: 'mistral', apiKey: 'm-ok-12345' })]);
    expect(problems).toEqual([
      {
        variable: 'ANTHROPIC_API_KEY',
        source: 'environment',
        message: expect.stringMatching(/^the key must not contain spaces.*not imported$/),
      },
      {
        variable: 'GROQ_BASE_URL',
        source: 'environment',
        message: expect.stringMatching(
          /^the value must be an http:\/\/ or https:\/\/ URL without credentials.*not imported$/,
        ),
      },
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/two words|user:pw/);
  });

  it('reports a base URL with a query string or fragment, which the daemon refuses', () => {
    for (const url of ['https://groq.example/v1?key=gsk_in_url', 'https://groq.example/v1#x']) {
      const { candidates, problems } = detect(
        {
          environment: { label: 'environment', vars: { GROQ_API_KEY: 'gsk_ok_12345', GROQ_BASE_URL: url } },
          files: [],
        },
        providers,
      );
      expect(candidates).toEqual([]);
      expect(problems).toEqual([expect.objectContaining({ variable: 'GROQ_BASE_URL', source: 'environment' })]);
    }
  });

  it('leaves out only the connection with a bad value, naming its variable and file (issue 13, item 14)', () => {
    const file = dotEnvSource(
      '/app/.env',
      'OPENAI_API_KEY=sk-good-1234\nLLM_BASE_URL=not a url\nLLM_API_KEY=sk-llm-5678\nOLLAMA_HOST=0.0.0.0',
      {},
    );
    const { candidates, problems } = detect(
      { environment: { label: 'environment', vars: { GROQ_API_KEY: 'gsk_env_1234' } }, files: [file.source] },
      providers,
    );
    expect(candidates.map((c) => [c.provider, c.source])).toEqual([
      ['groq', 'environment'],
      ['openai', '/app/.env'],
      ['ollama', '/app/.env'],
    ]);
    expect(problems).toEqual([
      {
        variable: 'LLM_BASE_URL',
        source: '/app/.env',
        message: expect.stringMatching(/http:\/\/ or https:\/\/ URL.*not imported/),
      },
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/--base-url|sk-llm/);
  });

  it('lets the environment fill what a .env file does not set, and records where the key came from', () => {
    const { candidates, problems } = detect(
      {
        environment: { label: 'environment', vars: { AZURE_OPENAI_API_KEY: 'abcdef0123' } },
        files: [{ label: '.env', vars: { AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/' } }],
      },
      providers,
    );
    expect(candidates).toEqual([
      expect.objectContaining({
        provider: 'azure-openai',
        baseUrl: 'https://res.openai.azure.com',
        keyFrom: 'environment',
        source: 'environment, .env',
        fields: { apiKey: 'AZURE_OPENAI_API_KEY', baseUrl: 'AZURE_OPENAI_ENDPOINT' },
      }),
    ]);
    // The environment read alone has the key without its endpoint: said once, as the reason it is not there.
    expect(problems).toEqual([
      expect.objectContaining({
        variable: 'AZURE_OPENAI_API_KEY',
        source: 'environment',
        message: expect.stringMatching(/AZURE_OPENAI_ENDPOINT/),
      }),
    ]);
  });

  it('maps the variables the CLI and the extension used to disagree on, with the real catalog', () => {
    const catalog = [...BUILT_IN_PROVIDERS];
    const { candidates } = detect(
      {
        environment: {
          label: 'environment',
          vars: {
            GOOGLE_API_KEY: 'AIzaTest',
            OPENAI_API_KEY: 'sk-x-1234',
            OPENAI_BASE_URL: 'https://proxy.example/v1/',
            AZURE_OPENAI_API_KEY: 'k-az-123456',
            AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
            AZURE_OPENAI_API_VERSION: '2024-10-21',
            LLM_API_KEY: 'sk-ant-llm',
          },
        },
        files: [],
      },
      catalog,
    );
    expect(candidates.map((c) => [c.provider, c.keyVariable, c.baseUrl, c.apiVersion])).toEqual([
      ['anthropic', 'LLM_API_KEY', undefined, undefined], // no LLM_BASE_URL: the provider is told by the key
      ['openai', 'OPENAI_API_KEY', 'https://proxy.example/v1', undefined],
      ['azure-openai', 'AZURE_OPENAI_API_KEY', 'https://r.openai.azure.com', '2024-10-21'],
      ['gemini', 'GOOGLE_API_KEY', undefined, undefined],
    ]);
  });

  it('turns OLLAMA_HOST into a loopback base URL', () => {
    expect(ollamaBaseUrl('0.0.0.0')).toBe('http://127.0.0.1:11434/v1');
    expect(ollamaBaseUrl(':8080')).toBe('http://127.0.0.1:8080/v1');
    expect(ollamaBaseUrl('localhost:8080')).toBe('http://localhost:8080/v1');
    expect(ollamaBaseUrl('https://ollama.internal')).toBe('https://ollama.internal:11434/v1');
    expect(ollamaBaseUrl('ftp://x')).toBeUndefined();
  });

  it('lists the same settings found in the environment and .env once, naming both sources', () => {
    const vars = { OPENAI_API_KEY: 'sk-same-1234' };
    const found = detectConnections(
      [
        { label: 'environment', vars },
        { label: '.env', vars: { ...vars } },
      ],
      providers,
    );
    expect(found).toEqual([expect.objectContaining({ name: 'OpenAI', source: 'environment, .env' })]);
  });

  it('lists different keys for one provider separately, named by source', () => {
    const found = detectConnections(
      [
        { label: 'environment', vars: { OPENAI_API_KEY: 'sk-one-1111' } },
        { label: '.env', vars: { OPENAI_API_KEY: 'sk-two-2222' } },
      ],
      providers,
    );
    expect(found.map((c) => c.name)).toEqual(['OpenAI (environment)', 'OpenAI (.env)']);
  });

  it('suggests names that do not clash with existing connections', () => {
    const found = detectConnections([{ label: 'environment', vars: { OPENAI_API_KEY: 'sk-x-12345' } }], providers, [
      'openai',
      'OpenAI 2',
    ]);
    expect(found[0]!.name).toBe('OpenAI 3');
  });

  it('finds nothing in an unrelated environment', () => {
    expect(detectConnections([{ label: 'environment', vars: { PATH: '/usr/bin', HOME: '/root' } }], providers)).toEqual(
      [],
    );
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
    expect(watchedVariables(providers)).toEqual(
      expect.arrayContaining([
        'LLM_BASE_URL',
        'LLM_API_KEY',
        'LLM_MODEL',
        'OPENAI_API_KEY',
        'ANTHROPIC_API_KEY',
        'OLLAMA_HOST',
      ]),
    );
  });
});
