/**
 * The `switchboard` CLI end to end: the built CLI, a real daemon it starts itself on a temp home,
 * and the mock upstream speaking OpenAI's wire format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { daemonPid, ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

const GOOD_KEY = 'sk-good-cli-test-0001';
const OTHER_KEY = 'sk-good-cli-test-0002';
const BAD_KEY = 'sk-wrong-cli-test-9999';

let up: MockUpstream;
let home: string;
const cli = (args: string[], opts?: Parameters<typeof runCli>[2]) => runCli(home, args, opts);

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({ validKeys: [GOOD_KEY, OTHER_KEY] });
  home = tempDir('sb-cli-');
  const started = await cli(['daemon', 'start', '--json']);
  expect(started.code, started.stderr).toBe(0);
  expect(started.json()).toMatchObject({ running: true, started: true });
}, 60_000);

afterAll(async () => {
  if (home) await stopAndRemove(home);
  await up?.close();
});

describe('switchboard daemon', () => {
  it('reports the running daemon with status --json', async () => {
    const r = await cli(['daemon', 'status', '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ running: true, pid: daemonPid(home), home });
  });

  it('says a second start finds the running daemon and exits 0', async () => {
    const r = await cli(['daemon', 'start']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('already running');
  });
});

describe('switchboard connections, chat, models, usage', () => {
  it('adds a connection with the key from stdin, never echoing it', async () => {
    const r = await cli(
      [
        'connections',
        'add',
        '--name',
        'Mock',
        '--provider',
        'openai',
        '--base-url',
        up.openaiBaseUrl,
        '--model',
        'gpt-5.4',
        '--key-stdin',
        '--json',
      ],
      { input: `${GOOD_KEY}\n` },
    );
    expect(r.code, r.stderr).toBe(0);
    const { connection } = r.json();
    expect(connection).toMatchObject({
      name: 'Mock',
      provider: 'openai',
      keySource: 'vault',
      keyHint: '…0001',
      keyAvailable: true,
      isDefault: true,
    });
    expect(r.stdout + r.stderr).not.toContain(GOOD_KEY);
  });

  it('lists it, as JSON and as a table', async () => {
    const json = await cli(['connections', 'list', '--json']);
    expect(json.json().connections.map((c: { name: string }) => c.name)).toEqual(['Mock']);
    const table = await cli(['connections', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/NAME\s+PROVIDER\s+MODEL\s+KEY/);
    expect(table.stdout).toMatch(/\*\s+Mock\s+openai\s+gpt-5\.4\s+vault …0001/);
    expect(table.stdout).not.toContain('\u001b['); // no colours into a pipe
  });

  it('tests it: ok against the mock, which received the stored key', async () => {
    up.reset();
    const r = await cli(['connections', 'test', 'mock', '--json']); // names are case-insensitive
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json().result.status).not.toBe('error');
    expect(up.requests.length).toBeGreaterThan(0);
    expect(up.requests.every((q) => q.authKey === GOOD_KEY)).toBe(true);
    const human = await cli(['connections', 'test', 'Mock']);
    expect(human.stdout).toMatch(/✓ authentication/);
  });

  it('switches the default connection by name and by id', async () => {
    const added = await cli(
      [
        'connections',
        'add',
        '--name',
        'Other',
        '--provider',
        'openai',
        '--base-url',
        up.openaiBaseUrl,
        '--key-stdin',
        '--json',
      ],
      { input: OTHER_KEY },
    );
    expect(added.code, added.stderr).toBe(0);
    const other = added.json().connection;
    expect(other.isDefault).toBe(false);
    const r = await cli(['connections', 'default', 'OTHER', '--json']);
    expect(r.code).toBe(0);
    expect(r.json().connection).toMatchObject({ id: other.id, isDefault: true });
    const mockId = (await cli(['connections', 'list', '--json']))
      .json()
      .connections.find((c: { name: string }) => c.name === 'Mock').id;
    const back = await cli(['connections', 'default', mockId]);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('Mock is now the default');
  });

  it('streams a chat answer to stdout', async () => {
    up.reset();
    const r = await cli(['chat', 'Say hello']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Hello from mock\n');
    const sent = up.requests.find((q) => q.path.endsWith('/chat/completions'))!;
    expect(sent.authKey).toBe(GOOD_KEY);
    expect(sent.body.model).toBe('gpt-5.4');
    expect(sent.body.messages.at(-1)).toEqual({ role: 'user', content: 'Say hello' });
  });

  it('reads piped stdin: after the prompt argument as context, or alone as the prompt', async () => {
    up.reset();
    const both = await cli(['chat', '-c', 'Other', '-m', 'gpt-5.4-mini', 'Summarize this:'], {
      input: 'line one\nline two\n',
    });
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toBe('Hello from mock\n');
    const first = up.requests.find((q) => q.path.endsWith('/chat/completions'))!;
    expect(first.authKey).toBe(OTHER_KEY);
    expect(first.body.model).toBe('gpt-5.4-mini');
    expect(first.body.messages.at(-1).content).toBe('Summarize this:\n\nline one\nline two');
    up.reset();
    const alone = await cli(['chat'], { input: 'just stdin' });
    expect(alone.code, alone.stderr).toBe(0);
    expect(up.requests.find((q) => q.path.endsWith('/chat/completions'))!.body.messages.at(-1).content).toBe(
      'just stdin',
    );
  });

  it('prints the final result with chat --json', async () => {
    up.reply('gpt-5.4', { chunks: ['One', ' two'] });
    const r = await cli(['chat', '--json', '--temperature', '0.5', 'count']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ text: 'One two', model: 'gpt-5.4' });
  });

  it('cancels the stream on Ctrl+C and exits 130', async () => {
    up.reset();
    up.fault({ kind: 'hangAfterChunks', n: 1, count: 1, match: { path: /chat\/completions/ } });
    const r = await cli(['chat', 'hang please'], {
      onSpawn: (child) => {
        let sent = false;
        child.stdout!.on('data', () => {
          if (!sent) {
            sent = true;
            child.kill('SIGINT');
          }
        });
      },
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('Hello\n');
    await up.waitFor((q) => q.aborted, 5000);
  });

  it('lists models', async () => {
    const r = await cli(['models', 'Mock', '--refresh', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().models.map((m: { id: string }) => m.id)).toContain('gpt-5.4');
    const table = await cli(['models', 'Mock']);
    expect(table.stdout).toMatch(/gpt-5\.4 \(default\)/);
  });

  it('shows the chat requests in usage', async () => {
    const r = await cli(['usage', '--connection', 'Mock', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const records = r.json().records as Array<{ connectionName: string; model: string; requests: number }>;
    expect(records.find((x) => x.model === 'gpt-5.4')).toMatchObject({ connectionName: 'Mock' });
    expect(records.reduce((n, x) => n + x.requests, 0)).toBeGreaterThanOrEqual(2);
    const table = await cli(['usage']);
    expect(table.stdout).toMatch(/DAY\s+CONNECTION\s+MODEL\s+REQUESTS/);
  });

  it('refuses a credential-looking header value on the command line and takes it from the environment with @env:', async () => {
    const secret = 'Bearer sk-header-canary-0123456789abcdef';
    const refused = await cli(['connections', 'edit', 'Other', '--header', `Helicone-Auth=${secret}`]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/looks like a credential/);
    expect(refused.stderr).toMatch(/^hint: .*@env:/m);
    const missing = await cli(['connections', 'edit', 'Other', '--header', 'Helicone-Auth=@env:SB_TEST_UNSET_VAR']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('SB_TEST_UNSET_VAR is not set');
    const ok = await cli(['connections', 'edit', 'Other', '--header', 'Helicone-Auth=@env:SB_TEST_GATEWAY', '--json'], {
      env: { SB_TEST_GATEWAY: secret },
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json().connection).toMatchObject({
      headers: { 'Helicone-Auth': '••••••••' },
      secretHeaders: ['Helicone-Auth'],
    });
    expect(ok.stdout + ok.stderr).not.toContain('sk-header-canary');
    await cli(['connections', 'edit', 'Other', '--unset', 'headers']);
  });

  it('edits fields, clears them, and sets and clears keys from stdin', async () => {
    const edited = await cli([
      'connections',
      'edit',
      'Other',
      '--model',
      'gpt-x',
      '--header',
      'X-Team=search',
      '--timeout-ms',
      '5000',
      '--json',
    ]);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.json().connection).toMatchObject({
      defaultModel: 'gpt-x',
      headers: { 'X-Team': 'search' },
      timeoutMs: 5000,
    });
    const cleared = await cli(['connections', 'edit', 'Other', '--unset', 'model,headers', '--json']);
    expect(cleared.json().connection.defaultModel).toBeUndefined();
    expect(cleared.json().connection.headers).toBeUndefined();
    expect((await cli(['connections', 'edit', 'Other'])).code).toBe(2);
    const bad = await cli(['connections', 'edit', 'Other', '--base-url', 'not a url']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^hint: .*--base-url/m);

    const set = await cli(['key', 'set', 'Other', '--json'], { input: 'sk-rotated-key-5555\n' });
    expect(set.code, set.stderr).toBe(0);
    expect(set.json().connection).toMatchObject({ keySource: 'vault', keyHint: '…5555' });
    expect(set.stdout + set.stderr).not.toContain('sk-rotated-key-5555');
    const memory = await cli(['key', 'set', 'Other', '--memory', '--json'], { input: OTHER_KEY });
    expect(memory.json().connection).toMatchObject({ keySource: 'memory', keyHint: '…0002', keyAvailable: true });
    const clear = await cli(['key', 'clear', 'Other', '--json']);
    expect(clear.json().connection.keyAvailable).toBe(false);
    expect((await cli(['key', 'set', 'Other'], { input: '' })).code).toBe(2);
  });

  it('refuses to remove without --yes when not interactive, and removes with it', async () => {
    const refused = await cli(['connections', 'remove', 'Other']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const r = await cli(['connections', 'remove', 'Other', '--yes', '--json']);
    expect(r.code).toBe(0);
    expect(r.json().connection.name).toBe('Other');
    expect((await cli(['connections', 'list', '--json'])).json().connections).toHaveLength(1);
  });
});

describe('switchboard errors', () => {
  it('exits 4 with a hint for an unknown connection', async () => {
    const r = await cli(['models', 'no-such-thing']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: No connection is named "no-such-thing"/m);
    expect(r.stderr).toMatch(/^hint: .*Mock/m);
    const json = await cli(['chat', '-c', 'no-such-thing', '--json', 'hi']);
    expect(json.code).toBe(4);
    expect(json.json().error).toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
    expect(json.json().error.hint).toBeTruthy();
  });

  it('refuses a key on the command line with exit 2, without repeating it', async () => {
    for (const args of [
      ['connections', 'add', '--name', 'X', '--provider', 'openai', '--key', 'sk-argv-secret-1'],
      ['connections', 'add', '--name', 'X', '--provider', 'openai', '--api-key=sk-argv-secret-1'],
      ['key', 'set', 'Mock', 'sk-argv-secret-1'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/shell history/);
      expect(r.stdout + r.stderr).not.toContain('sk-argv-secret-1');
    }
    expect((await cli(['connections', 'list', '--json'])).json().connections).toHaveLength(1);
  });

  it('exits 2 on an unknown flag or a bad value', async () => {
    expect((await cli(['connections', 'list', '--bogus'])).code).toBe(2);
    expect((await cli(['chat', '--temperature', 'hot', 'hi'])).code).toBe(2);
    expect((await cli(['usage', '--from', '2024-13-45'])).code).toBe(2);
    expect((await cli(['nonsense'])).code).toBe(2);
  });

  it('exits 1 with the authentication stage reason when the key is rejected', async () => {
    const added = await cli(
      ['connections', 'add', '--name', 'Bad', '--provider', 'openai', '--base-url', up.openaiBaseUrl, '--key-stdin'],
      { input: BAD_KEY },
    );
    expect(added.code, added.stderr).toBe(0);
    const r = await cli(['connections', 'test', 'Bad', '--json']);
    expect(r.code).toBe(1);
    const auth = r.json().result.stages.find((s: { name: string }) => s.name === 'authentication');
    expect(auth.status).toBe('error');
    expect(auth.reason).toBeTruthy();
    const human = await cli(['connections', 'test', 'Bad']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/✗ authentication\s.*\S/);
    expect(human.stdout + human.stderr).not.toContain(BAD_KEY);
  });

  it('stops the daemon with daemon stop, after which status exits 3', async () => {
    const pid = daemonPid(home)!;
    const r = await cli(['daemon', 'stop', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ stopped: true, pid });
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await cli(['daemon', 'status'])).code).toBe(3);
  });

  it('exits 3 with a hint when daemon status finds no daemon', async () => {
    const empty = tempDir('sb-cli-none-');
    try {
      const r = await runCli(empty, ['daemon', 'status']);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^hint: .*switchboard daemon start/m);
      const json = await runCli(empty, ['daemon', 'status', '--json']);
      expect(json.code).toBe(3);
      expect(json.json()).toMatchObject({
        running: false,
        home: empty,
        error: { code: 'UNREACHABLE', reason: 'not-running' },
      });
    } finally {
      await stopAndRemove(empty);
    }
  });
});
