/** "Show Daemon Log" and "Restart Daemon". */
import * as vscode from 'vscode';
import { logLines } from '../config';
import { guarded, reportError, type CommandDeps } from './pickConnection';

export function registerDaemonCommands(deps: CommandDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(
      'switchboard.showDaemonLog',
      guarded(deps, 'Could not read the daemon log', () => deps.log.showDaemonLog(deps.daemon.home, logLines())),
    ),
    vscode.commands.registerCommand('switchboard.restartDaemon', () => restartDaemon(deps)),
  );
}

/** Restarts the daemon with progress; resolves true when it is back. */
export async function restartDaemon(deps: CommandDeps): Promise<boolean> {
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Restarting the Switchboard daemon…' },
      () => deps.daemon.restart(),
    );
    const pid = deps.daemon.hello?.pid;
    vscode.window.setStatusBarMessage(`Switchboard: daemon restarted${pid ? ` (pid ${pid})` : ''}.`, 4000);
    return true;
  } catch (error) {
    reportError(deps, 'The Switchboard daemon did not restart', error);
    return false;
  }
}
