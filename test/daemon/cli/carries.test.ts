/**
 * `switchboard connections add|edit|show|enable|disable` with what a connection carries: a
 * description, the enabled switch and generation defaults. The built CLI, a real daemon on a temp home.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

const KEY = 'sk-good-cli-carries-0001';
let up: MockUpstream;
let home: string;
const cli = (args: string[], opts?: Parameters<typeof runCli>[2]) => runCli(home, args, opts);

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({ validKeys: [KEY] });
  home = tempDir('sb-cli-carries-');
}, 60_000);
afterAll(async () => {
  if (home) await stopAndRemove(home);
  await up?.close();
});

describe('connections with a description, defaults and an on/off switch', () => {
  it('adds them with flags, shows them, changes one default keeping the other, and clears them', async () => {
    const added = await cli(
      [
        'connections',
        'add',
        '--name',
        'Team',
        '--provider',
        'openai',
        '--base-url',
        up.openaiBaseUrl,
        '--model',
        'gpt-5.4',
        '--description',
        'Search team bot',
        '--temperature',
        '0.3',
        '--max-tokens',
        '500',
        '--key-stdin',
        '--json',
      ],
      { input: `${KEY}\n` },
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.json().connection).toMatchObject({
      description: 'Search team bot',
      enabled: true,
      generationDefaults: { temperature: 0.3, maxTokens: 500 },
    });

    const shown = await cli(['connections', 'show', 'Team']);
    expect(shown.stdout).toMatch(/description:\s+Search team bot/);
    expect(shown.stdout).toMatch(/enabled:\s+yes/);
    expect(shown.stdout).toMatch(/last used:\s+never/);
    expect(shown.stdout).toMatch(/defaults:\s+temperature 0\.3, max 500 tokens/);

    const edited = await cli(['connections', 'edit', 'Team', '--temperature', '1', '--json']);
    expect(edited.json().connection.generationDefaults).toEqual({ temperature: 1, maxTokens: 500 });
    const cleared = await cli([
      'connections',
      'edit',
      'Team',
      '--unset',
      'max-tokens,temperature,description',
      '--json',
    ]);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.json().connection.generationDefaults).toBeUndefined();
    expect(cleared.json().connection.description).toBeUndefined();

    const bad = await cli(['connections', 'edit', 'Team', '--temperature', '5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--temperature must be a number from 0 to 2');
  }, 90_000);

  it('disables and enables a connection; a chat on a disabled one says how to turn it on', async () => {
    const off = await cli(['connections', 'disable', 'Team']);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toContain('Team is disabled.');
    const listed = await cli(['connections', 'list']);
    expect(listed.stdout).toMatch(/Team.*disabled/);
    const chat = await cli(['chat', '-c', 'Team', 'hi']);
    expect(chat.code).not.toBe(0);
    expect(chat.stderr).toContain('is disabled');
    expect(chat.stderr).toContain('switchboard connections enable "Team"');
    const on = await cli(['connections', 'enable', 'Team', '--json']);
    expect(on.json().connection.enabled).toBe(true);
  }, 90_000);

  it('lists the test history without running a test', async () => {
    // (The daemon's scheduler may have tested it already: only the manual test is looked for.)
    const tested = await cli(['connections', 'test', 'Team']);
    expect(tested.code, tested.stderr).toBe(0);
    const table = await cli(['connections', 'test', 'Team', '--history']);
    expect(table.stdout).toMatch(/TESTED\s+STATUS\s+STAGE\s+BY\s+REASON/);
    expect(table.stdout).toMatch(/ok\s+-\s+manual/);
    const json = await cli(['connections', 'test', 'Team', '--history', '--json']);
    expect(json.json().entries[0]).toMatchObject({ status: 'ok', trigger: 'manual' });
  }, 90_000);
});
