/**
 * Finds the daemon of a home (its `daemon.json` naming a live pid) or starts the bundled one:
 * `process.execPath` with `ELECTRON_RUN_AS_NODE=1` (VS Code's own runtime, run as plain Node),
 * detached so it outlives the window and keeps serving other windows and tools.
 *
 * Starting is idempotent: the daemon takes a lock on its home, and a second one started on the same
 * home exits 0 after finding the first. So every window that finds no daemon may start one, and all
 * of them end up on the winner's `daemon.json`.
 *
 * No `vscode` here: it is exercised by vitest against the real daemon bundle.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDaemonAlive, readDaemonInfo, type DaemonInfo } from '../../shared/client';
import { cleanDaemonEnv } from '../../shared/client/daemonEnv';
import { daemonArgv } from '../../shared/client/daemonNodeArgs';

export interface LauncherOptions {
  /** The daemon bundle (`dist/daemon.js` of the extension). */
  daemonScript: string;
  /** The runtime; default `process.execPath` (Electron, or Node under code-server). */
  execPath?: string;
  /**
   * Where the spawned daemon's stdout/stderr go (truncated on each start). It is what tells why a
   * daemon failed to start before it could open its own `daemon.log`. Default: discarded.
   */
  outputFile?: string;
  /** Extra environment for the daemon. */
  env?: NodeJS.ProcessEnv;
  /** Progress lines for the output channel. */
  log?: (message: string) => void;
  /** Called with the pid of each daemon process spawned (it may lose the race and exit 0). */
  onSpawn?: (pid: number) => void;
}

/** How long a start may take before giving up. */
export const START_TIMEOUT_MS = 15_000;

export class DaemonLauncher {
  constructor(private readonly opts: LauncherOptions) {}

  /**
   * The live daemon of `home`, or undefined when there is none (no `daemon.json`, or one left by a
   * daemon that crashed). A malformed `daemon.json` counts as none: a new daemon will replace it.
   */
  async find(home: string): Promise<DaemonInfo | undefined> {
    let info: DaemonInfo | undefined;
    try {
      info = await readDaemonInfo(home);
    } catch (error) {
      this.opts.log?.(`Ignoring ${path.join(home, 'daemon.json')}: ${(error as Error).message}`);
      return undefined;
    }
    return info && isDaemonAlive(info) ? info : undefined;
  }

  /**
   * Starts a daemon on `home` (unless one is already there) and resolves to the `daemon.json` of
   * the live daemon — ours, or the one that won the race. Rejects when the daemon exits with an
   * error (the message carries the end of its output) or nothing is ready within the timeout.
   */
  async start(home: string, timeoutMs = START_TIMEOUT_MS): Promise<DaemonInfo> {
    const existing = await this.find(home);
    if (existing) return existing;

    const execPath = this.opts.execPath ?? process.execPath;
    const out = this.openOutput();
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    try {
      const child = spawn(execPath, daemonArgv(this.opts.daemonScript), {
        detached: true,
        stdio: ['ignore', out ?? 'ignore', out ?? 'ignore'],
        env: {
          ...cleanDaemonEnv({ ...process.env, ...this.opts.env }),
          ELECTRON_RUN_AS_NODE: '1',
          SWITCHBOARD_HOME: home,
        },
        cwd: path.dirname(this.opts.daemonScript),
        windowsHide: true,
      });
      child.once('error', (error) => (spawnError = error));
      child.once('exit', (code, signal) => (exit = { code, signal }));
      // Not a child of this window: VS Code must be able to exit while the daemon keeps running.
      child.unref();
      if (child.pid !== undefined) this.opts.onSpawn?.(child.pid);
      this.opts.log?.(`Started the daemon (pid ${child.pid ?? '?'}) on ${home}`);
    } finally {
      if (out !== undefined) closeSync(out);
    }

    const deadline = Date.now() + timeoutMs;
    for (let delay = 25; ; delay = Math.min(delay * 2, 200)) {
      const info = await this.find(home);
      if (info) return info;
      if (spawnError) throw new Error(`Could not start the Switchboard daemon with ${execPath}: ${spawnError.message}`);
      // Exit 0 without a daemon.json yet: another daemon won the race and is still publishing; keep waiting.
      if (exit && exit.code !== 0) {
        const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
        throw new Error(`The Switchboard daemon ${how} while starting.${this.outputTail()}`);
      }
      if (Date.now() > deadline)
        throw new Error(
          `The Switchboard daemon did not publish ${path.join(home, 'daemon.json')} within ${timeoutMs} ms.${this.outputTail()}`,
        );
      await sleep(delay);
    }
  }

  /** Resolves true once `pid` has exited, false after the timeout. */
  async waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (isDaemonAlive({ pid })) {
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
    return true;
  }

  private openOutput(): number | undefined {
    const file = this.opts.outputFile;
    if (!file) return undefined;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      return openSync(file, 'w', 0o600);
    } catch (error) {
      this.opts.log?.(`Cannot write the daemon's output to ${file}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** The last lines the daemon printed, for an error message. */
  private outputTail(): string {
    const file = this.opts.outputFile;
    if (!file) return '';
    try {
      const lines = readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
      return lines ? ` Its output ends with:\n${lines}` : '';
    } catch {
      return '';
    }
  }
}
