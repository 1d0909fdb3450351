/**
 * Runs the real daemon (`dist/daemon.js`, built by `node esbuild.mjs`) as a child process on a fresh
 * home for integration tests. Every process and home made here is remembered so `cleanupDaemons()`
 * (call it in afterEach/afterAll) kills only what this test file started, by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readDaemonInfo, type DaemonInfo } from '../../daemon/home/discovery';
import { daemonArgv } from '../../shared/client/daemonNodeArgs';

export const DAEMON_JS = resolve(__dirname, '../../dist/daemon.js');

export interface DaemonProcess {
  home: string;
  info: DaemonInfo;
  proc: ChildProcess;
  /** Everything the child wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null if killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL, no cleanup by the daemon (simulates a crash). */
  kill(): Promise<number | null>;
}

export interface SpawnOptions {
  /** Default: a fresh temp dir, removed by cleanupDaemons(). */
  home?: string;
  env?: Record<string, string>;
  /** SWITCHBOARD_PORT; default 0 (any free port). */
  port?: number;
}

export interface SpawnedDaemon {
  home: string;
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

const started = new Set<ChildProcess>();
const homes = new Set<string>();

/** A fresh home, removed by cleanupDaemons(). */
export function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'sb-daemon-'));
  homes.add(home);
  return home;
}

/** Spawns the daemon without waiting for anything (for runs expected to exit by themselves). */
export function spawnDaemon(options: SpawnOptions = {}): SpawnedDaemon {
  if (!existsSync(DAEMON_JS)) throw new Error(`${DAEMON_JS} is missing: run \`node esbuild.mjs\` first.`);
  const home = options.home ?? freshHome();
  const env = { ...process.env, SWITCHBOARD_HOME: home, SWITCHBOARD_PORT: String(options.port ?? 0), ...options.env };
  const proc = spawn(process.execPath, daemonArgv(DAEMON_JS), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((done) => {
    proc.once('exit', (code) => {
      started.delete(proc);
      done(code);
    });
  });
  return { home, proc, output: () => out, exited };
}

/** Spawns the daemon and waits (≤ timeoutMs) until daemon.json names this child. */
export async function startDaemon(options: SpawnOptions = {}, timeoutMs = 10_000): Promise<DaemonProcess> {
  const spawned = spawnDaemon(options);
  const { home, proc, exited } = spawned;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  let info: DaemonInfo | null = null;
  while (!info) {
    const found = readDaemonInfo(join(home, 'daemon.json'));
    if (found && found.pid === proc.pid) info = found;
    else if (exitCode !== undefined)
      throw new Error(`daemon exited with ${exitCode} before writing daemon.json:\n${spawned.output()}`);
    else if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`daemon wrote no daemon.json within ${timeoutMs} ms:\n${spawned.output()}`);
    } else await new Promise((r) => setTimeout(r, 25));
  }
  const signal = (sig: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(sig);
    return exited;
  };
  return { ...spawned, info, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
}

/** Kills (by pid) every daemon this file started that is still running, and removes the fresh homes. */
export async function cleanupDaemons(): Promise<void> {
  const waits = [...started].map((proc) => {
    const gone = new Promise<void>((done) => proc.once('exit', () => done()));
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    return gone;
  });
  await Promise.all(waits);
  for (const home of homes) rmSync(home, { recursive: true, force: true });
  homes.clear();
}

/** Polls `condition` every 25 ms until true or the timeout passes; returns whether it became true. */
export async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** A process's command line (Linux, from /proc); undefined where /proc has none. */
export function commandLineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return undefined;
  }
}
