/**
 * The Usage editor tab: one at a time, revealed again when asked twice, restored after a reload by
 * its serializer. Only what needs `vscode` lives here; the message flows are in usageHost.ts.
 */
import * as vscode from 'vscode';
import { ConnectionsChanged } from '../../shared/protocol';
import type { HostToUsage, UsageToHost } from '../../shared/webview';
import type { DaemonConnection } from '../daemon/daemonConnection';
import { onPageMessage } from '../webviewKit/messageGuard';
import { pageResources, webviewOptions } from '../webviewKit/panelOptions';
import { renderPage } from './usageHtml';
import { USAGE_VIEW_TYPE } from './usageViewType';
import { UsageHost } from './usageHost';

export interface UsagePanelDeps {
  extensionUri: vscode.Uri;
  daemon: DaemonConnection;
}

export class UsagePanel {
  static readonly viewType = USAGE_VIEW_TYPE;
  private static current: UsagePanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private readonly host: UsageHost;

  /** Opens the Usage view, or brings the open one forward (and reloads it). */
  static show(deps: UsagePanelDeps): void {
    const open = UsagePanel.current;
    if (open) {
      open.panel.reveal();
      void open.host.refresh();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      UsagePanel.viewType,
      'Switchboard Usage',
      vscode.ViewColumn.Active,
      webviewOptions(deps.extensionUri),
    );
    UsagePanel.current = new UsagePanel(panel, deps);
  }

  /**
   * Brings the view back after VS Code reloads (range and metric come from the page's own state).
   * usageCommands.ts registers the serializer, and loads this bundle when a tab is to be restored.
   */
  static restore(deps: UsagePanelDeps, panel: vscode.WebviewPanel): void {
    // A restored panel keeps no options of its own: set them again, as strict as a new one.
    panel.webview.options = webviewOptions(deps.extensionUri);
    if (UsagePanel.current) return panel.dispose();
    UsagePanel.current = new UsagePanel(panel, deps);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    deps: UsagePanelDeps,
  ) {
    const { webview } = panel;
    this.host = new UsageHost({
      request: (descriptor, params) => deps.daemon.request(descriptor, params),
      post: (message: HostToUsage) => void webview.postMessage(message),
      openConnection: (connectionId) => void vscode.commands.executeCommand('switchboard.editConnection', connectionId),
    });
    webview.html = renderPage(pageResources(webview, deps.extensionUri, 'usage'));
    onPageMessage<UsageToHost>(webview, (message) => void this.host.handle(message), this.disposables);
    // Hidden tabs keep their page (and its old figures): load again each time the tab shows.
    let visible = panel.visible;
    panel.onDidChangeViewState(
      ({ webviewPanel }) => {
        if (webviewPanel.visible && !visible) void this.host.refresh();
        visible = webviewPanel.visible;
      },
      undefined,
      this.disposables,
    );
    // Renames show at once; the daemon coming back may follow an error the page still shows.
    this.disposables.push(
      deps.daemon.onNotification(ConnectionsChanged, () => panel.visible && void this.host.refresh()),
    );
    deps.daemon.onDidChangeState(
      (state) => state === 'connected' && void this.host.refresh(),
      undefined,
      this.disposables,
    );
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  private dispose(): void {
    UsagePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
