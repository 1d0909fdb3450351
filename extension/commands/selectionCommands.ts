/**
 * "Select Connection" and "Select Model": what this workspace uses, kept in `WorkspaceChoice`.
 * Both accept an argument (a connection id / a model id) so other commands and extensions can set
 * the choice without the quick pick.
 */
import * as vscode from 'vscode';
import { ModelsList, type Connection } from '../../shared/protocol';
import { connectionInUse, connectionPick } from '../connections/presentation';
import { describeError } from '../log';
import { guarded, resolveConnection, type CommandDeps, type ConnectionArg } from './pickConnection';

export function registerSelectionCommands(deps: CommandDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('switchboard.selectConnection', guarded(deps, 'Could not select the connection', (arg?: ConnectionArg) => selectConnection(deps, arg))),
    vscode.commands.registerCommand('switchboard.selectModel', guarded(deps, 'Could not select the model', (model?: unknown) => selectModel(deps, typeof model === 'string' ? model : undefined))),
  );
}

type Choice = vscode.QuickPickItem & { action: 'connection'; connection: Connection } | vscode.QuickPickItem & { action: 'default' | 'add' | 'import' };

/** Chooses the workspace's connection: from the argument, or a quick pick. Resolves to the chosen id (undefined: the default). */
export async function selectConnection(deps: CommandDeps, arg?: ConnectionArg): Promise<string | undefined> {
  if (arg !== undefined) {
    const c = await resolveConnection(deps, arg, '');
    await deps.choice.setConnection(c?.id);
    return c?.id;
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
  if (deps.choice.connectionId) extras.push({ label: '$(discard) Use the default connection', description: 'forget this workspace\'s choice', action: 'default' });
  extras.push({ label: '$(add) Add Connection…', action: 'add' }, { label: '$(symbol-variable) Import from Environment…', action: 'import' });
  const picked = await vscode.window.showQuickPick([...items, ...extras], {
    title: 'Switchboard: Select Connection',
    placeHolder: connections.length ? 'Connection for this workspace' : 'No connections yet',
    matchOnDescription: true,
  });
  if (!picked) return deps.choice.connectionId;
  switch (picked.action) {
    case 'connection':
      await deps.choice.setConnection(picked.connection.id);
      return picked.connection.id;
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
  await deps.store.ensureLoaded();
  let inUse = connectionInUse(deps.store.connections, deps.choice.connectionId);
  if (!inUse) {
    const id = await selectConnection(deps);
    inUse = connectionInUse(deps.store.connections, id);
    if (!inUse) return undefined;
  }
  const connection = inUse.connection;
  if (model !== undefined) {
    await deps.choice.setModel(connection.id, model || undefined);
    return model || undefined;
  }
  const picked = await pickModel(deps, connection);
  if (picked === undefined) return undefined;
  await deps.choice.setModel(connection.id, picked.model);
  return picked.model;
}

type ModelItem = vscode.QuickPickItem & { model: string | undefined };

/** A quick pick filled from `models/list` (busy while it loads); a typed id can be used when the connection allows any. */
async function pickModel(deps: CommandDeps, c: Connection): Promise<{ model: string | undefined } | undefined> {
  const current = deps.choice.connectionId === c.id ? deps.choice.model : undefined;
  const allowed = c.allowedModels?.length ? new Set(c.allowedModels) : undefined;
  const qp = vscode.window.createQuickPick<ModelItem>();
  qp.title = `Switchboard: Select Model — ${c.name}`;
  qp.placeholder = allowed ? 'Model (this connection allows only these)' : 'Model, or type an id';
  qp.matchOnDescription = true;
  const base: ModelItem = { label: `$(discard) The connection's default${c.defaultModel ? ` (${c.defaultModel})` : ''}`, model: undefined, description: current === undefined ? 'in use' : undefined };
  let listed: ModelItem[] = [];
  const render = (): void => {
    const typed = qp.value.trim();
    const custom: ModelItem[] = typed && !allowed && !listed.some((i) => i.model === typed) ? [{ label: typed, description: 'use this id', model: typed, alwaysShow: true }] : [];
    qp.items = [base, ...listed, ...custom];
  };
  const toItems = (ids: string[]): ModelItem[] =>
    ids
      .filter((id) => !allowed || allowed.has(id))
      .map((id) => ({ label: id, model: id, description: [id === c.defaultModel ? 'default' : '', id === current ? 'in use' : ''].filter(Boolean).join(', ') || undefined }));
  listed = toItems([...new Set([...(c.allowedModels ?? []), ...(c.defaultModel ? [c.defaultModel] : []), ...(current ? [current] : [])])]);
  render();
  qp.busy = true;
  const disposables: vscode.Disposable[] = [qp, qp.onDidChangeValue(render)];
  deps.daemon.request(ModelsList, { connectionId: c.id }).then(
    (res) => {
      listed = toItems([...new Set([...res.models.map((m) => m.id), ...listed.map((i) => i.model!)])]);
      if (res.stale) qp.placeholder = `Models from ${res.fetchedAt ?? 'earlier'} (the provider did not answer: ${res.error?.message ?? 'unknown error'})`;
      qp.busy = false;
      render();
    },
    (error: unknown) => {
      qp.busy = false;
      qp.placeholder = `Could not list the models (${describeError(error)}); type a model id`;
      render();
    },
  );
  try {
    return await new Promise<{ model: string | undefined } | undefined>((resolve) => {
      disposables.push(
        qp.onDidAccept(() => {
          const item = qp.selectedItems[0];
          resolve(item ? { model: item.model } : undefined);
          qp.hide();
        }),
        qp.onDidHide(() => resolve(undefined)),
      );
      qp.show();
    });
  } finally {
    for (const d of disposables) d.dispose();
  }
}
