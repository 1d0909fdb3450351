/**
 * The status-bar item: the connection and model this workspace uses, coloured by its status; click
 * to switch. While the daemon is down it turns into a warning (click to restart), never silence.
 */
import * as vscode from 'vscode';
import { statusBarEnabled } from './config';
import type { ConnectionStore } from './connections/connectionStore';
import { connectionInUse, connectionStatus, escapeMarkdown, modelInUse, STATUS_STYLE, statusBarBackground } from './connections/presentation';
import type { DaemonConnection } from './daemon/daemonConnection';
import type { WorkspaceChoice } from './workspaceChoice';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('switchboard.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(
    private readonly daemon: DaemonConnection,
    private readonly store: ConnectionStore,
    private readonly choice: WorkspaceChoice,
  ) {
    this.item.name = 'Switchboard';
    const update = (): void => this.update();
    daemon.onDidChangeState(update, undefined, this.disposables);
    store.onDidChange(update, undefined, this.disposables);
    choice.onDidChange(update, undefined, this.disposables);
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('switchboard.statusBar') && update(), undefined, this.disposables);
    this.update();
  }

  /** What the item shows now (for tests). */
  get text(): string {
    return this.item.text;
  }

  update(): void {
    const item = this.item;
    if (!statusBarEnabled()) {
      item.hide();
      return;
    }
    item.color = undefined;
    item.backgroundColor = undefined;
    if (this.daemon.state === 'down') {
      item.text = '$(warning) Switchboard: daemon down';
      item.tooltip = new vscode.MarkdownString(
        `**The Switchboard daemon is not reachable.** Reconnecting…\n\n${escapeMarkdown(this.daemon.lastFailure ?? '')}\n\nClick to restart it.`,
      );
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      item.command = 'switchboard.restartDaemon';
    } else if (!this.store.loaded) {
      item.text = '$(sync~spin) Switchboard';
      item.tooltip = 'Connecting to the Switchboard daemon…';
      item.command = 'switchboard.showDaemonLog';
    } else {
      const inUse = connectionInUse(this.store.connections, this.choice.connectionId);
      if (!inUse) {
        const none = this.store.connections.length === 0;
        item.text = none ? '$(plug) Switchboard: add a connection' : '$(plug) Switchboard: select a connection';
        item.tooltip = none ? 'No AI connections yet. Click to add one.' : 'No default connection and none chosen for this workspace. Click to choose one.';
        item.command = none ? 'switchboard.addConnection' : 'switchboard.selectConnection';
      } else {
        const c = inUse.connection;
        const model = modelInUse(inUse, this.choice.value);
        const { status, reason } = connectionStatus(c);
        const style = STATUS_STYLE[status];
        item.text = `$(${style.icon}) ${c.name}${model ? ` · ${model}` : ''}`;
        const why = inUse.reason === 'workspace' ? 'chosen for this workspace' : 'the default connection';
        item.tooltip = new vscode.MarkdownString(
          `**${escapeMarkdown(c.name)}** (${why})  \n${escapeMarkdown(this.store.providerName(c.provider))}${model ? ` · ${escapeMarkdown(model)}` : ''}  \n${style.label}: ${escapeMarkdown(reason)}\n\nClick to switch connection.`,
        );
        const background = statusBarBackground(status);
        if (background) item.backgroundColor = new vscode.ThemeColor(background);
        else if (status === 'ok') item.color = new vscode.ThemeColor(style.color);
        item.command = 'switchboard.selectConnection';
      }
    }
    item.accessibilityInformation = { label: typeof item.tooltip === 'string' ? item.tooltip : item.text.replace(/\$\([^)]*\)\s*/g, '') };
    item.show();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
