/**
 * `switchboard audit`: the audit log in the terminal, with the built CLI against a real daemon on a
 * temp home — tests and refused keys beside changes, the filters (--connection, --action, --since,
 * --limit), --json, and usage errors that say what to type instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

const GOOD = 'sk-good-cli-audit-000000000001';
const BAD = 'sk-bad-cli-audit-0000000000002';
let up: MockUpstream;
let home: string;
const cli = (args: string[], opts?: Parameters<typeof runCli>[2]) => runCli(home, args, opts);

const add = async (name: string, key: string) => {
  const r = await cli(
    [
      'connections',
      'add',
      '--name',
      name,
      '--provider',
      'openai',
      '--base-url',
      up.openaiBaseUrl,
      '--model',
      'gpt-5.4',
      '--key-stdin',
    ],
    { input: `${key}\n` },
  );
  expect(r.code, r.stderr).toBe(0);
};

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({ validKeys: [GOOD] });
  home = tempDir('sb-cli-audit-');
  await add('Good', GOOD);
  await add('Bad', BAD);
  expect((await cli(['connections', 'test', 'Bad'])).code).toBe(1);
  expect((await cli(['connections', 'test', 'Good'])).code).toBe(0);
}, 60_000);
afterAll(async () => {
  if (home) await stopAndRemove(home);
  await up?.close();
});

describe('switchboard audit', () => {
  it('shows changes, tests and refused keys in words, newest last', async () => {
    const r = await cli(['audit']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/WHEN\s+CONNECTION\s+WHAT\s+BY\s+DETAILS/);
    expect(r.stdout).toMatch(/Bad\s+keyRejected\s+\S+\s+key rejected \(401\) on connection test/);
    expect(r.stdout).toMatch(
      /Bad\s+connectionTest\s+\S+\s+error \(manual\) at authentication: The key was rejected \(401\)/,
    );
    expect(r.stdout).toMatch(/Good\s+connectionTest\s+\S+\s+ok \(manual\): Works/);
    expect(r.stdout).toMatch(/\(just now\)|min ago/);
    const order = ['Good\\s+create', 'Bad\\s+create', 'Bad\\s+connectionTest', 'Good\\s+connectionTest'].map((p) =>
      r.stdout.search(new RegExp(p)),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(r.stdout).not.toContain(BAD);
    expect(r.stdout).not.toContain(GOOD);
  });

  it('narrows by connection, kind, time and count, and gives JSON', async () => {
    const bad = (await cli(['audit', '--connection', 'Bad', '--json'])).json<{ entries: Array<{ name: string }> }>();
    expect(bad.entries.length).toBeGreaterThanOrEqual(3);
    expect(bad.entries.every((e) => e.name === 'Bad')).toBe(true);

    const refused = (await cli(['audit', '--action', 'refused', '--json'])).json<{
      entries: Array<{ action: string; details: { status: number; surface: string } }>;
    }>();
    expect(refused.entries.map((e) => [e.action, e.details.status, e.details.surface])).toEqual([
      ['keyRejected', 401, 'connection test'],
    ]);
    const tests = (await cli(['audit', '--action', 'tests,create', '--json'])).json<{
      entries: Array<{ action: string }>;
    }>();
    expect(new Set(tests.entries.map((e) => e.action))).toEqual(new Set(['connectionTest', 'create']));

    const last = (await cli(['audit', '--limit', '1', '--json'])).json<{
      entries: Array<{ action: string; name: string }>;
    }>();
    expect(last.entries).toHaveLength(1);
    expect(last.entries[0]).toMatchObject({ action: 'connectionTest', name: 'Good' });

    expect(
      (await cli(['audit', '--since', '1h', '--json'])).json<{ entries: unknown[] }>().entries.length,
    ).toBeGreaterThan(4);
    expect((await cli(['audit', '--since', '2999-01-01'])).stdout).toMatch(/No audit entries match\./);
  });

  it('refuses a kind or a time it cannot read with exit 2 and what to type', async () => {
    const kind = await cli(['audit', '--action', 'sneezes']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/"sneezes" is not a kind of audit entry/);
    expect(kind.stderr).toMatch(/connectionTest, keyRejected/);
    const time = await cli(['audit', '--since', 'last tuesday']);
    expect(time.code).toBe(2);
    expect(time.stderr).toMatch(/--since must be a time or an age/);
    expect(time.stderr).toMatch(/7d/);
    const unknown = await cli(['audit', '--connection', 'Nope']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/No connection is named "Nope"/);
  });
});
