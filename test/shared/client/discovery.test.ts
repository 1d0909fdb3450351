import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DaemonUnavailableError,
  defaultHome,
  isDaemonAlive,
  readDaemonInfo,
  type DaemonInfo,
} from '../../../shared/client';

describe('defaultHome', () => {
  it('prefers $SWITCHBOARD_HOME on every platform', () => {
    expect(defaultHome({ SWITCHBOARD_HOME: '/srv/sb', HOME: '/home/u' }, 'linux')).toBe('/srv/sb');
    expect(defaultHome({ SWITCHBOARD_HOME: 'D:\\sb', APPDATA: 'C:\\x' }, 'win32')).toBe('D:\\sb');
  });

  it('uses $XDG_CONFIG_HOME, else ~/.config, on Linux', () => {
    expect(defaultHome({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/switchboard');
    expect(defaultHome({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.config/switchboard');
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec.
    expect(defaultHome({ HOME: '/home/u', XDG_CONFIG_HOME: 'rel' }, 'linux')).toBe('/home/u/.config/switchboard');
  });

  it('uses ~/Library/Application Support on macOS', () => {
    expect(defaultHome({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Application Support/switchboard');
  });

  it('uses %APPDATA% on Windows', () => {
    expect(defaultHome({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\switchboard',
    );
    expect(defaultHome({ USERPROFILE: 'C:\\Users\\u' }, 'win32')).toBe('C:\\Users\\u\\AppData\\Roaming\\switchboard');
  });
});

describe('readDaemonInfo', () => {
  let home: string;
  const info: DaemonInfo = {
    pid: 123,
    version: '0.1.0',
    protocolVersion: '1.0.0',
    socket: '/tmp/sb.sock',
    port: 4567,
    token: 't',
    startedAt: '2025-01-01T00:00:00.000Z',
  };

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'sb-discovery-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('returns undefined when daemon.json is absent', async () => {
    expect(await readDaemonInfo(home)).toBeUndefined();
    expect(await readDaemonInfo(path.join(home, 'no-such-dir'))).toBeUndefined();
  });

  it('reads a valid daemon.json', async () => {
    await writeFile(path.join(home, 'daemon.json'), JSON.stringify(info));
    expect(await readDaemonInfo(home)).toEqual(info);
  });

  it('rejects a malformed daemon.json naming the problem', async () => {
    await writeFile(path.join(home, 'daemon.json'), '{"pid": 1');
    await expect(readDaemonInfo(home)).rejects.toThrow(/is not valid JSON/);
    await writeFile(path.join(home, 'daemon.json'), JSON.stringify({ ...info, port: 'x' }));
    const error = await readDaemonInfo(home).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonUnavailableError);
    expect(error).toMatchObject({ reason: 'invalid-info', message: expect.stringContaining('has no valid "port"') });
    await writeFile(path.join(home, 'daemon.json'), JSON.stringify({ ...info, token: undefined }));
    await expect(readDaemonInfo(home)).rejects.toThrow('has no valid "token"');
  });
});

describe('isDaemonAlive', () => {
  it('is true for a running process', () => {
    expect(isDaemonAlive({ pid: process.pid })).toBe(true);
  });

  it('is false for a process that has exited', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await new Promise((resolve) => child.on('exit', resolve));
    expect(isDaemonAlive({ pid })).toBe(false);
  });
});
