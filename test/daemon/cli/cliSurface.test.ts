/**
 * The CLI's surface as a person or a script meets it (issue 13, items 15 and 16): `help <command>`,
 * whole usage lines in the top-level help, range messages for negative numbers, one JSON shape for
 * `daemon status`, the daemon's structured data in `--json` errors, and the exit code when the
 * reader has gone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { CLI, cleanEnv, daemonPid, ensureBuilt, ROOT, runCli, stopAndRemove, tempDir } from './cliHarness';

const KEY = 'sk-surface-test-0001';

let up: MockUpstream;
const homes: string[] = [];
const newHome = (prefix: string) => {
  const home = tempDir(prefix);
  homes.push(home);
  return home;
};

/** Each test runs several CLI processes (about a second each on a busy machine). */
const CLI_TEST_TIMEOUT_MS = 90_000;

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({ validKeys: [KEY] });
}, 60_000);

afterAll(async () => {
  for (const home of homes) await stopAndRemove(home);
  await up?.close();
});

/** Runs the CLI with stdout and stderr into a pipe whose reader is already gone; resolves to the exit code. */
function runIntoClosedPipe(args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Close our ends before the child has started: every write it makes meets EPIPE.
    child.stdout.destroy();
    child.stderr.destroy();
    const timer = setTimeout(() => reject(new Error('timed out')), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('help', () => {
  it(
    'answers `help`, `help <group>` and `help <group> <command>` like --help',
    async () => {
      const home = newHome('sb-cli-help-');
      const top = await runCli(home, ['help']);
      expect(top.code).toBe(0);
      expect(top.stdout).toBe((await runCli(home, ['--help'])).stdout);
      const group = await runCli(home, ['help', 'connections']);
      expect(group.code, group.stderr).toBe(0);
      expect(group.stdout).toBe((await runCli(home, ['connections', '--help'])).stdout);
      const command = await runCli(home, ['help', 'connections', 'add']);
      expect(command.code, command.stderr).toBe(0);
      expect(command.stdout).toMatch(/^Usage: switchboard connections add --name NAME/);
      const single = await runCli(home, ['help', 'chat']);
      expect(single.code, single.stderr).toBe(0);
      expect(single.stdout).toMatch(/^Usage: switchboard chat /);
      const unknown = await runCli(home, ['help', 'nonsense']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/Unknown command "nonsense"/);
      expect(existsSync(`${home}/daemon.json`)).toBe(false); // help starts no daemon
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'shows every required part of every usage line whole in the top-level help',
    async () => {
      const r = await runCli(newHome('sb-cli-help-'), ['--help']);
      expect(r.stdout).toContain('prices set <provider> <model> (--input USD --output USD | --clear)');
      expect(r.stdout).toContain('connections add --name NAME --provider ID');
      expect(r.stdout).toContain('switchboard help [<command>]');
      const commands = r.stdout.split('Commands:\n')[1]!.split('\n\n')[0]!;
      for (const line of commands.split('\n')) {
        expect(line.split('(').length, line).toBe(line.split(')').length);
        expect(line.split('[').length, line).toBe(line.split(']').length);
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );
});

describe('arguments', () => {
  it(
    'gives the range message for a negative number, not a parser message',
    async () => {
      const home = newHome('sb-cli-args-');
      for (const [args, message] of [
        [['usage', '--days', '-3'], /--days must be a whole number from 1 to 3650, not "-3"/],
        [['chat', '--temperature', '-1', 'hi'], /--temperature must be a number from 0 to 2, not "-1"/],
        [['chat', '--max-tokens', '-.5', 'hi'], /--max-tokens must be a whole number/],
      ] as Array<[string[], RegExp]>) {
        const r = await runCli(home, args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toMatch(message);
        expect(r.stderr).not.toMatch(/ambiguous/);
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'exits non-zero when a usage error meets a closed pipe',
    async () => {
      expect(await runIntoClosedPipe(['--bogus'])).toBe(2);
      expect(await runIntoClosedPipe(['connections', 'list', '--bogus', '--json'])).toBe(2);
      expect(await runIntoClosedPipe(['help', 'nonsense'])).toBe(2);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});

describe('daemon status --json', () => {
  it(
    'has one shape: {"running": false, …} with exit 3 when stopped, {"running": true, …} when running',
    async () => {
      const home = newHome('sb-cli-status-');
      const stopped = await runCli(home, ['daemon', 'status', '--json']);
      expect(stopped.code).toBe(3);
      expect(stopped.json()).toMatchObject({
        running: false,
        home,
        error: { code: 'UNREACHABLE', reason: 'not-running' },
      });
      expect(stopped.stderr).toMatch(/^hint: .*switchboard daemon start/m);
      expect((await runCli(home, ['daemon', 'start'])).code).toBe(0);
      const running = await runCli(home, ['daemon', 'status', '--json']);
      expect(running.code).toBe(0);
      expect(running.json()).toMatchObject({ running: true, home, pid: daemonPid(home) });
    },
    CLI_TEST_TIMEOUT_MS,
  );
});

describe('--json errors', () => {
  it(
    'carry the daemon data: retryAfterMs, limit and skipped',
    async () => {
      const home = newHome('sb-cli-jsonerr-');
      const add = (name: string, extra: string[] = []) =>
        runCli(
          home,
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
            '--key-stdin',
            '--limit',
            'minute:requests=1',
            ...extra,
          ],
          { input: KEY },
        );
      expect((await add('Spare')).code).toBe(0);
      expect((await add('Main', ['--fallback', 'Spare'])).code).toBe(0);
      expect((await runCli(home, ['chat', '-c', 'Main', 'one'])).code).toBe(0); // Main's one request
      const second = await runCli(home, ['chat', '-c', 'Main', 'two']); // Main is over: Spare answers
      expect(second.code, second.stderr).toBe(0);
      const third = await runCli(home, ['chat', '-c', 'Main', '--json', 'three']); // both over
      expect(third.code).toBe(1);
      const { error } = third.json();
      expect(error).toMatchObject({ code: 'RATE_LIMITED', limit: { period: 'minute', requests: 1 } });
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.hint).toBeTruthy();
      expect(error.skipped).toEqual([expect.objectContaining({ name: 'Main', code: 'RATE_LIMITED' })]);
      expect(third.stdout + third.stderr).not.toContain(KEY);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
