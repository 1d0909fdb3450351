/**
 * Discovery: how a tool finds the daemon. The daemon writes `daemon.json` (mode 0600) into its home
 * on start and removes it on shutdown; that file is the one place its socket, port and token live.
 */
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DAEMON_INFO_FILE, type DaemonInfo } from '../protocol/discovery';
import { DaemonUnavailableError } from './errors';

export { DAEMON_INFO_FILE, type DaemonInfo };

/**
 * The Switchboard home: `$SWITCHBOARD_HOME` when set, otherwise the platform's config directory —
 * Linux `$XDG_CONFIG_HOME/switchboard` or `~/.config/switchboard`, macOS
 * `~/Library/Application Support/switchboard`, Windows `%APPDATA%\switchboard`.
 *
 * `env` and `platform` are parameters so a caller (or a test) can ask about another environment.
 */
export function defaultHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.SWITCHBOARD_HOME) return env.SWITCHBOARD_HOME;
  // Join with the target platform's separator, not the host's, so the answer is right for `platform`.
  const p = platform === 'win32' ? path.win32 : path.posix;
  const userHome = (platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
  if (platform === 'win32') return p.join(env.APPDATA || p.join(userHome, 'AppData', 'Roaming'), 'switchboard');
  if (platform === 'darwin') return p.join(userHome, 'Library', 'Application Support', 'switchboard');
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg =
    env.XDG_CONFIG_HOME && p.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : p.join(userHome, '.config');
  return p.join(xdg, 'switchboard');
}

/** Path of `daemon.json` in a home. */
export function daemonInfoPath(home: string): string {
  return path.join(home, DAEMON_INFO_FILE);
}

/**
 * Reads and validates `daemon.json` in `home`. Resolves to `undefined` when the file does not exist
 * (no daemon has started there, or it shut down cleanly); rejects with a
 * {@link DaemonUnavailableError} (`reason: 'invalid-info'`) when the file is unreadable or malformed.
 */
export async function readDaemonInfo(home: string): Promise<DaemonInfo | undefined> {
  const file = daemonInfoPath(home);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalid(file, `cannot be read (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(file, 'is not valid JSON');
  }
  const problem = checkShape(value);
  if (problem) throw invalid(file, problem);
  return value as DaemonInfo;
}

/**
 * Whether the process named by `info.pid` is still running. A daemon that crashed leaves its
 * `daemon.json` behind; this tells that stale file apart from a live daemon without connecting.
 */
export function isDaemonAlive(info: Pick<DaemonInfo, 'pid'>): boolean {
  try {
    // Signal 0 checks existence and permission without delivering anything.
    process.kill(info.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Hand-written rather than zod so the client stays free of schema dependencies beyond the protocol. */
function checkShape(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const v = value as Record<string, unknown>;
  if (!Number.isInteger(v.pid) || (v.pid as number) <= 0) return 'has no valid "pid"';
  if (!Number.isInteger(v.port) || (v.port as number) < 0 || (v.port as number) > 65535) return 'has no valid "port"';
  for (const key of ['version', 'protocolVersion', 'socket', 'token', 'startedAt'] as const) {
    if (typeof v[key] !== 'string') return `has no valid "${key}"`;
  }
  return undefined;
}

function invalid(file: string, problem: string): DaemonUnavailableError {
  return new DaemonUnavailableError(
    'invalid-info',
    `The daemon discovery file ${file} ${problem}.`,
    'Stop any running daemon, delete the file, and start the daemon again with `switchboard daemon start`.',
  );
}
