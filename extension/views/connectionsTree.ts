/**
 * The Connections tree in the Switchboard activity-bar container: one item per connection with its
 * provider and default model, a status icon from its last test (colour and reason in the tooltip),
 * and a star on the default. The context menu (package.json `view/item/context`) offers Test, Set as
 * Default, Edit, Copy Name and Delete. When there are none, the welcome view offers "Add Connection"
 * and "Import from Environment".
 *
 * The tooltip is built on hover (`resolveTreeItem`) with the connection's quota as it is then
 * (`connections/quota`): limits refill continuously and chats use them without any event. VS Code
 * keeps a resolved tooltip until the item is refreshed, so the tree refreshes a while after a hover.
 */
import * as vscode from 'vscode';
import { ConnectionsQuota, type Connection, type ConnectionQuota } from '../../shared/protocol';
import type { ConnectionStore } from '../connections/connectionStore';
import { connectionItem } from '../connections/presentation';
import { tooltipWithQuota } from '../connections/quotaTooltip';
import type { DaemonConnection } from '../daemon/daemonConnection';
import type { WorkspaceChoice } from '../workspaceChoice';

export const CONNECTIONS_VIEW_ID = 'switchboard.connections';

/** How long a hovered tooltip's quota stands before the next hover reads it anew. */
const QUOTA_FRESH_MS = 10_000;

/** Reads a connection's quota; undefined when the daemon cannot say. */
export type QuotaReader = (connectionId: string) => Promise<ConnectionQuota | undefined>;

export class ConnectionsTree implements vscode.TreeDataProvider<Connection>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Connection | undefined>();
  readonly onDidChangeTreeData: vscode.Event<Connection | undefined> = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** The markdown tooltip of each item, kept for `resolveTreeItem`. */
  private readonly tooltips = new Map<string, string>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  /** Creates the tree view; the returned disposable owns it. */
  static register(store: ConnectionStore, daemon: DaemonConnection, choice: WorkspaceChoice): vscode.Disposable {
    const readQuota: QuotaReader = async (id) => {
      if (daemon.state === 'down') return undefined;
      try {
        return (await daemon.request(ConnectionsQuota, { id })).quotas[0];
      } catch {
        return undefined; // the tooltip shows without it
      }
    };
    const tree = new ConnectionsTree(store, choice, readQuota);
    const view = vscode.window.createTreeView(CONNECTIONS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false });
    const updateMessage = (): void => {
      const message =
        daemon.state === 'down' && store.connections.length > 0
          ? `The Switchboard daemon is not reachable; reconnecting… (${daemon.lastFailure ?? 'no answer'})`
          : undefined;
      // undefined takes the message away; the API types `message?: string`, which exact optional types
      // would not let us set to undefined directly.
      Object.assign(view, { message });
    };
    updateMessage();
    return vscode.Disposable.from(tree, view, daemon.onDidChangeState(updateMessage), store.onDidChange(updateMessage));
  }

  constructor(
    private readonly store: ConnectionStore,
    private readonly choice: WorkspaceChoice,
    private readonly readQuota?: QuotaReader,
  ) {
    store.onDidChange(() => this.emitter.fire(undefined), undefined, this.disposables);
    choice.onDidChange(() => this.emitter.fire(undefined), undefined, this.disposables);
  }

  getTreeItem(connection: Connection): vscode.TreeItem {
    const data = connectionItem(connection, {
      providerName: this.store.providerName,
      workspaceChoiceId: this.choice.connectionId,
    });
    const item = new vscode.TreeItem(data.label, vscode.TreeItemCollapsibleState.None);
    item.id = data.id;
    item.description = data.description;
    // Left unset when the quota can be read, so that VS Code asks resolveTreeItem on hover.
    if (this.readQuota) this.tooltips.set(connection.id, data.tooltip);
    else item.tooltip = new vscode.MarkdownString(data.tooltip);
    item.iconPath = new vscode.ThemeIcon(data.icon, new vscode.ThemeColor(data.color));
    item.contextValue = data.contextValue;
    item.accessibilityInformation = { label: `${data.label}, ${data.description}, ${data.status}` };
    return item;
  }

  async resolveTreeItem(item: vscode.TreeItem, connection: Connection): Promise<vscode.TreeItem> {
    const tooltip = this.tooltips.get(connection.id) ?? connectionItem(connection).tooltip;
    const quota = await this.readQuota?.(connection.id);
    item.tooltip = new vscode.MarkdownString(tooltipWithQuota(tooltip, quota));
    this.refreshSoon();
    return item;
  }

  /** Refreshes the tree once a while from now, so the next hover reads the quota again. */
  private refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.emitter.fire(undefined);
    }, QUOTA_FRESH_MS);
  }

  getChildren(element?: Connection): Connection[] {
    return element ? [] : [...this.store.connections];
  }

  getParent(): undefined {
    return undefined;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
