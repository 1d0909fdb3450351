/**
 * `switchboard import-env` against a real daemon that the CLI starts on demand: keys from `.env` go
 * to the vault, keys the daemon sees in its own environment become `env:NAME` references, and no
 * key ever appears in the CLI's output — only its mask.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

const DOTENV_CANARY = 'sk-canary-dotenv-7f3a9c21e0d4b8aa';
const ENV_CANARY = 'gsk_canary-env-52c1d9e07a6b3f11';
const FOREIGN_CANARY = 'sk-ant-canary-foreign-0c9e4d2b7a15';

let home: string;
let cwd: string;

beforeAll(() => {
  ensureBuilt();
  home = tempDir('sb-cli-env-');
  cwd = tempDir('sb-cli-cwd-');
  writeFileSync(
    path.join(cwd, '.env'),
    ['# keys for the demo', `export OPENAI_API_KEY="${DOTENV_CANARY}"`, 'OLLAMA_HOST=0.0.0.0:11434', "LLM_MODEL='ignored-without-base-url' # comment", ''].join('\n'),
  );
});

afterAll(async () => {
  if (home) await stopAndRemove(home);
});

const leaks = (text: string) => [DOTENV_CANARY, ENV_CANARY, FOREIGN_CANARY].filter((c) => text.includes(c));

describe('switchboard import-env', () => {
  it('shows what it found with masked keys and requires --yes when not interactive', async () => {
    const r = await runCli(home, ['import-env'], { cwd, env: { GROQ_API_KEY: ENV_CANARY } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Started a Switchboard daemon in the background/); // auto-started, said on stderr
    expect(r.stderr).toMatch(/--yes/);
    expect(r.stdout).toMatch(/OpenAI \(env\)\s+openai\s+OPENAI_API_KEY \(\.env\)\s+…b8aa\s+vault\s+create/);
    expect(r.stdout).toMatch(/Groq \(env\)\s+groq\s+GROQ_API_KEY \(env\)\s+…3f11\s+env:GROQ_API_KEY\s+create/);
    expect(r.stdout).toMatch(/Ollama \(env\)\s+ollama\s+OLLAMA_HOST \(\.env\)\s+-\s+none\s+create/);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });

  it('creates the connections: .env keys in the vault, keys the daemon sees as env:NAME', async () => {
    const r = await runCli(home, ['import-env', '--yes', '--json'], { cwd, env: { GROQ_API_KEY: ENV_CANARY } });
    expect(r.code, r.stderr).toBe(0);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    const out = r.json();
    const byName = Object.fromEntries(out.created.map((c: { name: string }) => [c.name, c]));
    expect(byName['OpenAI (env)']).toMatchObject({ provider: 'openai', keySource: 'vault', keyHint: '…b8aa', keyAvailable: true });
    expect(byName['Groq (env)']).toMatchObject({ provider: 'groq', keySource: 'env:GROQ_API_KEY', keyHint: '…3f11', keyAvailable: true });
    expect(byName['Ollama (env)']).toMatchObject({ provider: 'ollama', keySource: 'none', baseUrl: 'http://127.0.0.1:11434/v1' });
    expect(out.ignored).toEqual([expect.objectContaining({ variable: 'LLM_MODEL' })]);
  });

  it('skips names that exist', async () => {
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
    expect(list.connections.find((c: { name: string }) => c.name === 'Anthropic (env)')).toMatchObject({ keySource: 'vault', keyHint: '…7a15', keyAvailable: true });
    expect(leaks(JSON.stringify(list))).toEqual([]);
  });
});
