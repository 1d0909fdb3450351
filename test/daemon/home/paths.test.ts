import { mkdtempSync, rmSync, statSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultHome, ensureHome, homePaths, MAX_SOCKET_PATH_BYTES, resolveHome } from '../../../daemon/home/paths';

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
    expect(defaultHome('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\AppData\\Roaming\\switchboard');
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
  it('creates the home 0700 and tightens an existing one', () => {
    const base = mkdtempSync(join(tmpdir(), 'sb-paths-'));
    made.push(base);
    const home = join(base, 'a', 'home');
    ensureHome(home);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const loose = join(base, 'loose');
    mkdirSync(loose);
    chmodSync(loose, 0o755);
    ensureHome(loose);
    expect(statSync(loose).mode & 0o777).toBe(0o700);
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
});
