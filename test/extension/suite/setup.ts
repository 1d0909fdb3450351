/**
 * Root hooks of the extension-host suite: a temp daemon home, the activated extension's API, and at
 * the end the test daemon stopped (it is detached: nothing else would stop it) and settings restored.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before } from 'mocha';
import * as vscode from 'vscode';
import { isDaemonAlive, readDaemonInfo, type DaemonInfo } from '../../../shared/client';
import type { SwitchboardApi } from '../../../extension/extension';

export const EXTENSION_ID = 'switchboard-dev.switchboard';

let home: string | undefined;
let createdHome = false;
let api: SwitchboardApi | undefined;

/** The daemon home the suite runs against. */
export function testHome(): string {
  if (!home) throw new Error('The suite setup has not run.');
  return home;
}

/** The activated extension's API. */
export function switchboard(): SwitchboardApi {
  if (!api) throw new Error('The extension is not activated.');
  return api;
}

/** Polls `check` until it returns true, or fails after `timeoutMs` saying what it waited for. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}.`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The live daemon of the test home. */
export async function liveDaemon(): Promise<DaemonInfo | undefined> {
  const info = await readDaemonInfo(testHome()).catch(() => undefined);
  return info && isDaemonAlive(info) ? info : undefined;
}

/** Waits until the extension is connected to the live daemon of the home, other than `notPid`; returns its info. */
export async function connectedToNewDaemon(notPid?: number, timeoutMs = 25_000): Promise<DaemonInfo> {
  let found: DaemonInfo | undefined;
  await waitFor(
    `the extension to be connected to a daemon${notPid ? ` other than pid ${notPid}` : ''}`,
    async () => {
      const info = await liveDaemon();
      const sb = switchboard();
      if (!info || info.pid === notPid || sb.daemon.state !== 'connected' || sb.daemon.hello?.pid !== info.pid)
        return false;
      found = info;
      return true;
    },
    timeoutMs,
  );
  return found!;
}

function same(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

before(async function () {
  this.timeout(60_000);
  const config = vscode.workspace.getConfiguration('switchboard');
  const envHome = process.env.SWITCHBOARD_HOME;
  if (envHome && !config.get<string>('daemon.home')) {
    home = path.resolve(envHome);
  } else {
    home = mkdtempSync(path.join(tmpdir(), 'sb-exthost-'));
    createdHome = true;
    await config.update('daemon.home', home, vscode.ConfigurationTarget.Global);
  }
  const ext = vscode.extensions.getExtension<SwitchboardApi>(EXTENSION_ID);
  if (!ext)
    throw new Error(`Extension ${EXTENSION_ID} is not loaded: is extensionDevelopmentPath the repository root?`);
  api = await ext.activate();
  await waitFor(
    'the extension to connect to the test home',
    () => api!.daemon.state === 'connected' && same(api!.daemon.home, testHome()),
    40_000,
  );
});

after(async function () {
  this.timeout(30_000);
  const info = home ? await liveDaemon() : undefined;
  // The window is about to close: stop the extension's connection first, so it neither reconnects
  // nor starts a new daemon while this one stops and the settings are restored.
  api?.daemon.dispose();
  if (info) {
    process.kill(info.pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (isDaemonAlive(info) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (isDaemonAlive(info)) process.kill(info.pid, 'SIGKILL');
  }
  if (createdHome) {
    await vscode.workspace
      .getConfiguration('switchboard')
      .update('daemon.home', undefined, vscode.ConfigurationTarget.Global);
    if (home) rmSync(home, { recursive: true, force: true });
  }
});
