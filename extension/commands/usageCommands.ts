/** "Show Usage": the Usage view (requests, tokens and cost per connection and model; budgets). */
import * as vscode from 'vscode';
import { UsagePanel } from '../usage/usagePanel';
import type { CommandDeps } from './pickConnection';

export function registerUsageCommands(deps: CommandDeps): vscode.Disposable {
  const panelDeps = { extensionUri: deps.extensionUri, daemon: deps.daemon };
  return vscode.Disposable.from(
    vscode.commands.registerCommand('switchboard.showUsage', () => UsagePanel.show(panelDeps)),
    // Restores an open Usage tab after a reload (activation event onWebviewPanel:switchboard.usage).
    UsagePanel.registerSerializer(panelDeps),
  );
}
