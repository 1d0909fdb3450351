/**
 * Context keys for `when` clauses in package.json: `switchboard.daemonState` (starting / connected /
 * down) and `switchboard.connectionCount` — they choose which welcome view the empty tree shows.
 */
import * as vscode from 'vscode';
import type { ConnectionStore } from './connections/connectionStore';
import type { DaemonConnection } from './daemon/daemonConnection';

export function registerContextKeys(daemon: DaemonConnection, store: ConnectionStore): vscode.Disposable {
  let lastState: string | undefined;
  let lastCount: number | undefined;
  const update = (): void => {
    if (daemon.state !== lastState) {
      lastState = daemon.state;
      void vscode.commands.executeCommand('setContext', 'switchboard.daemonState', daemon.state);
    }
    const count = store.loaded ? store.connections.length : -1;
    if (count !== lastCount) {
      lastCount = count;
      void vscode.commands.executeCommand('setContext', 'switchboard.connectionCount', count);
    }
  };
  update();
  return vscode.Disposable.from(daemon.onDidChangeState(update), store.onDidChange(update));
}
