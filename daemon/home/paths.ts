/**
 * Where the daemon keeps everything: one directory, `$SWITCHBOARD_HOME`, defaulting to the platform's
 * config dir. Every file the daemon writes lives there (the socket too, unless its path would be too
 * long for the OS, see `socketPathFor`).
 */
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';

/** Absolute paths of everything in the home. */
export interface HomePaths {
  home: string;
  dbFile: string;
  auditFile: string;
  vaultFile: string;
  masterKeyFile: string;
  daemonJson: string;
  /** Unix socket path, or a Windows named pipe (`\\.\pipe\…`). */
  socket: string;
  logFile: string;
  lockFile: string;
}

/**
 * `sun_path` holds 108 bytes on Linux and 104 on macOS, both counting the terminating NUL. Staying
 * under 100 leaves margin on every platform.
 */
export const MAX_SOCKET_PATH_BYTES = 100;

type Env = Record<string, string | undefined>;

/** The platform's config dir + `switchboard`. Pure, so every platform's answer is testable anywhere. */
export function defaultHome(platform: NodeJS.Platform = process.platform, env: Env = process.env, userHome: string = homedir()): string {
  if (platform === 'win32') {
    const appData = env.APPDATA || path.win32.join(userHome, 'AppData', 'Roaming');
    return path.win32.join(appData, 'switchboard');
  }
  if (platform === 'darwin') return path.posix.join(userHome, 'Library', 'Application Support', 'switchboard');
  // XDG: an absolute $XDG_CONFIG_HOME replaces ~/.config; a relative one must be ignored (spec).
  const xdg = env.XDG_CONFIG_HOME;
  const config = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(userHome, '.config');
  return path.posix.join(config, 'switchboard');
}

/** The home this process uses: `$SWITCHBOARD_HOME` (made absolute) when set, else the default. */
export function resolveHome(env: Env = process.env): string {
  const explicit = env.SWITCHBOARD_HOME?.trim();
  return explicit ? path.resolve(explicit) : defaultHome(process.platform, env);
}

/** Every path in the home (absolute). Pure: creates nothing. */
export function homePaths(home: string, platform: NodeJS.Platform = process.platform): HomePaths {
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  return {
    home,
    dbFile: join(home, 'db.json'),
    auditFile: join(home, 'audit.jsonl'),
    vaultFile: join(home, 'vault.json'),
    masterKeyFile: join(home, 'master.key'),
    daemonJson: join(home, 'daemon.json'),
    socket: socketPathFor(home, platform),
    logFile: join(home, 'daemon.log'),
    lockFile: join(home, 'daemon.lock'),
  };
}

/**
 * The socket of a home. Windows: a named pipe, keyed by the home so two homes never collide.
 * Elsewhere: `daemon.sock` in the home, or — when that path is too long for `sun_path` — a short
 * path in the temp dir keyed by user and home, inside a 0700 directory that `ensureHome` creates.
 */
export function socketPathFor(home: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `\\\\.\\pipe\\switchboard-${hashOf(home.toLowerCase())}`;
  const inHome = path.posix.join(home, 'daemon.sock');
  if (Buffer.byteLength(inHome) <= MAX_SOCKET_PATH_BYTES) return inHome;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.posix.join(tmpdir(), `switchboard-${uid}-${hashOf(home)}`, 'daemon.sock');
}

/**
 * Creates the home with mode 0700 (and tightens an existing one, which an older version or a user's
 * `mkdir` may have left group-readable). When the socket lives outside the home, its directory is
 * created too, after checking nobody else planted it in the shared temp dir.
 */
export function ensureHome(home: string): HomePaths {
  const paths = homePaths(home);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return paths;
  chmodSync(home, 0o700);
  const socketDir = path.dirname(paths.socket);
  if (socketDir !== home) ensurePrivateDir(socketDir);
  return paths;
}

/** A directory only we can enter; refuses one that is a symlink or belongs to another user. */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (!st.isDirectory() || st.uid !== uid) {
    throw new Error(`${dir} is not a directory owned by this user; remove it, or set SWITCHBOARD_HOME to a shorter path so the socket fits inside it.`);
  }
  chmodSync(dir, 0o700);
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
