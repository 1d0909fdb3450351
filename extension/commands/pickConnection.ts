/**
 * What every command needs, and how a command finds the connection it acts on: the tree item it was
 * invoked on, an id passed by another command or extension, or — from the palette — a quick pick.
 */
import * as vscode from 'vscode';
import { ConnectionsGet, type Connection } from '../../shared/protocol';
import type { ConnectionStore } from '../connections/connectionStore';
import { connectionInUse, connectionPick } from '../connections/presentation';
import type { DaemonConnection } from '../daemon/daemonConnection';
import { describeError, type Log } from '../log';
import type { KeyBridge } from '../secrets/keyBridge';
import type { WorkspaceChoice } from '../workspaceChoice';

export interface CommandDeps {
  extensionUri: vscode.Uri;
  daemon: DaemonConnection;
  keys: KeyBridge;
  store: ConnectionStore;
  choice: WorkspaceChoice;
  log: Log;
  /** The chat the person is in: "Select Connection/Model" without an argument act on it. */
  chats?: {
    readonly host:
      | {
          chooseConnection(): Promise<boolean>;
          chooseModel(): Promise<boolean>;
          readonly choice: { connectionId?: string; model?: string };
        }
      | undefined;
  };
}

/** A command's connection argument: a tree item (a Connection), `{id}`, an id, or nothing (ask). */
export type ConnectionArg = Connection | { id: string } | string | undefined;

/** The connection a command acts on, fresh from the daemon; undefined when the person cancelled the pick. */
export async function resolveConnection(
  deps: CommandDeps,
  arg: ConnectionArg,
  placeHolder: string,
): Promise<Connection | undefined> {
  const id =
    typeof arg === 'string' ? arg : arg && typeof arg === 'object' && typeof arg.id === 'string' ? arg.id : undefined;
  if (id !== undefined) return deps.store.get(id) ?? (await deps.daemon.request(ConnectionsGet, { id })).connection;
  return pickConnection(deps, placeHolder);
}

interface ConnectionQuickPickItem extends vscode.QuickPickItem {
  connection: Connection;
}

/** Quick pick of all connections (status, provider, model; default and the one in use marked). */
export async function pickConnection(deps: CommandDeps, placeHolder: string): Promise<Connection | undefined> {
  await deps.store.ensureLoaded();
  const connections = deps.store.connections;
  if (connections.length === 0) {
    const add = await vscode.window.showInformationMessage(
      'Switchboard has no connections yet.',
      'Add Connection',
      'Import from Environment',
    );
    if (add === 'Add Connection') await vscode.commands.executeCommand('switchboard.addConnection');
    if (add === 'Import from Environment') await vscode.commands.executeCommand('switchboard.importFromEnvironment');
    return undefined;
  }
  const currentId = connectionInUse(connections, deps.choice.connectionId)?.connection.id;
  const items: ConnectionQuickPickItem[] = connections.map((connection) => ({
    ...connectionPick(connection, { providerName: deps.store.providerName, currentId }),
    connection,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.connection;
}

/** Logs a failure and shows it, with a way to the log. */
export function reportError(deps: Pick<CommandDeps, 'log'>, what: string, error: unknown): void {
  deps.log.error(what, error);
  void vscode.window.showErrorMessage(`${what}: ${describeError(error)}`, 'Show Log').then((choice) => {
    if (choice === 'Show Log') deps.log.show();
  });
}

/** Wraps a command body so a failure is reported, never lost in an unhandled rejection. */
export function guarded<A extends unknown[], R>(
  deps: Pick<CommandDeps, 'log'>,
  what: string,
  run: (...args: A) => Promise<R>,
): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await run(...args);
    } catch (error) {
      reportError(deps, what, error);
      return undefined;
    }
  };
}
