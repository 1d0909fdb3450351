/**
 * Issue 13 items 2 and 3, end to end: the built CLI and the daemon refuse a home they must not or
 * cannot use, at once and with a clear error, and never touch the directory they were run from.
 * Every run has a deadline: before the fix, /proc/nope spun forever at 100% CPU.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../daemon/cli/exitCodes';
import { cleanEnv, CLI, daemonPid, ensureBuilt } from '../../daemon/cli/cliHarness';
import { DAEMON_JS } from '../../helpers/daemonProcess';

/** Runs `node <script> …args` in `cwd`; kills it (and fails) after `deadlineMs`. */
function run(script: string, args: string[], opts: { cwd: string; env?: Record<string, string>; deadlineMs?: number }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [script, ...args], {
      cwd: opts.cwd,
      env: cleanEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${script} ${args.join(' ')} still running after ${opts.deadlineMs} ms (spinning?).\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, opts.deadlineMs ?? 15_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

let cwd: string;
beforeAll(() => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), 'sb-cwd-'));
  chmodSync(cwd, 0o755);
});
/** Kills the daemon a run left on `home` (by its pid in daemon.json), if any: a failing run must not leave one behind. */
function killDaemonOf(home: string): void {
  const pid = daemonPid(home);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

afterAll(() => {
  // Without the fix, `--home ""` made the working directory (or `cwd/  `) a home with a daemon in it.
  killDaemonOf(cwd);
  killDaemonOf(join(cwd, '  '));
  rmSync(cwd, { recursive: true, force: true });
});

describe('an empty --home', () => {
  it.each([[['--home', '']], [['--home=']], [['--home', '  ']]])(
    'is a usage error (%j), and the working directory is left alone',
    async (flag) => {
      const r = await run(CLI, [...flag, 'connections', 'list'], { cwd });
      expect(r.code).toBe(EXIT.USAGE);
      expect(r.stderr).toContain('--home: the home directory is empty');
      expect(readdirSync(cwd)).toEqual([]);
      expect(statSync(cwd).mode & 0o777).toBe(0o755);
    },
  );
});

describe('an existing home', () => {
  it('keeps its permissions: the daemon never chmods a directory it did not create', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sb-loose-'));
    chmodSync(home, 0o750);
    try {
      const started = await run(CLI, ['--home', home, 'daemon', 'start'], { cwd, deadlineMs: 60_000 });
      expect(started.code, started.stderr).toBe(0);
      expect(statSync(home).mode & 0o777).toBe(0o750);
      expect(statSync(join(home, 'db.json')).mode & 0o777).toBe(0o600);
      expect((await run(CLI, ['--home', home, 'daemon', 'stop'], { cwd, deadlineMs: 30_000 })).code).toBe(0);
    } finally {
      killDaemonOf(home);
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe.runIf(existsSync('/proc/self'))('a home that cannot be created', () => {
  it('makes the CLI fail at once with the reason, not spin', async () => {
    const r = await run(CLI, ['--home', '/proc/nope/switchboard', 'connections', 'list'], { cwd, deadlineMs: 15_000 });
    expect(r.code).toBe(EXIT.DAEMON_UNAVAILABLE);
    expect(r.stderr).toContain('Cannot create the Switchboard home /proc/nope/switchboard');
    expect(r.stderr).toContain('--home');
  });

  it('makes the daemon exit at once with the reason, not spin', async () => {
    const r = await run(DAEMON_JS, [], {
      cwd,
      env: { SWITCHBOARD_HOME: '/proc/nope', SWITCHBOARD_PORT: '0' },
      deadlineMs: 15_000,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Cannot create the Switchboard home /proc/nope');
  });
});
