/**
 * Enable / Disable a connection, from the tree's context menu and the palette. A disabled connection
 * keeps its key and settings; the daemon passes it over in resolution, routing and fallbacks.
 */
import * as vscode from 'vscode';
import { ConnectionsUpdate, type Connection } from '../../shared/protocol';
import { guarded, resolveConnection, type CommandDeps, type ConnectionArg } from './pickConnection';

export function registerEnableCommands(deps: CommandDeps): vscode.Disposable {
  const enable = guarded(deps, 'Could not enable the connection', (arg?: ConnectionArg) => setEnabled(deps, arg, true));
  const disable = guarded(deps, 'Could not disable the connection', (arg?: ConnectionArg) =>
    setEnabled(deps, arg, false),
  );
  return vscode.Disposable.from(
    vscode.commands.registerCommand('switchboard.enableConnection', enable),
    vscode.commands.registerCommand('switchboard.disableConnection', disable),
    vscode.commands.registerCommand('switchboard.tree.enable', enable),
    vscode.commands.registerCommand('switchboard.tree.disable', disable),
  );
}

export async function setEnabled(
  deps: CommandDeps,
  arg: ConnectionArg,
  enabled: boolean,
): Promise<Connection | undefined> {
  const c = await resolveConnection(deps, arg, enabled ? 'Connection to enable' : 'Connection to disable');
  if (!c) return undefined;
  const { connection } = await deps.daemon.request(ConnectionsUpdate, { id: c.id, enabled });
  vscode.window.setStatusBarMessage(
    enabled
      ? `Switchboard: "${connection.name}" is enabled.`
      : `Switchboard: "${connection.name}" is disabled: chats, tools and fallbacks pass it over.`,
    4000,
  );
  return connection;
}
