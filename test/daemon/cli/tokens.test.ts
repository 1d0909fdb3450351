/**
 * `switchboard tokens create|list|revoke` and the host-move warning of `connections edit`, end to
 * end: the built CLI, the daemon it starts on a temp home, the mock upstream, and the official
 * `openai` SDK holding the printed token as a tool would.
 */
import OpenAI, { AuthenticationError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDaemonInfo } from '../../../daemon/home/discovery';
import { parseExpiry } from '../../../daemon/cli/commands/tokens';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';
import * as path from 'node:path';

const KEY = 'sk-good-cli-tokens-0001';
let up: MockUpstream;
let home: string;
const cli = (args: string[], opts?: Parameters<typeof runCli>[2]) => runCli(home, args, opts);

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({ validKeys: [KEY] });
  home = tempDir('sb-cli-tokens-');
  for (const name of ['Work', 'Other']) {
    const added = await cli(
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
        'gpt-4o',
        '--max-retries',
        '0',
        '--key-stdin',
      ],
      { input: `${KEY}\n` },
    );
    expect(added.code, added.stderr).toBe(0);
  }
}, 60_000);
afterAll(async () => {
  if (home) await stopAndRemove(home);
  await up?.close();
});

describe('switchboard tokens', () => {
  it('creates a token printed once on stdout, which the openai SDK can use on its connection only; lists and revokes it', async () => {
    const created = await cli([
      'tokens',
      'create',
      '--name',
      'cline',
      '--connections',
      'work',
      '--budget',
      'month:20',
      '--expires',
      '30d',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^sbt_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('only time it is shown');

    const port = readDaemonInfo(path.join(home, 'daemon.json'))!.port;
    const sdk = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: secret, maxRetries: 0 });
    const answer = await sdk.chat.completions.create({ model: 'Work', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]!.message.content).toBeTruthy();
    await expect(
      sdk.chat.completions.create({ model: 'Other', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 403 });

    const listed = await cli(['tokens', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/NAME\s+FINGERPRINT\s+CONNECTIONS\s+BUDGET\s+EXPIRES\s+LAST USED\s+CREATED/);
    expect(listed.stdout).toMatch(/cline\s+[0-9a-f]{8}\s+Work\s+\$0\.\d\d of \$20\/month/);
    expect(listed.stdout).not.toContain(secret);
    const json = (await cli(['tokens', 'list', '--json'])).json();
    expect(JSON.stringify(json)).not.toContain(secret);

    const revoked = await cli(['tokens', 'revoke', 'CLINE']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain('Revoked tool token "cline"');
    await expect(
      sdk.chat.completions.create({ model: 'Work', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    const again = await cli(['tokens', 'revoke', 'cline']);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('No tool token is named "cline"');
  }, 90_000); // eight CLI runs: slow on a loaded machine

  it('refuses a missing name, an unknown connection and a bad expiry', async () => {
    expect((await cli(['tokens', 'create'])).code).toBe(2);
    expect((await cli(['tokens', 'create', '--name', 'x', '--connections', 'nope'])).code).toBe(4);
    const bad = await cli(['tokens', 'create', '--name', 'x', '--expires', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--expires');
    expect(parseExpiry('2d', Date.parse('2026-01-01T00:00:00Z'))).toBe('2026-01-03T00:00:00.000Z');
    expect(parseExpiry('2026-02-01', Date.parse('2026-01-01T00:00:00Z'))).toBe('2026-02-01T23:59:59.999Z');
  }, 60_000);
});

describe('switchboard connections edit --base-url to another host', () => {
  it('warns on stderr that the stored key stays behind, and the connection then has no key', async () => {
    const moved = await cli(['connections', 'edit', 'Other', '--base-url', 'http://localhost:9/v1']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stderr).toMatch(
      /warning: Moving "Other" from http:\/\/127\.0\.0\.1:\d+ to http:\/\/localhost:9 drops its stored key/,
    );
    const shown = (await cli(['connections', 'list', '--json'])).json();
    expect(shown.connections.find((c: { name: string }) => c.name === 'Other')).toMatchObject({ keyAvailable: false });
    const samePath = await cli(['connections', 'edit', 'Work', '--base-url', `${up.openaiBaseUrl}/`]);
    expect(samePath.stderr).not.toContain('warning');
  }, 60_000);
});
