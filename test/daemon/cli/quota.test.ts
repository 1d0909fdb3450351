/**
 * `switchboard connections show` prints how much of each capacity limit is used and left now, and
 * what the provider reported of its own limits (a table, and `quota` in `--json`). The built CLI, a
 * real daemon on a temp home, the mock upstream sending rate-limit headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

const KEY = 'sk-good-cli-quota-0001';
let up: MockUpstream;
let home: string;
const cli = (args: string[], opts?: Parameters<typeof runCli>[2]) => runCli(home, args, opts);

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({
    validKeys: [KEY],
    rateLimits: { requests: 100, tokens: 50_000 },
    defaultReply: { chunks: ['ok'], usage: { input: 7, output: 3 } },
  });
  home = tempDir('sb-cli-quota-');
}, 60_000);
afterAll(async () => {
  if (home) await stopAndRemove(home);
  await up?.close();
});

describe('connections show: quota now', () => {
  it('says there is nothing to show before any limit or answer', async () => {
    const added = await cli(
      ['connections', 'add', '--name', 'Bare', '--provider', 'openai', '--base-url', up.openaiBaseUrl, '--key-stdin'],
      { input: `${KEY}\n` },
    );
    expect(added.code, added.stderr).toBe(0);
    const shown = await cli(['connections', 'show', 'Bare']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/quota now:\s+No capacity limits set, and the provider has not reported any yet\./);
  });

  it('prints each limit with what is used and left, and the provider limits, as a table and in --json', async () => {
    const added = await cli(
      [
        'connections',
        'add',
        '--name',
        'Metered',
        '--provider',
        'openai',
        '--base-url',
        up.openaiBaseUrl,
        '--model',
        'gpt-5.4',
        '--limit',
        'day:requests=10,tokens=1000',
        '--key-stdin',
      ],
      { input: `${KEY}\n` },
    );
    expect(added.code, added.stderr).toBe(0);
    for (let i = 0; i < 2; i++) {
      const chat = await cli(['chat', '-c', 'Metered', 'hi']);
      expect(chat.code, chat.stderr).toBe(0);
    }

    const shown = await cli(['connections', 'show', 'Metered']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/quota now:\n\s*LIMIT\s+USED\s+LEFT\s+%\s+WHEN/);
    expect(shown.stdout).toMatch(/Requests per day\s+2 of 10\s+8 left\s+20%\s+whole again in \d+h \d+m/);
    expect(shown.stdout).toMatch(/Tokens per day\s+20 of 1,000\s+980 left\s+2%\s+whole again in/);
    expect(shown.stdout).toMatch(/Provider requests\s+\d+ of 100\s+\d+ left\s+\d+%\s+resets today at \d\d:\d\d/);
    expect(shown.stdout).toMatch(/Provider tokens\s+[\d,]+ of 50,000/);
    expect(shown.stdout).toMatch(/Provider figures from today at \d\d:\d\d\./);
    expect(shown.stdout).not.toContain(KEY);

    const json = await cli(['connections', 'show', 'Metered', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const { connection, quota } = json.json();
    expect(connection.name).toBe('Metered');
    expect(quota).toMatchObject({
      connectionId: connection.id,
      name: 'Metered',
      limits: [
        { period: 'day', kind: 'requests', limit: 10, used: 2, remaining: 8 },
        { period: 'day', kind: 'tokens', limit: 1000, used: 20, remaining: 980 },
      ],
      provider: {
        limits: [
          { kind: 'requests', limit: 100 },
          { kind: 'tokens', limit: 50_000 },
        ],
      },
    });
    expect(json.stdout).not.toContain(KEY);
  });
});
