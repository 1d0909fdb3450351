/**
 * The launcher against the real daemon bundle (`dist/daemon.js`, built by `npm test`): it starts a
 * detached daemon, finds it again, never starts a second one, and tells a crash from a lost race.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isDaemonAlive } from '../../shared/client';
import { DaemonLauncher } from '../../extension/daemon/daemonLauncher';
import { DAEMON_NODE_ARGS } from '../../shared/client/daemonNodeArgs';
import { commandLineOf } from '../helpers/daemonProcess';

const script = path.resolve(__dirname, '../../dist/daemon.js');
const homes: string[] = [];
const pids = new Set<number>();

function tempHome(): string {
  const home = mkdtempSync(path.join(tmpdir(), 'sb-launch-'));
  homes.push(home);
  return home;
}

function launcher(home: string): DaemonLauncher {
  return new DaemonLauncher({
    daemonScript: script,
    outputFile: path.join(home, 'launch-output.log'),
    onSpawn: (pid) => pids.add(pid),
  });
}

beforeAll(() => {
  if (!existsSync(script)) throw new Error('dist/daemon.js is missing: run `node esbuild.mjs` first (npm test does).');
});

// Every daemon spawned, winners and losers of a start race: a loser still starting when the winner
// stops would take the home over and outlive the test.
afterEach(async () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone
    }
  }
  const l = new DaemonLauncher({ daemonScript: script });
  for (const pid of pids) await l.waitForExit(pid, 5000);
  pids.clear();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

describe('DaemonLauncher', () => {
  it('finds nothing in an empty home', async () => {
    expect(await launcher(tempHome()).find(tempHome())).toBeUndefined();
  });

  it('starts a detached daemon that publishes daemon.json, then finds it', async () => {
    const home = tempHome();
    const l = launcher(home);
    const info = await l.start(home);
    expect(pids.has(info.pid)).toBe(true);
    expect(info.pid).not.toBe(process.pid);
    expect(isDaemonAlive(info)).toBe(true);
    expect(await l.find(home)).toEqual(info);
    expect(JSON.parse(readFileSync(path.join(home, 'daemon.json'), 'utf8')).pid).toBe(info.pid);
    // With the daemon's Node options before the script (DAEMON_NODE_ARGS), as the CLI and `npm start` start it.
    const argv = commandLineOf(info.pid);
    if (argv) expect(argv.slice(1)).toEqual([...DAEMON_NODE_ARGS, script]);
  });

  it('returns the running daemon instead of starting another', async () => {
    const home = tempHome();
    const first = await launcher(home).start(home);
    expect(await launcher(home).start(home)).toEqual(first);
  });

  it('ends up on one daemon when several windows start one at the same time', async () => {
    const home = tempHome();
    const infos = await Promise.all(
      [0, 1, 2].map((i) =>
        new DaemonLauncher({
          daemonScript: script,
          outputFile: path.join(home, `out-${i}.log`),
          onSpawn: (pid) => pids.add(pid),
        }).start(home),
      ),
    );
    expect(new Set(infos.map((i) => i.pid)).size).toBe(1);
  });

  it('ignores a daemon.json left by a crashed daemon and starts a new one', async () => {
    const home = tempHome();
    writeFileSync(
      path.join(home, 'daemon.json'),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        version: '0',
        protocolVersion: '1.0.0',
        socket: '/nope',
        port: 1,
        token: 't',
        startedAt: 'x',
      }),
    );
    const l = launcher(home);
    expect(await l.find(home)).toBeUndefined();
    const info = await l.start(home);
    expect(isDaemonAlive(info)).toBe(true);
  });

  it('reports a daemon that fails to start, with the end of its output', async () => {
    const home = tempHome();
    const bad = path.join(home, 'bad-daemon.js');
    writeFileSync(bad, "process.stderr.write('cannot open the store: disk full\\n'); process.exit(3);");
    await expect(
      new DaemonLauncher({ daemonScript: bad, outputFile: path.join(home, 'out.log') }).start(home),
    ).rejects.toThrow(/exited with code 3[\s\S]*disk full/);
  });

  it('gives up after the timeout when nothing is published', async () => {
    const home = tempHome();
    const slow = path.join(home, 'slow-daemon.js');
    writeFileSync(slow, 'setTimeout(() => {}, 3000);');
    await expect(new DaemonLauncher({ daemonScript: slow }).start(home, 300)).rejects.toThrow(/did not publish/);
  });
});
