/**
 * `switchboard providers list|add|edit|remove`, end to end: the built CLI, the daemon it starts on a
 * temp home, and a mock gateway that takes its key only as `api-key: Token <key>` (401 otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

const KEY = 'gw-cli-providers-key-000111222';
let up: MockUpstream;
let home: string;
const cli = (args: string[], opts?: Parameters<typeof runCli>[2]) => runCli(home, args, opts);

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({ validKeys: [KEY], customAuth: { header: 'api-key', prefix: 'Token' } });
  home = tempDir('sb-cli-providers-');
}, 60_000);

afterAll(async () => {
  if (home) await stopAndRemove(home);
  await up?.close();
});

describe('switchboard providers', () => {
  it('adds a provider with its own key header, which a connection then chats through', async () => {
    const added = await cli([
      'providers',
      'add',
      'acme',
      '--name',
      'Acme Gateway',
      '--base-url',
      up.openaiBaseUrl,
      '--auth-header',
      'api-key',
      '--auth-prefix',
      'Token',
      '--docs',
      'https://acme.example/keys',
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Added Acme Gateway (acme): openai format at');
    expect(added.stdout).toContain('key sent as api-key: Token <key>');
    expect(added.stdout).toContain('switchboard connections add --name NAME --provider acme');

    const conn = await cli(
      [
        'connections',
        'add',
        '--name',
        'Gw',
        '--provider',
        'acme',
        '--model',
        'gpt-5.4',
        '--max-retries',
        '0',
        '--key-stdin',
      ],
      { input: `${KEY}\n` },
    );
    expect(conn.code, conn.stderr).toBe(0);
    const chat = await cli(['chat', '-c', 'Gw', 'hi']);
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stdout).toContain('Hello from mock');
    const sent = up.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect(sent.headers['api-key']).toBe(`Token ${KEY}`);
    expect(sent.headers['authorization']).toBeUndefined();

    const listed = await cli(['providers', 'list', '--custom']);
    expect(listed.stdout).toMatch(
      /acme\s+Acme Gateway\s+openai\s+api-key: Token <key>\s+http:\/\/127\.0\.0\.1:\d+\/v1\s+yours/,
    );
    const json = (await cli(['providers', 'list', '--json'])).json();
    expect(json.providers.find((p: { id: string }) => p.id === 'acme')).toMatchObject({
      builtIn: false,
      authHeader: { name: 'api-key', prefix: 'Token' },
      docsUrl: 'https://acme.example/keys',
    });
    expect(json.providers.find((p: { id: string }) => p.id === 'openai')).toMatchObject({ builtIn: true });
  });

  it('edits the header (the next chat uses it) and goes back to the default', async () => {
    const edited = await cli(['providers', 'edit', 'acme', '--auth-prefix', 'Key']);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('key sent as api-key: Key <key>');
    up.customAuth = { header: 'api-key', prefix: 'Key' };
    up.reset();
    expect((await cli(['chat', '-c', 'Gw', 'hi'])).code).toBe(0);
    expect(up.requests.find((r) => r.path === '/v1/chat/completions')!.headers['api-key']).toBe(`Key ${KEY}`);

    const back = await cli(['providers', 'edit', 'acme', '--default-auth', '--json']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.json().provider.authHeader).toBeUndefined();
    // The gateway refuses Bearer: the chat fails with the key rejected, in words, and the key is not shown.
    up.reset();
    const refused = await cli(['chat', '-c', 'Gw', 'hi']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/key/i);
    expect(refused.stdout + refused.stderr).not.toContain(KEY);
    await cli(['providers', 'edit', 'acme', '--auth-header', 'api-key', '--auth-prefix', 'Key']);
  });

  it('refuses bad input in plain words, before anything is saved', async () => {
    const badHeader = await cli([
      'providers',
      'add',
      'x1',
      '--base-url',
      'https://x.example/v1',
      '--auth-header',
      'api key',
    ]);
    expect(badHeader.code).toBe(2);
    expect(badHeader.stderr).toContain('--auth-header "api key" is not a valid header name');
    const badPrefix = await cli([
      'providers',
      'add',
      'x1',
      '--base-url',
      'https://x.example/v1',
      '--auth-header',
      'Authorization',
      '--auth-prefix',
      'My Token',
    ]);
    expect(badPrefix.code).toBe(2);
    expect(badPrefix.stderr).toContain('--auth-prefix must be one word without spaces');
    const badId = await cli(['providers', 'add', 'My Gateway', '--base-url', 'https://x.example/v1']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('The provider id must be lowercase letters, digits, dot, dash or underscore');
    const noUrl = await cli(['providers', 'add', 'x1']);
    expect(noUrl.stderr).toContain('providers add needs --base-url');
    const builtIn = await cli(['providers', 'edit', 'openai', '--name', 'Mine']);
    expect(builtIn.code).toBe(2);
    expect(builtIn.stderr).toContain('"openai" is a built-in provider and cannot be edited');
    const dup = await cli(['providers', 'add', 'acme', '--base-url', 'https://x.example/v1']);
    expect(dup.stderr).toContain('You already have a provider "acme"');
    expect((await cli(['providers', 'list', '--custom', '--json'])).json().providers).toHaveLength(1);
  });

  it('will not remove a provider a connection uses: says which and what to do', async () => {
    const inUse = await cli(['providers', 'remove', 'acme', '--yes']);
    expect(inUse.code).toBe(2);
    expect(inUse.stderr).toContain('Provider "acme" is used by connection "Gw"');
    expect(inUse.stderr).toContain('switchboard connections edit "Gw" --provider ID');
    expect(inUse.stderr).toContain('switchboard connections remove "Gw"');

    expect((await cli(['connections', 'remove', 'Gw', '--yes'])).code).toBe(0);
    const noYes = await cli(['providers', 'remove', 'acme']);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('Pass --yes');
    const removed = await cli(['providers', 'remove', 'acme', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('Removed provider Acme Gateway (acme).');
    const gone = await cli(['providers', 'remove', 'acme', '--yes']);
    expect(gone.stderr).toContain('No provider of yours has the id "acme"');
  });

  it('explains itself in --help', async () => {
    const help = await cli(['providers', 'add', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--auth-header NAME');
    expect(help.stdout).toContain('--auth-header Authorization --auth-prefix Token');
    const main = (await cli(['--help'])).stdout;
    expect(main).toMatch(/providers add <id> --base-url URL …\s+Add a provider/);
    expect(main).toMatch(/providers remove <id>\s+Remove a provider you added/);
  });
});
