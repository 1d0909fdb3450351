/**
 * `switchboard models <conn>` agrees with the connection's allowedModels: the models the provider
 * lists but the connection does not allow are marked (table) and flagged `allowed: false` (JSON).
 * The built CLI, a real daemon on a temp home, the OpenAI-format mock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

const KEY = 'sk-good-cli-allowed-0001';
let up: MockUpstream;
let home: string;
const cli = (args: string[], opts?: Parameters<typeof runCli>[2]) => runCli(home, args, opts);

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({ validKeys: [KEY], models: ['gpt-5.4', 'gpt-5.4-mini', 'gpt-4o'] });
  home = tempDir('sb-cli-allowed-');
  const added = await cli(
    [
      'connections',
      'add',
      '--name',
      'Narrow',
      '--provider',
      'openai',
      '--base-url',
      up.openaiBaseUrl,
      '--model',
      'gpt-5.4',
      '--allowed-models',
      'gpt-5.4,gpt-4o',
      '--key-stdin',
      '--json',
    ],
    { input: `${KEY}\n` },
  );
  expect(added.code, added.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  if (home) await stopAndRemove(home);
  await up?.close();
});

describe('switchboard models with allowedModels', () => {
  it('flags the models the connection does not allow, in JSON and in the table', async () => {
    const json = await cli(['models', 'Narrow', '--refresh', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const out = json.json();
    expect(out.connection.allowedModels).toEqual(['gpt-5.4', 'gpt-4o']);
    const flags = Object.fromEntries(out.models.map((m: { id: string; allowed?: boolean }) => [m.id, m.allowed]));
    expect(flags).toEqual({ 'gpt-5.4': undefined, 'gpt-5.4-mini': false, 'gpt-4o': undefined });

    const table = await cli(['models', 'Narrow']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/gpt-5\.4 \(default\)/);
    expect(table.stdout).toMatch(/gpt-5\.4-mini \(not allowed\)/);
    expect(table.stdout).not.toMatch(/gpt-4o \(not allowed\)/);
    expect(table.stderr).toContain('Narrow allows only gpt-5.4, gpt-4o (allowedModels): 2 of the 3 listed can be used');
  });

  it('refuses a default model outside allowedModels when adding a connection', async () => {
    const r = await cli(
      [
        'connections',
        'add',
        '--name',
        'Bad',
        '--provider',
        'openai',
        '--base-url',
        up.openaiBaseUrl,
        '--model',
        'gpt-5.4-mini',
        '--allowed-models',
        'gpt-5.4',
        '--key-stdin',
      ],
      { input: `${KEY}\n` },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"gpt-5.4-mini" is not one of the connection\'s allowedModels (gpt-5.4)');
  });
});
