/**
 * Shows `connections/statusChanged` from a scheduled test as a notification, with the test history
 * and the connection one click away. The daemon sends the event once per change, so a connection
 * that stays red does not raise it again on every run.
 */
import * as vscode from 'vscode';
import { ConnectionsStatusChanged, type ConnectionsStatusChangedParams } from '../../shared/protocol';
import type { DaemonConnection } from '../daemon/daemonConnection';
import { shouldNotify, statusChangeMessage } from './statusMessage';

const EDIT = 'Open Connection';
const TEST = 'Test Again';

export function registerStatusWarnings(daemon: DaemonConnection): vscode.Disposable {
  return daemon.onNotification(ConnectionsStatusChanged, (change) => {
    if (shouldNotify(change)) void show(change);
  });
}

async function show(change: ConnectionsStatusChangedParams): Promise<void> {
  const message = statusChangeMessage(change);
  const choice =
    change.status === 'error'
      ? await vscode.window.showErrorMessage(message, EDIT, TEST)
      : await vscode.window.showWarningMessage(message, EDIT, TEST);
  if (choice === EDIT) await vscode.commands.executeCommand('switchboard.editConnection', change.id);
  else if (choice === TEST) await vscode.commands.executeCommand('switchboard.testConnection', change.id);
}
