/**
 * Where the daemon keeps everything: one directory, `$SWITCHBOARD_HOME`, defaulting to the platform's
 * config dir. Every file the daemon writes lives there (the socket too, unless its path would be too
 * long for the OS, see `socketPathFor`).
 */
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';

/** Absolute paths of everything in the home. */
export interface HomePaths {
  home: string;
  dbFile: string;
  auditFile: string;
  /** The usage ledger's rows, appended as they change. */
  usageFile: string;
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
export function defaultHome(
  platform: NodeJS.Platform = process.platform,
  env: Env = process.env,
  userHome: string = homedir(),
): string {
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

/**
 * The home this process uses: `$SWITCHBOARD_HOME` (made absolute) when set, else the default. A
 * blank `$SWITCHBOARD_HOME` counts as unset, as the client's discovery reads it too.
 */
export function resolveHome(env: Env = process.env): string {
  const explicit = env.SWITCHBOARD_HOME?.trim();
  return explicit ? path.resolve(explicit) : defaultHome(process.platform, env);
}

/** A home that cannot be used, with what to do about it. */
export class HomeError extends Error {
  override readonly name = 'HomeError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const CHOOSE_HOME =
  'Choose a directory you can write to with --home DIR or SWITCHBOARD_HOME=DIR, or leave both unset to use the default.';

/**
 * A home given explicitly (`--home`), made absolute. A blank one is refused: `path.resolve('')` is
 * the working directory, which would silently become the home (and fill up with the daemon's files).
 */
export function explicitHome(value: string): string {
  if (value.trim() === '')
    throw new HomeError('the home directory is empty, which would make the current directory the home.', CHOOSE_HOME);
  return path.resolve(value);
}

/**
 * Creates `dir` and whichever of its parents are missing, mode 0700, one level at a time, and says
 * whether `dir` was created. Not `mkdirSync(…, {recursive: true})`: on Node 20 that loops forever
 * where the file system refuses a new directory with ENOENT (`/proc/nope`). Here each level is
 * tried once, so a home that cannot be made fails at once with a {@link HomeError}.
 */
export function createDirs(dir: string): boolean {
  const absolute = path.resolve(dir);
  const missing: string[] = [];
  for (let current = absolute; ; current = path.dirname(current)) {
    const st = statOrUndefined(current, absolute);
    if (st) {
      if (!st.isDirectory())
        throw new HomeError(
          `Cannot use ${absolute} as the Switchboard home: ${current} is not a directory.`,
          CHOOSE_HOME,
        );
      break;
    }
    missing.push(current);
    if (path.dirname(current) === current) break;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level, { mode: 0o700 });
    } catch (error) {
      // Another process (a second CLI) may have made it meanwhile.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(level).isDirectory()) continue;
      throw new HomeError(
        `Cannot create the Switchboard home ${absolute}: ${describeFsError(error, level)}.`,
        CHOOSE_HOME,
      );
    }
  }
  return missing.length > 0;
}

function statOrUndefined(target: string, home: string) {
  try {
    return statSync(target, { throwIfNoEntry: false });
  } catch (error) {
    // A file somewhere above: walk on up to it and say so.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new HomeError(`Cannot use ${home} as the Switchboard home: ${describeFsError(error, target)}.`, CHOOSE_HOME);
  }
}

function describeFsError(error: unknown, target: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied creating ${target}`;
    case 'EROFS':
      return `${target} is on a read-only file system`;
    case 'ENOTDIR':
      return `a part of ${target} is not a directory`;
    case 'ENOENT':
      return `the file system does not allow creating ${target}`;
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return `${code ?? 'error'} creating ${target}`;
  }
}

/** Every path in the home (absolute). Pure: creates nothing. */
export function homePaths(home: string, platform: NodeJS.Platform = process.platform): HomePaths {
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  return {
    home,
    dbFile: join(home, 'db.json'),
    auditFile: join(home, 'audit.jsonl'),
    usageFile: join(home, 'usage.jsonl'),
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
 * Creates the home with mode 0700 when it does not exist. An existing directory keeps its mode: the
 * daemon never changes the permissions of a directory it did not create (its own files in it are
 * 0600 either way). When the socket lives outside the home, its directory is created too, after
 * checking nobody else planted it in the shared temp dir. Throws a {@link HomeError} saying why a
 * home cannot be used.
 */
export function ensureHome(home: string): HomePaths {
  if (home.trim() === '') throw new HomeError('The home directory is empty.', CHOOSE_HOME);
  const paths = homePaths(home);
  const created = createDirs(home);
  if (process.platform === 'win32') return paths;
  // Made here: exactly 0700, whatever the umask did to mkdir's mode.
  if (created) chmodSync(home, 0o700);
  const socketDir = path.dirname(paths.socket);
  if (socketDir !== home) ensurePrivateDir(socketDir);
  return paths;
}

/** A directory only we can enter; refuses one that is a symlink, belongs to another user, or is open to others. */
function ensurePrivateDir(dir: string): void {
  const created = createDirs(dir);
  const st = lstatSync(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (!st.isDirectory() || st.uid !== uid) {
    throw new Error(
      `${dir} is not a directory owned by this user; remove it, or set SWITCHBOARD_HOME to a shorter path so the socket fits inside it.`,
    );
  }
  // Made here: exactly 0700 whatever the umask. Found: not ours to change, so refuse it if others can enter.
  if (created) chmodSync(dir, 0o700);
  else if ((st.mode & 0o077) !== 0)
    throw new Error(
      `${dir} (where the daemon's socket goes) can be entered by other users; remove it, or set SWITCHBOARD_HOME to a shorter path so the socket fits inside it.`,
    );
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
