/**
 * The connection and model this workspace uses ("Switchboard: Select Connection" / "Select Model"),
 * kept in `context.workspaceState`. Unset means "the daemon's default connection, its default model".
 * The chat panel and the status bar read it; requests pass it as `workspaceConnectionId`.
 */
import * as vscode from 'vscode';
import { ConnectionsChanged } from '../shared/protocol';
import type { DaemonConnection } from './daemon/daemonConnection';

const CONNECTION_KEY = 'switchboard.workspace.connectionId';
const MODEL_KEY = 'switchboard.workspace.model';

export interface WorkspaceChoiceValue {
  connectionId?: string | undefined;
  /** Only meaningful together with `connectionId`: a model of that connection. */
  model?: string | undefined;
}

export class WorkspaceChoice implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<WorkspaceChoiceValue>();
  /** Fires after the choice changed. */
  readonly onDidChange: vscode.Event<WorkspaceChoiceValue> = this.emitter.event;

  constructor(private readonly state: vscode.Memento) {}

  /** The connection chosen for this workspace, if any. */
  get connectionId(): string | undefined {
    return this.state.get<string>(CONNECTION_KEY) || undefined;
  }

  /** The model chosen for this workspace (of `connectionId`), if any. */
  get model(): string | undefined {
    return this.state.get<string>(MODEL_KEY) || undefined;
  }

  get value(): WorkspaceChoiceValue {
    return { connectionId: this.connectionId, model: this.model };
  }

  /** Chooses a connection (undefined: back to the default); a new connection starts on its default model. */
  async setConnection(connectionId: string | undefined): Promise<void> {
    if (connectionId === this.connectionId) return;
    await this.state.update(CONNECTION_KEY, connectionId);
    await this.state.update(MODEL_KEY, undefined);
    this.emitter.fire(this.value);
  }

  /** Chooses a model of `connectionId` (which becomes the workspace's connection too); undefined: its default model. */
  async setModel(connectionId: string, model: string | undefined): Promise<void> {
    await this.state.update(CONNECTION_KEY, connectionId);
    await this.state.update(MODEL_KEY, model);
    this.emitter.fire(this.value);
  }

  /** Forgets the choice (e.g. its connection was deleted). */
  async clear(): Promise<void> {
    if (this.connectionId === undefined && this.model === undefined) return;
    await this.state.update(CONNECTION_KEY, undefined);
    await this.state.update(MODEL_KEY, undefined);
    this.emitter.fire(this.value);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** Forgets the workspace's choice when its connection is deleted (here, in another window, or by a tool). */
export function clearChoiceOnDelete(choice: WorkspaceChoice, daemon: DaemonConnection): vscode.Disposable {
  return daemon.onNotification(ConnectionsChanged, (event) => {
    if (event.kind === 'deleted' && event.id === choice.connectionId) void choice.clear();
  });
}
