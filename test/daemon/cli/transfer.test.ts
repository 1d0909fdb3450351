/**
 * `switchboard export [--file F]` and `switchboard import F` as a person runs them: the export file
 * holds no key, import previews and asks for --yes off a terminal, and other tools' files
 * (test/fixtures/import/) come in with keys only as environment references — a key written in such
 * a file reaches no output, no connection and no file of the home.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

const KEY = 'sk-cli-transfer-canary-4d1f9b0e7a';
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'import');
const PLAINTEXT = /CANARY/;
/** Each test runs several CLI processes (a second or more each on a busy machine). */
const CLI_TEST_TIMEOUT_MS = 90_000;
let home: string;
let other: string;
let work: string;

beforeAll(() => {
  ensureBuilt();
  home = tempDir('sb-cli-export-');
  other = tempDir('sb-cli-import-');
  work = tempDir('sb-cli-files-');
});
afterAll(async () => {
  for (const h of [home, other]) if (h) await stopAndRemove(h);
});

/** Every file under a home, as text. */
function homeText(dir: string): string {
  const { readdirSync, statSync } = require('node:fs') as typeof import('node:fs');
  return readdirSync(dir)
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'latin1'))
    .join('\n');
}

describe('switchboard export / import', () => {
  it(
    'exports to a file without the key, and imports it elsewhere after a preview',
    async () => {
      expect(
        (
          await runCli(
            home,
            [
              'connections',
              'add',
              '--name',
              'Main',
              '--provider',
              'openai',
              '--model',
              'gpt-4o-mini',
              '--key-stdin',
              '--budget',
              'month:20',
            ],
            { input: `${KEY}\n` },
          )
        ).code,
      ).toBe(0);
      const file = path.join(work, 'switchboard.json');
      const exported = await runCli(home, ['export', '--file', file]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stderr).toMatch(/1 will need their key again/);
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(KEY.slice(-12));
      expect(JSON.parse(text)).toMatchObject({
        format: 'switchboard-export',
        schemaVersion: 1,
        connections: [{ name: 'Main', key: { source: 'needsKey' }, budget: { period: 'month', amount: 20 } }],
      });
      expect((await runCli(home, ['export'])).stdout).not.toContain(KEY.slice(-12));

      const refused = await runCli(other, ['import', file]);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toMatch(/connection\s+Main\s+needs a key\s+create\s+a key/);
      expect(refused.stderr).toMatch(/--yes/);
      const done = await runCli(other, ['import', file, '--yes', '--json']);
      expect(done.code, done.stderr).toBe(0);
      expect(done.json().connections).toEqual([
        expect.objectContaining({ name: 'Main', keyAvailable: false, budget: { period: 'month', amount: 20 } }),
      ]);
      expect(done.stderr).toMatch(/switchboard key set/);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'imports a Roo Code settings export without reading its plaintext keys',
    async () => {
      const r = await runCli(other, ['import', path.join(FIXTURES, 'roo-code-settings.json'), '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = r.json();
      expect(out.format).toBe('roo');
      expect(
        out.connections.map((c: { name: string; keyAvailable: boolean; keyHint?: string }) => [
          c.name,
          c.keyAvailable,
          c.keyHint,
        ]),
      ).toEqual([
        ['default', false, undefined],
        ['work-litellm', false, undefined],
        ['openrouter', false, undefined],
        ['local', true, undefined],
      ]);
      expect(r.stdout + r.stderr).not.toMatch(PLAINTEXT);
      await runCli(other, ['daemon', 'stop']);
      expect(homeText(other)).not.toMatch(PLAINTEXT);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'previews a LiteLLM config with --dry-run, and fails naming an unreadable file',
    async () => {
      const dry = await runCli(other, ['import', path.join(FIXTURES, 'litellm-config.yaml'), '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/gpt-4o \(2\)\s+env:AZURE_API_KEY_CA\s+create/);
      expect(dry.stderr).toMatch(/master_key/);
      expect(dry.stdout + dry.stderr).not.toMatch(PLAINTEXT);
      const bad = path.join(work, 'bad.json');
      require('node:fs').writeFileSync(bad, '{"nothing": true}');
      const r = await runCli(other, ['import', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a format Switchboard imports/);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
