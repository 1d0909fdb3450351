import { mkdtempSync, rmSync, statSync, mkdirSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDirs,
  defaultHome,
  ensureHome,
  explicitHome,
  HomeError,
  homePaths,
  MAX_SOCKET_PATH_BYTES,
  resolveHome,
} from '../../../daemon/home/paths';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('defaultHome', () => {
  it('uses ~/.config/switchboard on Linux, or $XDG_CONFIG_HOME when absolute', () => {
    expect(defaultHome('linux', {}, '/home/ann')).toBe('/home/ann/.config/switchboard');
    expect(defaultHome('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ann')).toBe('/cfg/switchboard');
    expect(defaultHome('linux', { XDG_CONFIG_HOME: 'relative' }, '/home/ann')).toBe('/home/ann/.config/switchboard');
  });

  it('uses Application Support on macOS', () => {
    expect(defaultHome('darwin', {}, '/Users/ann')).toBe('/Users/ann/Library/Application Support/switchboard');
  });

  it('uses %APPDATA% on Windows', () => {
    expect(defaultHome('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\switchboard',
    );
    expect(defaultHome('win32', {}, 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\AppData\\Roaming\\switchboard');
  });
});

describe('resolveHome', () => {
  it('lets SWITCHBOARD_HOME win, made absolute', () => {
    expect(resolveHome({ SWITCHBOARD_HOME: '/tmp/sb' })).toBe('/tmp/sb');
    expect(resolveHome({ SWITCHBOARD_HOME: 'rel/sb' })).toBe(join(process.cwd(), 'rel/sb'));
  });
});

describe('homePaths', () => {
  it('puts every file in the home', () => {
    const p = homePaths('/h', 'linux');
    expect(p).toEqual({
      home: '/h',
      dbFile: '/h/db.json',
      auditFile: '/h/audit.jsonl',
      usageFile: '/h/usage.jsonl',
      vaultFile: '/h/vault.json',
      masterKeyFile: '/h/master.key',
      daemonJson: '/h/daemon.json',
      socket: '/h/daemon.sock',
      logFile: '/h/daemon.log',
      lockFile: '/h/daemon.lock',
    });
  });

  it('uses a named pipe keyed by the home on Windows', () => {
    const a = homePaths('C:\\a', 'win32').socket;
    expect(a).toMatch(/^\\\\\.\\pipe\\switchboard-[0-9a-f]{16}$/);
    expect(homePaths('C:\\b', 'win32').socket).not.toBe(a);
    expect(homePaths('C:\\A', 'win32').socket).toBe(a);
  });

  it('moves the socket to a short private path when the home is too long for sun_path', () => {
    const long = `/tmp/${'x'.repeat(120)}`;
    const socket = homePaths(long, 'linux').socket;
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
    expect(socket.startsWith(tmpdir())).toBe(true);
    expect(homePaths(`${long}y`, 'linux').socket).not.toBe(socket);
  });
});

describe.skipIf(process.platform === 'win32')('ensureHome', () => {
  it('creates the home and its missing parents 0700', () => {
    const base = mkdtempSync(join(tmpdir(), 'sb-paths-'));
    made.push(base);
    const home = join(base, 'a', 'home');
    ensureHome(home);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(join(base, 'a')).mode & 0o777).toBe(0o700);
  });

  it('leaves the mode of an existing home alone: it never chmods a directory it did not create', () => {
    const loose = mkdtempSync(join(tmpdir(), 'sb-paths-'));
    made.push(loose);
    chmodSync(loose, 0o755);
    ensureHome(loose);
    expect(statSync(loose).mode & 0o777).toBe(0o755);
  });

  it('refuses an empty home (it would be the working directory)', () => {
    expect(() => ensureHome('')).toThrow(HomeError);
    expect(() => explicitHome('  ')).toThrow(
      /the home directory is empty, which would make the current directory the home/,
    );
    expect(explicitHome('rel')).toBe(resolve('rel'));
  });

  it('says which part of the path is a file, without creating anything', () => {
    const base = mkdtempSync(join(tmpdir(), 'sb-paths-'));
    made.push(base);
    writeFileSync(join(base, 'file'), 'x');
    expect(() => createDirs(join(base, 'file', 'home'))).toThrow(`${join(base, 'file')} is not a directory`);
  });

  it('creates the fallback socket directory 0700', () => {
    const base = mkdtempSync(join(tmpdir(), 'sb-paths-'));
    made.push(base);
    const home = join(base, 'y'.repeat(110));
    const paths = ensureHome(home);
    const socketDir = dirname(paths.socket);
    made.push(socketDir);
    expect(socketDir).not.toBe(home);
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);
  });

  it('refuses, rather than chmods, a fallback socket directory that others can enter', () => {
    const base = mkdtempSync(join(tmpdir(), 'sb-paths-'));
    made.push(base);
    const home = join(base, 'z'.repeat(110));
    const socketDir = dirname(homePaths(home).socket);
    made.push(socketDir);
    mkdirSync(socketDir, { recursive: true });
    chmodSync(socketDir, 0o755);
    expect(() => ensureHome(home)).toThrow(/can be entered by other users/);
    expect(statSync(socketDir).mode & 0o777).toBe(0o755);
  });
});
