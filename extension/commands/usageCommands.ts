/** "Show Usage": the Usage view (requests, tokens and cost per connection and model; budgets). */
import * as vscode from 'vscode';
import { loadBundle } from '../lazyBundle';
import type * as UsageBundle from '../usage/usagePanel';
import { USAGE_VIEW_TYPE } from '../usage/usageViewType';
import type { CommandDeps } from './pickConnection';

/** The Usage view's host (dist/usage.js), loaded when the view is first shown or restored. */
const usagePanel = (): typeof UsageBundle.UsagePanel => loadBundle<typeof UsageBundle>('usage.js').UsagePanel;

export function registerUsageCommands(deps: CommandDeps): vscode.Disposable {
  const panelDeps = { extensionUri: deps.extensionUri, daemon: deps.daemon };
  return vscode.Disposable.from(
    vscode.commands.registerCommand('switchboard.showUsage', () => usagePanel().show(panelDeps)),
    // Restores an open Usage tab after a reload (activation event onWebviewPanel:switchboard.usage).
    vscode.window.registerWebviewPanelSerializer(USAGE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => usagePanel().restore(panelDeps, panel),
    }),
  );
}
