/**
 * "Regenerate with…": a connection, then one of its models, for one answer. The chat keeps its own
 * connection; the new answer sits beside the earlier ones to compare.
 */
import * as vscode from 'vscode';
import type { ConnectionStore } from '../connections/connectionStore';
import { pickModel, type ListModels } from '../connections/modelPick';
import { connectionPick, inUseFirst } from '../connections/presentation';

type ConnectionItem = vscode.QuickPickItem & { id: string };

export interface AnswerTargetDeps {
  connections: ConnectionStore;
  listModels: ListModels;
}

export async function pickAnswerTarget(
  deps: AnswerTargetDeps,
  current: { connectionId?: string | undefined; model?: string | undefined },
): Promise<{ connectionId: string; model?: string } | undefined> {
  const { connections } = deps;
  await connections.ensureLoaded();
  if (connections.connections.length === 0) {
    void vscode.window.showWarningMessage(
      'Switchboard has no connections yet. Add one with "Switchboard: Add Connection".',
    );
    return undefined;
  }
  // The answer's own connection first: Enter keeps it and goes on to the model.
  const items: ConnectionItem[] = inUseFirst(connections.connections, current.connectionId).map((c) => ({
    ...connectionPick(c, { providerName: connections.providerName, currentId: current.connectionId }),
    id: c.id,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Regenerate with… (1/2): connection',
    placeHolder: 'The connection for the new answer; the earlier answers stay beside it',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  const connection = connections.connections.find((c) => c.id === picked.id);
  if (!connection) return undefined;
  // The same searchable pick as the chat's own model (a typed id when the models cannot be listed).
  const model = await pickModel(deps.listModels, connection, {
    ...(picked.id === current.connectionId && current.model ? { current: current.model } : {}),
    title: `Regenerate with… (2/2): model — ${connection.name}`,
  });
  if (!model) return undefined;
  return { connectionId: picked.id, ...(model.model ? { model: model.model } : {}) };
}
