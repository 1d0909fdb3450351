/**
 * Shows the daemon's `connections/quotaWarning` (a capacity limit passed 80%; the daemon sends it once
 * per crossing, not on every request) as a warning notification with a way to the connection's
 * limits. The extension subscribes to every daemon event on each connect, so this survives restarts.
 */
import * as vscode from 'vscode';
import { QuotaWarning, type QuotaWarningParams } from '../../shared/protocol';
import type { DaemonConnection } from '../daemon/daemonConnection';
import { quotaWarningMessage } from './quotaMessage';

const EDIT = 'Edit Connection';

export function registerQuotaWarnings(daemon: DaemonConnection): vscode.Disposable {
  return daemon.onNotification(QuotaWarning, (warning) => void showQuotaWarning(warning));
}

async function showQuotaWarning(warning: QuotaWarningParams): Promise<void> {
  const choice = await vscode.window.showWarningMessage(quotaWarningMessage(warning), EDIT);
  if (choice === EDIT) await vscode.commands.executeCommand('switchboard.editConnection', warning.connectionId);
}
