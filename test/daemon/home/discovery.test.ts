import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  claimHome,
  isProcessAlive,
  readDaemonInfo,
  removeDaemonInfo,
  writeDaemonInfo,
  type DaemonInfo,
} from '../../../daemon/home/discovery';

const DISCOVERY = resolve(__dirname, '../../../daemon/home/discovery.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshHome(): { lockFile: string; daemonJson: string; socket: string } {
  const home = mkdtempSync(join(tmpdir(), 'sb-discovery-'));
  dirs.push(home);
  return {
    lockFile: join(home, 'daemon.lock'),
    daemonJson: join(home, 'daemon.json'),
    socket: join(home, 'daemon.sock'),
  };
}

function infoFor(pid: number, socket = '/nonexistent/daemon.sock'): DaemonInfo {
  return {
    pid,
    version: '0.0.0',
    protocolVersion: '1.0.0',
    socket,
    port: 1234,
    token: 't'.repeat(64),
    startedAt: new Date().toISOString(),
  };
}

/** Makes a lock look a minute old, past every grace period. */
function ageLock(file: string): void {
  const old = new Date(Date.now() - 60_000);
  utimesSync(file, old, old);
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A live process that is not a daemon; killed after the test. */
function livePid(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

describe('daemon.json', () => {
  it('is written atomically with mode 0600 and read back', () => {
    const { daemonJson } = freshHome();
    const info = infoFor(42);
    writeDaemonInfo(daemonJson, info);
    expect(readDaemonInfo(daemonJson)).toEqual(info);
    if (process.platform !== 'win32') expect(statSync(daemonJson).mode & 0o777).toBe(0o600);
  });

  it('reads as null when missing, half-written or foreign', () => {
    const { daemonJson } = freshHome();
    expect(readDaemonInfo(daemonJson)).toBeNull();
    writeFileSync(daemonJson, '{"pid": 1');
    expect(readDaemonInfo(daemonJson)).toBeNull();
    writeFileSync(daemonJson, '{"pid": "1"}');
    expect(readDaemonInfo(daemonJson)).toBeNull();
  });

  it('is removed only by the daemon it names', () => {
    const { daemonJson } = freshHome();
    writeDaemonInfo(daemonJson, infoFor(process.pid + 1));
    removeDaemonInfo(daemonJson);
    expect(existsSync(daemonJson)).toBe(true);
    writeDaemonInfo(daemonJson, infoFor(process.pid));
    removeDaemonInfo(daemonJson);
    expect(existsSync(daemonJson)).toBe(false);
  });
});

describe('isProcessAlive', () => {
  it('tells a live pid from a dead one', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(deadPid())).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
  });
});

describe('claimHome', () => {
  it('claims a fresh home and releases it', async () => {
    const paths = freshHome();
    const claim = await claimHome(paths);
    expect(claim.kind).toBe('claimed');
    expect(readFileSync(paths.lockFile, 'utf8').trim()).toBe(String(process.pid));
    if (claim.kind === 'claimed') claim.release();
    expect(existsSync(paths.lockFile)).toBe(false);
  });

  it('takes over a lock whose pid is dead, replacing its stale daemon.json later', async () => {
    const paths = freshHome();
    const dead = deadPid();
    writeFileSync(paths.lockFile, `${dead}\n`);
    writeDaemonInfo(paths.daemonJson, infoFor(dead));
    const claim = await claimHome(paths);
    expect(claim.kind).toBe('claimed');
    expect(readFileSync(paths.lockFile, 'utf8').trim()).toBe(String(process.pid));
  });

  it('takes over an empty lock left by a crash mid-write', async () => {
    const paths = freshHome();
    writeFileSync(paths.lockFile, '');
    ageLock(paths.lockFile);
    expect((await claimHome(paths)).kind).toBe('claimed');
  });

  it('finds a live owner and returns its daemon.json', async () => {
    const paths = freshHome();
    const pid = livePid();
    writeFileSync(paths.lockFile, `${pid}\n`);
    writeDaemonInfo(paths.daemonJson, infoFor(pid));
    const claim = await claimHome(paths);
    expect(claim).toMatchObject({ kind: 'running', info: { pid } });
  });

  it('says what to do when a live owner never publishes daemon.json', async () => {
    const paths = freshHome();
    writeFileSync(paths.lockFile, `${livePid()}\n`);
    await expect(claimHome(paths, { waitForInfoMs: 200 })).rejects.toThrow(/delete .*daemon\.lock/);
  });

  it('treats an old lock whose live pid does not listen on the socket (pid reuse) as stale', async () => {
    const paths = freshHome();
    const pid = livePid();
    writeFileSync(paths.lockFile, `${pid}\n`);
    writeDaemonInfo(paths.daemonJson, infoFor(pid, paths.socket));
    ageLock(paths.lockFile);
    expect((await claimHome(paths)).kind).toBe('claimed');
  });

  it('keeps an old lock whose owner still listens on the socket', async () => {
    const paths = freshHome();
    const pid = livePid();
    const listener = createServer().listen(paths.socket);
    await once(listener, 'listening');
    try {
      writeFileSync(paths.lockFile, `${pid}\n`);
      writeDaemonInfo(paths.daemonJson, infoFor(pid, paths.socket));
      ageLock(paths.lockFile);
      expect(await claimHome(paths)).toMatchObject({ kind: 'running', info: { pid } });
    } finally {
      listener.close();
    }
  });

  it.each([
    ['a fresh home', false],
    ['a stale lock', true],
  ])(
    'lets exactly one of many processes started at the same instant win %s',
    async (_name, stale) => {
      const paths = freshHome();
      if (stale) writeFileSync(paths.lockFile, `${deadPid()}\n`);
      // Barrier: every worker loads first and says so, then all spin on one file and claim when it appears.
      const go = join(paths.lockFile, '..', 'go');
      const script = `
      const fs = require('node:fs');
      const d = require(${JSON.stringify(DISCOVERY)});
      const paths = ${JSON.stringify(paths)};
      console.log('ready');
      while (!fs.existsSync(${JSON.stringify(go)})) {}
      d.claimHome(paths).then((r) => {
        if (r.kind === 'running') { console.log('running ' + r.info.pid); return; }
        d.writeDaemonInfo(paths.daemonJson, { ...${JSON.stringify(infoFor(1))}, pid: process.pid });
        console.log('claimed ' + process.pid);
        setTimeout(() => r.release(), 1500);
      }, (e) => console.log('error ' + e.message));`;
      const ready: Array<Promise<void>> = [];
      const runs = Array.from({ length: 4 }, () => {
        const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        children.push(child);
        let out = '';
        child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        ready.push(new Promise((ok) => child.stdout!.on('data', () => out.startsWith('ready') && ok())));
        return new Promise<string>((done) => child.on('exit', () => done(out.replace('ready', '').trim())));
      });
      await Promise.all(ready);
      writeFileSync(go, '');
      const outputs = await Promise.all(runs);
      const winners = outputs.filter((o) => o.startsWith('claimed'));
      expect(winners, outputs.join('\n')).toHaveLength(1);
      const winnerPid = winners[0]!.split(' ')[1];
      for (const o of outputs.filter((x) => !x.startsWith('claimed'))) expect(o).toBe(`running ${winnerPid}`);
    },
    20_000,
  );
});
