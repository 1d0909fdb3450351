/**
 * The status-bar item: one answer to "what am I talking to". While a chat is focused it shows that
 * chat's connection and model (clicking switches the chat's); otherwise the connection and model new
 * chats start on (the workspace's choice, else the default), and says so. Coloured by the connection's
 * status. While the daemon is down it turns into a warning (click to restart), never silence.
 */
import * as vscode from 'vscode';
import { statusBarEnabled } from './config';
import type { ConnectionStore } from './connections/connectionStore';
import {
  connectionInUse,
  connectionStatus,
  escapeMarkdown,
  modelInUse,
  STATUS_STYLE,
  statusBarBackground,
} from './connections/presentation';
import type { DaemonConnection } from './daemon/daemonConnection';
import type { WorkspaceChoice } from './workspaceChoice';

/** The chat the person is in, as the status bar needs it (chat/chatFocus.ts). */
export interface FocusedChatSource {
  readonly host:
    { readonly current: { title: string }; readonly choice: { connectionId?: string; model?: string } } | undefined;
  readonly onDidChange: vscode.Event<void>;
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('switchboard.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(
    private readonly daemon: DaemonConnection,
    private readonly store: ConnectionStore,
    private readonly choice: WorkspaceChoice,
    private readonly chats?: FocusedChatSource,
  ) {
    this.item.name = 'Switchboard';
    const update = (): void => this.update();
    daemon.onDidChangeState(update, undefined, this.disposables);
    store.onDidChange(update, undefined, this.disposables);
    choice.onDidChange(update, undefined, this.disposables);
    chats?.onDidChange(update, undefined, this.disposables);
    vscode.workspace.onDidChangeConfiguration(
      (e) => e.affectsConfiguration('switchboard.statusBar') && update(),
      undefined,
      this.disposables,
    );
    this.update();
  }

  /** What the item shows now (for tests). */
  get text(): string {
    return this.item.text;
  }

  /** Its tooltip as text (for tests). */
  get tooltip(): string {
    const t = this.item.tooltip;
    return typeof t === 'string' ? t : (t?.value ?? '');
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
    } else if (this.chats?.host && this.showChat(this.chats.host)) {
      // Shown: the focused chat's connection.
    } else {
      const inUse = connectionInUse(this.store.connections, this.choice.connectionId);
      if (!inUse) {
        const none = this.store.connections.length === 0;
        item.text = none ? '$(plug) Switchboard: add a connection' : '$(plug) Switchboard: select a connection';
        item.tooltip = none
          ? 'No AI connections yet. Click to add one.'
          : 'No default connection and none chosen for this workspace. Click to choose one.';
        item.command = none ? 'switchboard.addConnection' : 'switchboard.selectConnection';
      } else {
        const c = inUse.connection;
        const model = modelInUse(inUse, this.choice.value);
        const { status, reason } = connectionStatus(c);
        const style = STATUS_STYLE[status];
        item.text = `$(${style.icon}) ${c.name}${model ? ` · ${model}` : ''}`;
        const why = inUse.reason === 'workspace' ? 'chosen for this workspace' : 'the default connection';
        item.tooltip = new vscode.MarkdownString(
          `**${escapeMarkdown(c.name)}**: the default for new chats (${why})  \n${escapeMarkdown(this.store.providerName(c.provider))}${model ? ` · ${escapeMarkdown(model)}` : ''}  \n${style.label}: ${escapeMarkdown(reason)}\n\nClick to switch the default connection and model.`,
        );
        const background = statusBarBackground(status);
        if (background) item.backgroundColor = new vscode.ThemeColor(background);
        else if (status === 'ok') item.color = new vscode.ThemeColor(style.color);
        item.command = 'switchboard.selectConnection';
      }
    }
    item.accessibilityInformation = {
      label:
        typeof item.tooltip === 'string'
          ? item.tooltip
          : this.tooltip.replace(/[*\\]/g, '').replace(/\s+/g, ' ').trim(),
    };
    item.show();
  }

  /** The focused chat's connection and model; false when its connection is not in the list (then the default shows). */
  private showChat(chat: NonNullable<FocusedChatSource['host']>): boolean {
    const { connectionId, model } = chat.choice;
    const c = connectionId ? this.store.get(connectionId) : undefined;
    if (!c) return false;
    const item = this.item;
    const { status, reason } = connectionStatus(c);
    const style = STATUS_STYLE[status];
    item.text = `$(comment-discussion) ${c.name}${model ? ` · ${model}` : ''}`;
    item.tooltip = new vscode.MarkdownString(
      `**${escapeMarkdown(c.name)}**: the connection of the chat "${escapeMarkdown(chat.current.title)}"  \n${escapeMarkdown(this.store.providerName(c.provider))}${model ? ` · ${escapeMarkdown(model)}` : ''}  \n${style.label}: ${escapeMarkdown(reason)}\n\nClick to switch this chat's connection and model.`,
    );
    const background = statusBarBackground(status);
    if (background) item.backgroundColor = new vscode.ThemeColor(background);
    else if (status === 'ok') item.color = new vscode.ThemeColor(style.color);
    item.command = 'switchboard.selectConnection';
    return true;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
