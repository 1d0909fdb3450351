/** The pure parts of the CLI: the `.env` parser, the environment scan, argument splitting and tables. */
import { describe, expect, it } from 'vitest';
import { refuseKeyFlags, splitCommand, UsageError } from '../../../daemon/cli/args';
import { parseDotEnv } from '../../../shared/client/dotenv';
import { ollamaBaseUrl, scanEnvironment } from '../../../daemon/cli/envScan';
import { formatTable } from '../../../daemon/cli/output';
import { BUILT_IN_PROVIDERS } from '../../../daemon/providers/catalog';

describe('parseDotEnv', () => {
  it('reads plain, quoted and exported values and skips comments', () => {
    const env = parseDotEnv(
      [
        '# comment',
        '',
        'A=plain value # trailing comment',
        'export B="double \\"quoted\\"\\nnext"',
        "C='single # not a comment'",
        'D =  spaced  ',
        'E="multi',
        'line"',
        'not a line',
        'F=',
      ].join('\r\n'),
    );
    expect(env).toEqual({ A: 'plain value', B: 'double "quoted"\nnext', C: 'single # not a comment', D: 'spaced', E: 'multi\nline', F: '' });
  });
});

describe('scanEnvironment', () => {
  const providers = [...BUILT_IN_PROVIDERS];

  it('maps key variables through the catalog, the process environment winning over .env', () => {
    const scan = scanEnvironment(providers, { OPENAI_API_KEY: 'sk-from-env' }, { OPENAI_API_KEY: 'sk-from-file', MISTRAL_API_KEY: 'm-key' });
    expect(scan.candidates.map((c) => [c.name, c.provider.id, c.key?.from, c.key?.value])).toEqual([
      ['OpenAI (env)', 'openai', 'env', 'sk-from-env'],
      ['Mistral (env)', 'mistral', '.env', 'm-key'],
    ]);
  });

  it('needs an endpoint for Azure and a base URL for LLM_*', () => {
    const without = scanEnvironment(providers, { AZURE_OPENAI_API_KEY: 'k', LLM_API_KEY: 'k2' }, {});
    expect(without.candidates).toEqual([]);
    expect(without.ignored.map((i) => i.variable).sort()).toEqual(['AZURE_OPENAI_API_KEY', 'LLM_API_KEY']);
    const withAll = scanEnvironment(providers, { AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com/', LLM_BASE_URL: 'https://api.groq.com/openai/v1/', LLM_MODEL: 'm' }, {});
    expect(withAll.candidates.map((c) => [c.name, c.provider.id, c.baseUrl, c.defaultModel])).toEqual([
      ['LLM (env)', 'groq', 'https://api.groq.com/openai/v1', 'm'],
      ['Azure OpenAI (env)', 'azure-openai', 'https://x.openai.azure.com', undefined],
    ]);
  });

  it('turns OLLAMA_HOST into a loopback base URL', () => {
    expect(ollamaBaseUrl('0.0.0.0')).toBe('http://127.0.0.1:11434/v1');
    expect(ollamaBaseUrl('localhost:8080')).toBe('http://localhost:8080/v1');
    expect(ollamaBaseUrl('https://ollama.internal')).toBe('https://ollama.internal:11434/v1');
  });
});

describe('argument handling', () => {
  it('finds command words around global flags', () => {
    const hasSub = (g: string) => g === 'connections';
    expect(splitCommand(['--home', '/h', 'connections', '--json', 'add', '--name', 'x'], hasSub)).toEqual({ group: 'connections', sub: 'add', rest: ['--home', '/h', '--json', '--name', 'x'] });
    expect(splitCommand(['chat', 'add'], hasSub)).toEqual({ group: 'chat', rest: ['add'] });
  });

  it('refuses key flags', () => {
    expect(() => refuseKeyFlags(['--api-key=sk-x'])).toThrow(UsageError);
    expect(() => refuseKeyFlags(['--key', 'sk-x'])).toThrow(/--key is not accepted/);
    expect(() => refuseKeyFlags(['--key-stdin', '--key-env', 'X'])).not.toThrow();
  });

  it('aligns table columns by visible width', () => {
    expect(formatTable(['A', 'B'], [['\u001b[32mok\u001b[0m', 'x'], ['long', 'y']])).toBe('A     B\n\u001b[32mok\u001b[0m    x\nlong  y\n');
  });
});
