/**
 * Shows the daemon's `usage/budgetWarning` (a connection reached 80% of its budget; sent once per
 * period) as a warning notification with a way to the figures and to the budget itself. The
 * extension subscribes to every daemon event on each connect, so this handler survives restarts.
 */
import * as vscode from 'vscode';
import { BudgetWarning, type BudgetWarningParams } from '../../shared/protocol';
import type { DaemonConnection } from '../daemon/daemonConnection';
import { budgetWarningMessage } from './budgetMessage';

const SHOW_USAGE = 'Show Usage';
const EDIT = 'Edit Connection';

export function registerBudgetWarnings(daemon: DaemonConnection): vscode.Disposable {
  return daemon.onNotification(BudgetWarning, (warning) => void showBudgetWarning(warning));
}

async function showBudgetWarning(warning: BudgetWarningParams): Promise<void> {
  const choice = await vscode.window.showWarningMessage(budgetWarningMessage(warning), SHOW_USAGE, EDIT);
  if (choice === SHOW_USAGE) await vscode.commands.executeCommand('switchboard.showUsage');
  else if (choice === EDIT) await vscode.commands.executeCommand('switchboard.editConnection', warning.connectionId);
}
