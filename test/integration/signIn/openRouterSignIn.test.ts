/**
 * "Sign in with OpenRouter" from the CLI (`connections add --provider openrouter --sign-in`) and over
 * the protocol (`connections/signIn`), against a local mock of OpenRouter's sign-in: the PKCE S256
 * flow with the state checked, the key stored in the vault and shown only masked, and each failure —
 * a denied sign-in, a wrong state, a reused or expired code, a wrong verifier, a 403 from the
 * exchange, a cancelled sign-in — ends in OAUTH_EXCHANGE_FAILED (or a cancel) with nothing stored.
 * The key is a canary: it must appear in no output, response, log or file.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionsList, ConnectionsSignIn, ErrorCode, SwitchboardError } from '../../../shared/protocol';
import { newPkce } from '../../../shared/oauth/pkce';
import { OPENROUTER_AUTH_URL_TEST_VARIABLE } from '../../../shared/oauth/openRouterAuth';
import { ensureBuilt, runCli, stopAndRemove, tempDir, type CliResult } from '../../daemon/cli/cliHarness';
import { cleanupDaemons, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, failure } from '../../helpers/integrationClient';
import { startMockOpenRouterAuth, type MockOpenRouterAuth } from '../../mocks/openRouterAuth';
import { canary, findLeaks, scanDirectory } from '../canary/canaryScan';

const KEY = canary('sk-or-v1-CANARY');
let mock: MockOpenRouterAuth;
const homes: string[] = [];
/** Each CLI test runs several CLI processes (a second or more each on a busy machine), one waits 10 s on purpose. */
const CLI_TEST_TIMEOUT_MS = 90_000;

beforeAll(async () => {
  ensureBuilt();
  mock = await startMockOpenRouterAuth(KEY);
});
afterEach(() => {
  mock.faults = {};
});
afterAll(async () => {
  await closeClients();
  await cleanupDaemons();
  for (const home of homes) await stopAndRemove(home);
  await mock?.close();
});

/** Waits until `read()` holds a match of `re` (the CLI prints the sign-in URL on stderr). */
async function waitFor(read: () => string, re: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = read().match(re);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`never printed ${re}: ${read()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs the sign-in command and plays the browser: opens the printed URL at the mock (the user
 * approves), then follows its redirect to the CLI's callback — through `tamper` first, if given.
 */
async function signInWithCli(
  home: string,
  extra: string[] = [],
  browser: {
    tamper?: (callback: URL) => void;
    onUrl?: (child: ChildProcess, url: string) => Promise<void> | void;
  } = {},
): Promise<CliResult> {
  let stderr = '';
  let child: ChildProcess | undefined;
  const run = runCli(home, ['connections', 'add', '--provider', 'openrouter', '--sign-in', '--no-browser', ...extra], {
    env: { [OPENROUTER_AUTH_URL_TEST_VARIABLE]: mock.url },
    timeoutMs: 40_000,
    onSpawn: (c) => {
      child = c;
      c.stderr!.on('data', (d: Buffer | string) => (stderr += d.toString()));
    },
  });
  const [url] = await waitFor(() => stderr, /http:\/\/127\.0\.0\.1:\d+\/auth\?\S+/);
  if (browser.onUrl) await browser.onUrl(child!, url!);
  else {
    const approved = await fetch(url!, { redirect: 'manual' });
    const callback = new URL(approved.headers.get('location')!);
    browser.tamper?.(callback);
    const page = await fetch(callback);
    expect(page.status).toBe(200);
  }
  return run;
}

describe('switchboard connections add --sign-in (OpenRouter)', () => {
  it(
    'signs in with PKCE S256 and stores the key in the vault, shown only masked',
    async () => {
      const home = tempDir('sb-signin-');
      homes.push(home);
      const r = await signInWithCli(home, ['--json', '--model', 'openai/gpt-4o-mini']);
      expect(r.code, r.stderr).toBe(0);
      const visit = mock.authVisits.at(-1)!;
      expect(visit.code_challenge_method).toBe('S256');
      expect(visit.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The state rides in the callback URL on the loopback address.
      expect(visit.callback_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?state=[A-Za-z0-9_-]{16,}$/);
      expect(mock.exchanges.at(-1)).toMatchObject({ status: 200, body: { code_challenge_method: 'S256' } });
      const { connection } = r.json();
      expect(connection).toMatchObject({
        name: 'OpenRouter',
        provider: 'openrouter',
        keySource: 'vault',
        keyAvailable: true,
        keyHint: `…${KEY.slice(-4)}`,
        defaultModel: 'openai/gpt-4o-mini',
      });
      expect(findLeaks('cli output', r.stdout + r.stderr, [KEY])).toEqual([]);
      const listed = await runCli(home, ['connections', 'list', '--json']);
      expect(findLeaks('list', listed.stdout, [KEY])).toEqual([]);
      await runCli(home, ['daemon', 'stop']);
      expect(scanDirectory(home, [KEY])).toEqual([]);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "refuses an answer whose state is not this sign-in's, exchanging nothing and storing nothing",
    async () => {
      const home = tempDir('sb-signin-');
      homes.push(home);
      const before = mock.exchanges.length;
      const r = await signInWithCli(home, ['--json'], {
        tamper: (cb) => cb.searchParams.set('state', 'forged-state-0000000000'),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/OAUTH_EXCHANGE_FAILED|another sign-in/);
      expect(mock.exchanges.length).toBe(before);
      expect((await runCli(home, ['connections', 'list', '--json'])).json().connections).toEqual([]);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'reports a denied sign-in and a 403 from the exchange as OAUTH_EXCHANGE_FAILED with what to do',
    async () => {
      const home = tempDir('sb-signin-');
      homes.push(home);
      mock.faults = { deny: true };
      const denied = await signInWithCli(home, ['--json']);
      expect(denied.code).toBe(1);
      expect(JSON.parse(denied.stdout).error).toMatchObject({
        code: ErrorCode.OAUTH_EXCHANGE_FAILED,
        hint: expect.stringMatching(/again/),
      });
      mock.faults = { exchangeStatus: 403 };
      const refused = await signInWithCli(home, ['--json']);
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout).error).toMatchObject({
        code: ErrorCode.OAUTH_EXCHANGE_FAILED,
        message: expect.stringMatching(/HTTP 403/),
      });
      expect((await runCli(home, ['connections', 'list', '--json'])).json().connections).toEqual([]);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'a cancelled sign-in (Ctrl+C) leaves no connection and no listening port',
    async () => {
      const home = tempDir('sb-signin-');
      homes.push(home);
      let callbackUrl = '';
      const r = await signInWithCli(home, [], {
        onUrl: (child, url) => {
          callbackUrl = new URL(url).searchParams.get('callback_url')!;
          child.kill('SIGINT');
        },
      });
      expect(r.code).toBe(130);
      await expect(fetch(callbackUrl)).rejects.toThrow();
      expect((await runCli(home, ['connections', 'list', '--json'])).json().connections).toEqual([]);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'gives up after --sign-in-timeout, storing nothing',
    async () => {
      const home = tempDir('sb-signin-');
      homes.push(home);
      const r = await signInWithCli(home, ['--sign-in-timeout', '10'], { onUrl: () => undefined });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/No answer from the browser in 10 s/);
      expect((await runCli(home, ['connections', 'list', '--json'])).json().connections).toEqual([]);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});

describe('connections/signIn', () => {
  let daemon: DaemonProcess;
  beforeAll(async () => {
    daemon = await startDaemon({ env: { [OPENROUTER_AUTH_URL_TEST_VARIABLE]: mock.url } });
  });

  /** A code as the mock issues it after the user approved this challenge. */
  async function approvedCode(challenge: string): Promise<string> {
    const res = await fetch(
      `${mock.url}/auth?callback_url=${encodeURIComponent('http://127.0.0.1:9/cb')}&code_challenge=${challenge}&code_challenge_method=S256`,
      { redirect: 'manual' },
    );
    return new URL(res.headers.get('location')!).searchParams.get('code')!;
  }

  it('refuses a reused code, an expired code and a wrong verifier, storing nothing', async () => {
    const client = await connectClient(daemon, 'signin-test');
    const pkce = newPkce();
    const code = await approvedCode(pkce.challenge);
    const { connection } = await client.request(ConnectionsSignIn, {
      provider: 'openrouter',
      code,
      codeVerifier: pkce.verifier,
      name: 'Signed',
    });
    expect(connection).toMatchObject({ keySource: 'vault', keyHint: `…${KEY.slice(-4)}` });

    const reused = await failure(
      client.request(ConnectionsSignIn, { provider: 'openrouter', code, codeVerifier: pkce.verifier, name: 'Again' }),
    );
    expect(reused).toBeInstanceOf(SwitchboardError);
    expect((reused as SwitchboardError).code).toBe(ErrorCode.OAUTH_EXCHANGE_FAILED);
    expect((reused as SwitchboardError).data.hint).toMatch(/again/);

    const other = newPkce();
    const wrongVerifier = await failure(
      client.request(ConnectionsSignIn, {
        provider: 'openrouter',
        code: await approvedCode(other.challenge),
        codeVerifier: newPkce().verifier,
        name: 'Wrong',
      }),
    );
    expect((wrongVerifier as SwitchboardError).code).toBe(ErrorCode.OAUTH_EXCHANGE_FAILED);

    mock.faults = { codeTtlMs: 0 };
    const late = newPkce();
    const code3 = await approvedCode(late.challenge);
    await new Promise((r) => setTimeout(r, 5));
    const expired = await failure(
      client.request(ConnectionsSignIn, {
        provider: 'openrouter',
        code: code3,
        codeVerifier: late.verifier,
        name: 'Late',
      }),
    );
    expect((expired as SwitchboardError).code).toBe(ErrorCode.OAUTH_EXCHANGE_FAILED);
    expect(expired.message).toMatch(/expired|a few minutes/);

    const { connections } = await client.request(ConnectionsList, {});
    expect(connections.map((c) => c.name)).toEqual(['Signed']);
  });

  it('checks the name before spending the code', async () => {
    const client = await connectClient(daemon, 'signin-test');
    const pkce = newPkce();
    const code = await approvedCode(pkce.challenge);
    const before = mock.exchanges.length;
    const clash = await failure(
      client.request(ConnectionsSignIn, { provider: 'openrouter', code, codeVerifier: pkce.verifier, name: 'signed' }),
    );
    expect((clash as SwitchboardError).code).toBe(ErrorCode.DUPLICATE_NAME);
    expect(mock.exchanges.length).toBe(before);
  });

  it('leaves the key in no log, audit entry or file of the home', async () => {
    await closeClients();
    await daemon.stop();
    expect(findLeaks('daemon output', daemon.output(), [KEY])).toEqual([]);
    expect(scanDirectory(daemon.home, [KEY])).toEqual([]);
  });
});
