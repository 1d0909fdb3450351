/**
 * Finding, starting and stopping the daemon of a home. Discovery is `daemon.json` (through the
 * shared client's reader); starting spawns `daemon.js` from beside this CLI, detached, with its
 * output appended to `daemon.out` in the home, and waits until it has published `daemon.json`.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DaemonUnavailableError,
  isDaemonAlive,
  readDaemonInfo,
  SwitchboardClient,
  type DaemonInfo,
} from '../../shared/client';
import { cleanDaemonEnv } from '../../shared/client/daemonEnv';
import { daemonArgv } from '../../shared/client/daemonNodeArgs';
import { DaemonShutdown } from '../../shared/protocol';
import { createDirs, HomeError } from '../home/paths';
import { DAEMON_VERSION } from '../version';

/** How long `daemon start` (and auto-start) waits for `daemon.json`. */
export const START_TIMEOUT_MS = 10_000;
/** How long `daemon stop` waits for the process to exit after `daemon/shutdown`. */
export const STOP_TIMEOUT_MS = 10_000;

/** Where the detached daemon's stdout/stderr go (its structured log is `daemon.log`). */
export function outputLogPath(home: string): string {
  return path.join(home, 'daemon.out');
}

/** The `daemon.json` of a live daemon on `home`, or undefined (none, stale, or unreadable). */
export async function findRunning(home: string): Promise<DaemonInfo | undefined> {
  let info: DaemonInfo | undefined;
  try {
    info = await readDaemonInfo(home);
  } catch (error) {
    if (error instanceof DaemonUnavailableError) return undefined; // malformed: the daemon replaces it on start
    throw error;
  }
  return info && isDaemonAlive(info) ? info : undefined;
}

/** The daemon bundle: beside the CLI bundle in `dist/`, or `dist/` of the repo when run from source. */
export function daemonScript(): string {
  const candidates = [path.join(__dirname, 'daemon.js'), path.resolve(__dirname, '..', '..', 'dist', 'daemon.js')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new DaemonUnavailableError(
      'not-running',
      `Cannot find the daemon program (looked for ${candidates.join(' and ')}).`,
      'Build it with `npm run build`, or reinstall Switchboard.',
    );
  }
  return found;
}

export interface StartResult {
  info: DaemonInfo;
  /** False when a daemon was already running. */
  started: boolean;
}

/** Starts the daemon of `home` unless one runs; resolves once it answers through `daemon.json`. */
export async function startDaemon(home: string, timeoutMs = START_TIMEOUT_MS): Promise<StartResult> {
  const running = await findRunning(home);
  if (running) return { info: running, started: false };
  try {
    createDirs(home);
  } catch (error) {
    if (error instanceof HomeError) throw new DaemonUnavailableError('not-running', error.message, error.hint);
    throw error;
  }
  const logFile = outputLogPath(home);
  const fd = openSync(logFile, 'a', 0o600);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  try {
    const child = spawn(process.execPath, daemonArgv(daemonScript()), {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...cleanDaemonEnv(process.env), SWITCHBOARD_HOME: home },
      windowsHide: true,
    });
    child.once('exit', (code, signal) => (exited = { code, signal }));
    child.once('error', () => (exited = { code: -1, signal: null }));
    child.unref();
  } finally {
    closeSync(fd);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const info = await findRunning(home);
    if (info) return { info, started: true };
    // Exit 0 before daemon.json means another daemon claimed the home first: keep waiting for its file.
    if (exited && exited.code !== 0)
      throw startFailed(home, `it exited with ${exited.signal ?? `code ${exited.code}`}`);
    await sleep(50);
  }
  throw startFailed(home, `it did not publish daemon.json within ${timeoutMs / 1000} s`);
}

function startFailed(home: string, why: string): DaemonUnavailableError {
  const tail = lastLines(outputLogPath(home), 5);
  return new DaemonUnavailableError(
    'not-running',
    `The Switchboard daemon did not start: ${why}.${tail ? `\n${tail}` : ''}`,
    `See ${outputLogPath(home)} and ${path.join(home, 'daemon.log')}; run \`node ${daemonScript()}\` with SWITCHBOARD_HOME=${home} to watch it start in the foreground.`,
  );
}

function lastLines(file: string, n: number): string {
  try {
    return readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-n)
      .map((l) => `  ${l}`)
      .join('\n');
  } catch {
    return '';
  }
}

/** Connects to the daemon of `home` (not starting one). */
export function connect(home: string): Promise<SwitchboardClient> {
  return SwitchboardClient.connect({ home, clientName: 'switchboard-cli', clientVersion: DAEMON_VERSION });
}

/**
 * Connects, starting the daemon first when none runs on `home`. `onStart` is told when this call
 * started it, so the caller can say so (on stderr).
 */
export async function connectOrStart(home: string, onStart: (info: DaemonInfo) => void): Promise<SwitchboardClient> {
  try {
    return await connect(home);
  } catch (error) {
    if (!(error instanceof DaemonUnavailableError) || (error.reason !== 'not-running' && error.reason !== 'stale'))
      throw error;
  }
  const { info, started } = await startDaemon(home);
  if (started) onStart(info);
  return connect(home);
}

export interface StopResult {
  /** The pid that was stopped; undefined when no daemon was running. */
  pid?: number;
  /** True when it had to be sent SIGTERM after not exiting on `daemon/shutdown`. */
  forced: boolean;
}

/** Asks the daemon of `home` to shut down and waits for its process to exit. */
export async function stopDaemon(home: string, timeoutMs = STOP_TIMEOUT_MS): Promise<StopResult> {
  const info = await findRunning(home);
  if (!info) return { forced: false };
  try {
    const client = await connect(home);
    try {
      await client.request(DaemonShutdown, undefined, { timeoutMs: 5000 });
    } finally {
      await client.close();
    }
  } catch (error) {
    // It may have closed the socket as it went; the pid decides below.
    if (!(error instanceof DaemonUnavailableError)) throw error;
  }
  if (await waitForExit(info.pid, timeoutMs)) return { pid: info.pid, forced: false };
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    // gone meanwhile
  }
  if (await waitForExit(info.pid, 3000)) return { pid: info.pid, forced: true };
  throw new DaemonUnavailableError(
    'closed',
    `The daemon (pid ${info.pid}) did not exit after daemon/shutdown and SIGTERM.`,
    `Look at ${path.join(home, 'daemon.log')}; end it with \`kill -9 ${info.pid}\` if it is stuck.`,
  );
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isDaemonAlive({ pid })) return true;
    await sleep(50);
  }
  return !isDaemonAlive({ pid });
}
