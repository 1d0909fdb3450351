/**
 * The connection manager editor tab: one panel at a time, revealed again when asked twice. This file
 * holds only what needs `vscode` (the panel, CSP, URIs, the modal); the message flows live in managerHost.ts.
 */
import * as vscode from 'vscode';
import { ConnectionsChanged, ConnectionsTested } from '../../shared/protocol';
import type { HostToManager, ManagerToHost } from '../../shared/webview';
import type { DaemonConnection } from '../daemon/daemonConnection';
import type { KeyBridge } from '../secrets/keyBridge';
import { onPageMessage } from '../webviewKit/messageGuard';
import { pageResources, webviewOptions } from '../webviewKit/panelOptions';
import { ManagerHost } from './managerHost';
import { renderPage } from './managerHtml';

export interface ConnectionManagerDeps {
  extensionUri: vscode.Uri;
  daemon: DaemonConnection;
  keys: KeyBridge;
}

export class ConnectionManagerPanel {
  static readonly viewType = 'switchboard.connectionManager';
  private static current: ConnectionManagerPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private readonly host: ManagerHost;

  /**
   * Opens the manager, or brings the open one forward. `target.connectionId` opens that connection
   * for editing; a `target` without one opens a blank "Add connection" form.
   */
  static show(deps: ConnectionManagerDeps, target?: { connectionId?: string; replaceKey?: boolean }): void {
    const select = target === undefined ? undefined : (target.connectionId ?? null);
    const opts = { replaceKey: target?.replaceKey === true };
    const open = ConnectionManagerPanel.current;
    if (open) {
      open.panel.reveal();
      if (select !== undefined) open.host.select(select, opts);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      ConnectionManagerPanel.viewType,
      'Switchboard Connections',
      vscode.ViewColumn.Active,
      webviewOptions(deps.extensionUri),
    );
    ConnectionManagerPanel.current = new ConnectionManagerPanel(panel, deps, select, opts);
  }

  /**
   * Brings the manager back after VS Code reloads, its form as it was (minus a typed key) from the
   * page's own state. Needs `onWebviewPanel:switchboard.connectionManager` in activationEvents.
   */
  static registerSerializer(deps: ConnectionManagerDeps): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(ConnectionManagerPanel.viewType, {
      deserializeWebviewPanel: async (panel) => {
        // A restored panel keeps no options of its own: set them again, as strict as a new one.
        panel.webview.options = webviewOptions(deps.extensionUri);
        if (ConnectionManagerPanel.current) return panel.dispose();
        ConnectionManagerPanel.current = new ConnectionManagerPanel(panel, deps, undefined);
      },
    });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    deps: ConnectionManagerDeps,
    select: string | null | undefined,
    opts: { replaceKey?: boolean } = {},
  ) {
    const { webview } = panel;
    this.host = new ManagerHost({
      request: (descriptor, params) => deps.daemon.request(descriptor, params),
      storeKey: (id, apiKey) => Promise.resolve(deps.keys.store(id, apiKey)),
      deleteKey: (id) => Promise.resolve(deps.keys.delete(id)),
      confirmDelete: confirmDelete,
      showAudit: async (connectionId) => {
        await vscode.commands.executeCommand('switchboard.showAuditLog', { connectionId });
      },
      signIn: async () =>
        (
          (await vscode.commands.executeCommand<{ id: string } | undefined>('switchboard.signInWithOpenRouter')) ??
          undefined
        )?.id,
      post: (message: HostToManager) => void webview.postMessage(message),
    });
    if (select !== undefined) this.host.select(select, opts);

    webview.html = renderPage(pageResources(webview, deps.extensionUri, 'manager'));
    onPageMessage<ManagerToHost>(webview, (message) => void this.host.handle(message), this.disposables);
    // Other clients (the tree, the CLI, a scheduled test) change connections too: keep the list current.
    this.disposables.push(
      deps.daemon.onNotification(ConnectionsChanged, () => void this.host.refresh()),
      deps.daemon.onNotification(ConnectionsTested, ({ id }) => void this.host.tested(id)),
    );
    // The daemon came back (restart, crash): the page may have shown "unavailable"; send it all again.
    deps.daemon.onDidChangeState(
      (state) => state === 'connected' && void this.host.reload(),
      undefined,
      this.disposables,
    );
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  private dispose(): void {
    ConnectionManagerPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

async function confirmDelete(name: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `Delete the connection "${name}"?`,
    {
      modal: true,
      detail:
        'Its key is removed from VS Code and from the Switchboard daemon. Chats and tools using it will stop working.',
    },
    'Delete',
  );
  return choice === 'Delete';
}
