/**
 * `switchboard import-env` against a real daemon that the CLI starts on demand: keys from `.env` go
 * to the vault, keys the daemon sees in its own environment become `env:NAME` references, and no
 * key ever appears in the CLI's output — only its mask.
 */
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

const DOTENV_CANARY = 'sk-canary-dotenv-7f3a9c21e0d4b8aa';
const ENV_CANARY = 'gsk_canary-env-52c1d9e07a6b3f11';
const FOREIGN_CANARY = 'sk-ant-canary-foreign-0c9e4d2b7a15';
const EXPANDED_CANARY = 'mistral-canary-expanded-41d05e77';
const UNTERMINATED_CANARY = 'xai-canary-unterminated-9b1f';
const LLM_CANARY = 'sk-canary-llm-3c8e2a90';
const CEREBRAS_CANARY = 'csk-canary-cerebras-7e21c0de';

let home: string;
let cwd: string;

beforeAll(() => {
  ensureBuilt();
  home = tempDir('sb-cli-env-');
  cwd = tempDir('sb-cli-cwd-');
  writeFileSync(
    path.join(cwd, '.env'),
    [
      '# keys for the demo',
      `export OPENAI_API_KEY="${DOTENV_CANARY}"`,
      'OLLAMA_HOST=0.0.0.0:11434',
      "LLM_MODEL='ignored-without-base-url' # comment",
      '',
    ].join('\n'),
  );
});

const dirs: string[] = [];

afterAll(async () => {
  if (home) await stopAndRemove(home);
  for (const dir of [cwd, ...dirs]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const leaks = (text: string) => [DOTENV_CANARY, ENV_CANARY, FOREIGN_CANARY].filter((c) => text.includes(c));

describe('switchboard import-env', () => {
  it('shows what it found with masked keys and requires --yes when not interactive', async () => {
    const r = await runCli(home, ['import-env'], { cwd, env: { GROQ_API_KEY: ENV_CANARY } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Started a Switchboard daemon in the background/); // auto-started, said on stderr
    expect(r.stderr).toMatch(/--yes/);
    expect(r.stdout).toMatch(/OpenAI\s+openai\s+OPENAI_API_KEY \(\S+\/\.env\)\s+…b8aa\s+vault\s+create/);
    expect(r.stdout).toMatch(/Groq\s+groq\s+GROQ_API_KEY \(environment\)\s+…3f11\s+env:GROQ_API_KEY\s+create/);
    expect(r.stdout).toMatch(/Ollama\s+ollama\s+OLLAMA_HOST \(\S+\/\.env\)\s+-\s+none\s+create/);
    expect(r.stderr).toMatch(/^warning: LLM_MODEL \(\S+\/\.env\) is set without LLM_BASE_URL/m);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });

  it('creates the connections: .env keys in the vault, keys the daemon sees as env:NAME', async () => {
    const r = await runCli(home, ['import-env', '--yes', '--json'], { cwd, env: { GROQ_API_KEY: ENV_CANARY } });
    expect(r.code, r.stderr).toBe(0);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    const out = r.json();
    const byName = Object.fromEntries(out.created.map((c: { name: string }) => [c.name, c]));
    expect(byName['OpenAI']).toMatchObject({
      provider: 'openai',
      keySource: 'vault',
      keyHint: '…b8aa',
      keyAvailable: true,
    });
    expect(byName['Groq']).toMatchObject({
      provider: 'groq',
      keySource: 'env:GROQ_API_KEY',
      keyHint: '…3f11',
      keyAvailable: true,
    });
    expect(byName['Ollama']).toMatchObject({
      provider: 'ollama',
      keySource: 'none',
      baseUrl: 'http://127.0.0.1:11434/v1',
    });
    expect(out.problems).toEqual([expect.objectContaining({ variable: 'LLM_MODEL', source: path.join(cwd, '.env') })]);
    expect(out.failed).toEqual([]);
  });

  it('skips what was imported before (same provider and key, or the same keyless endpoint)', async () => {
    const r = await runCli(home, ['import-env', '--yes', '--json'], { cwd, env: { GROQ_API_KEY: ENV_CANARY } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().created).toEqual([]);
    expect(r.json().found.every((f: { action: string }) => f.action === 'skip')).toBe(true);
  });

  it('stores a key the daemon cannot see in its environment in the vault instead', async () => {
    // The daemon was started by the first run, whose environment had no ANTHROPIC_API_KEY.
    const r = await runCli(home, ['import-env', '--yes'], { cwd, env: { ANTHROPIC_API_KEY: FOREIGN_CANARY } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/does not see this \$ANTHROPIC_API_KEY/);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    const list = (await runCli(home, ['connections', 'list', '--json'])).json();
    expect(list.connections.find((c: { name: string }) => c.name === 'Anthropic')).toMatchObject({
      keySource: 'vault',
      keyHint: '…7a15',
      keyAvailable: true,
    });
    expect(leaks(JSON.stringify(list))).toEqual([]);
  });

  it('imports what is valid and names each variable left out, with its file (issue 13, item 14)', async () => {
    const dir = tempDir('sb-cli-cwd-bad-');
    dirs.push(dir);
    const file = path.join(dir, '.env');
    writeFileSync(
      file,
      [
        'MISTRAL_API_KEY=${MY_MISTRAL_KEY}', // expanded from the environment, as dotenv-expand does
        'DEEPSEEK_API_KEY=${NOT_SET_ANYWHERE}',
        `XAI_API_KEY="${UNTERMINATED_CANARY}`,
        'LLM_BASE_URL=not a url',
        `LLM_API_KEY=${LLM_CANARY}`,
        `CEREBRAS_API_KEY=${CEREBRAS_CANARY}`,
        '',
      ].join('\n'),
    );
    const env = { MY_MISTRAL_KEY: EXPANDED_CANARY };
    const preview = await runCli(home, ['import-env'], { cwd: dir, env });
    expect(preview.code).toBe(2);
    expect(preview.stderr).toContain('Found 2 connection(s) to create');
    const r = await runCli(home, ['import-env', '--yes', '--json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(
      out.created.map((c: { name: string; keySource: string; keyHint: string }) => [c.name, c.keySource, c.keyHint]),
    ).toEqual([
      ['Mistral', 'vault', '…5e77'],
      ['Cerebras', 'vault', '…c0de'],
    ]);
    expect(out.problems.map((p: { variable: string; source: string }) => [p.variable, p.source])).toEqual([
      ['DEEPSEEK_API_KEY', `${file}:2`],
      ['XAI_API_KEY', `${file}:3`],
      ['LLM_BASE_URL', file],
    ]);
    expect(r.stderr).toMatch(
      new RegExp(
        `^warning: LLM_BASE_URL \\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) the value must be an http`,
        'm',
      ),
    );
    expect(r.stderr).toMatch(/XAI_API_KEY .*quote that is never closed/);
    expect(r.stderr).toMatch(/DEEPSEEK_API_KEY .*\$\{NOT_SET_ANYWHERE\}/);
    expect(r.stdout + r.stderr).not.toContain('--base-url');
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    expect(r.stdout + r.stderr).not.toMatch(
      new RegExp([EXPANDED_CANARY, UNTERMINATED_CANARY, LLM_CANARY, CEREBRAS_CANARY].join('|')),
    );
  }, 60_000);
});
