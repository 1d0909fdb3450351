/**
 * The Connections tree in the Switchboard activity-bar container: one item per connection with its
 * provider and default model, a status icon from its last test (colour and reason in the tooltip),
 * and a star on the default. The context menu (package.json `view/item/context`) offers Test, Set as
 * Default, Edit, Copy Name and Delete. When there are none, the welcome view offers "Add Connection"
 * and "Import from Environment".
 */
import * as vscode from 'vscode';
import type { Connection } from '../../shared/protocol';
import type { ConnectionStore } from '../connections/connectionStore';
import { connectionItem } from '../connections/presentation';
import type { DaemonConnection } from '../daemon/daemonConnection';
import type { WorkspaceChoice } from '../workspaceChoice';

export const CONNECTIONS_VIEW_ID = 'switchboard.connections';

export class ConnectionsTree implements vscode.TreeDataProvider<Connection>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Connection | undefined>();
  readonly onDidChangeTreeData: vscode.Event<Connection | undefined> = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  /** Creates the tree view; the returned disposable owns it. */
  static register(store: ConnectionStore, daemon: DaemonConnection, choice: WorkspaceChoice): vscode.Disposable {
    const tree = new ConnectionsTree(store, choice);
    const view = vscode.window.createTreeView(CONNECTIONS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false });
    const updateMessage = (): void => {
      view.message =
        daemon.state === 'down' && store.connections.length > 0
          ? `The Switchboard daemon is not reachable; reconnecting… (${daemon.lastFailure ?? 'no answer'})`
          : undefined;
    };
    updateMessage();
    return vscode.Disposable.from(tree, view, daemon.onDidChangeState(updateMessage), store.onDidChange(updateMessage));
  }

  constructor(
    private readonly store: ConnectionStore,
    private readonly choice: WorkspaceChoice,
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
    item.tooltip = new vscode.MarkdownString(data.tooltip);
    item.iconPath = new vscode.ThemeIcon(data.icon, new vscode.ThemeColor(data.color));
    item.contextValue = data.contextValue;
    item.accessibilityInformation = { label: `${data.label}, ${data.description}, ${data.status}` };
    return item;
  }

  getChildren(element?: Connection): Connection[] {
    return element ? [] : [...this.store.connections];
  }

  getParent(): undefined {
    return undefined;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
