/**
 * "Select Connection" and "Select Model". While a chat is focused they act on that chat (connection,
 * then model, in one flow; the chat offers to make it the workspace's default too); otherwise on what
 * this workspace's new chats start on, kept in `WorkspaceChoice`. Both accept an argument (a
 * connection id / a model id) so other commands and extensions can set the workspace's choice
 * without the quick pick.
 */
import * as vscode from 'vscode';
import { ModelsList, type Connection } from '../../shared/protocol';
import { connectionInUse, connectionPick } from '../connections/presentation';
import { pickModel, type ListModels } from '../connections/modelPick';
import { guarded, resolveConnection, type CommandDeps, type ConnectionArg } from './pickConnection';

export function registerSelectionCommands(deps: CommandDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(
      'switchboard.selectConnection',
      guarded(deps, 'Could not select the connection', (arg?: ConnectionArg) => selectConnection(deps, arg)),
    ),
    vscode.commands.registerCommand(
      'switchboard.selectModel',
      guarded(deps, 'Could not select the model', (model?: unknown) =>
        selectModel(deps, typeof model === 'string' ? model : undefined),
      ),
    ),
  );
}

type Choice =
  | (vscode.QuickPickItem & { action: 'connection'; connection: Connection })
  | (vscode.QuickPickItem & { action: 'default' | 'add' | 'import' });

/**
 * Chooses the workspace's connection: from the argument, or a quick pick and then (`thenModel`, the
 * status bar's click) its model in the same flow. Resolves to the chosen id (undefined: the default).
 */
export async function selectConnection(
  deps: CommandDeps,
  arg?: ConnectionArg,
  thenModel = true,
): Promise<string | undefined> {
  if (arg !== undefined) {
    const c = await resolveConnection(deps, arg, '');
    await deps.choice.setConnection(c?.id);
    return c?.id;
  }
  const chat = deps.chats?.host;
  if (chat) {
    await chat.chooseConnection();
    return chat.choice.connectionId;
  }
  await deps.store.ensureLoaded();
  const connections = deps.store.connections;
  const currentId = connectionInUse(connections, deps.choice.connectionId)?.connection.id;
  const items: Choice[] = connections.map((connection) => ({
    ...connectionPick(connection, { providerName: deps.store.providerName, currentId }),
    action: 'connection' as const,
    connection,
  }));
  const extras: Choice[] = [{ label: '', kind: vscode.QuickPickItemKind.Separator, action: 'add' }];
  if (deps.choice.connectionId)
    extras.push({
      label: '$(discard) Use the default connection',
      description: "forget this workspace's choice",
      action: 'default',
    });
  extras.push(
    { label: '$(add) Add Connection…', action: 'add' },
    { label: '$(symbol-variable) Import from Environment…', action: 'import' },
  );
  const picked = await vscode.window.showQuickPick([...items, ...extras], {
    title: 'Switchboard: Select Connection',
    placeHolder: connections.length ? 'The connection new chats start on in this workspace' : 'No connections yet',
    matchOnDescription: true,
  });
  if (!picked) return deps.choice.connectionId;
  switch (picked.action) {
    case 'connection': {
      await deps.choice.setConnection(picked.connection.id);
      // Escape on the model step keeps the connection's default model.
      const model = thenModel ? await pickModel(listModels(deps), picked.connection) : undefined;
      if (model?.model) await deps.choice.setModel(picked.connection.id, model.model);
      return picked.connection.id;
    }
    case 'default':
      await deps.choice.setConnection(undefined);
      return undefined;
    case 'add':
      await vscode.commands.executeCommand('switchboard.addConnection');
      return deps.choice.connectionId;
    case 'import':
      await vscode.commands.executeCommand('switchboard.importFromEnvironment');
      return deps.choice.connectionId;
  }
}

/** Chooses the model of the connection in use: from the argument, or a quick pick of its models. */
export async function selectModel(deps: CommandDeps, model?: string): Promise<string | undefined> {
  const chat = model === undefined ? deps.chats?.host : undefined;
  if (chat) {
    await chat.chooseModel();
    return chat.choice.model;
  }
  await deps.store.ensureLoaded();
  let inUse = connectionInUse(deps.store.connections, deps.choice.connectionId);
  if (!inUse) {
    const id = await selectConnection(deps, undefined, false);
    inUse = connectionInUse(deps.store.connections, id);
    if (!inUse) return undefined;
  }
  const connection = inUse.connection;
  if (model !== undefined) {
    await deps.choice.setModel(connection.id, model || undefined);
    return model || undefined;
  }
  const current = deps.choice.connectionId === connection.id ? deps.choice.model : undefined;
  const picked = await pickModel(listModels(deps), connection, { current });
  if (picked === undefined) return undefined;
  await deps.choice.setModel(connection.id, picked.model);
  return picked.model;
}

function listModels(deps: CommandDeps): ListModels {
  return (connectionId) => deps.daemon.request(ModelsList, { connectionId });
}
