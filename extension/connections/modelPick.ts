/**
 * The model quick pick: searchable (OpenRouter lists hundreds), filled from `models/list` while it is
 * open (busy until then), the connection's default first. When the models cannot be listed the pick
 * still works: it says why in its placeholder, in a short phrase (modelListReason.ts), and takes a
 * typed id.
 */
import * as vscode from 'vscode';
import type { Connection, ModelsListResult } from '../../shared/protocol';
import { modelListReason } from './modelListReason';

/** How the pick asks the daemon for the models. */
export type ListModels = (connectionId: string) => Promise<ModelsListResult>;

export interface ModelPickOptions {
  /** The model in use, marked in the list. */
  current?: string | undefined;
  title?: string | undefined;
}

type ModelItem = vscode.QuickPickItem & { model: string | undefined };

/** The picked model (`undefined` model: the connection's default), or undefined when cancelled. */
export async function pickModel(
  listModels: ListModels,
  c: Connection,
  opts: ModelPickOptions = {},
): Promise<{ model: string | undefined } | undefined> {
  const current = opts.current;
  const allowed = c.allowedModels?.length ? new Set(c.allowedModels) : undefined;
  const qp = vscode.window.createQuickPick<ModelItem>();
  qp.title = opts.title ?? `Switchboard: Select Model — ${c.name}`;
  qp.placeholder = allowed ? 'Model (this connection allows only these)' : 'Search the models, or type an id';
  qp.matchOnDescription = true;
  const base: ModelItem = {
    label: `$(discard) The connection's default${c.defaultModel ? ` (${c.defaultModel})` : ''}`,
    model: undefined,
    ...(current === undefined && { description: 'in use' }),
  };
  let listed: ModelItem[] = [];
  const render = (): void => {
    const typed = qp.value.trim();
    const custom: ModelItem[] =
      typed && !allowed && !listed.some((i) => i.model === typed)
        ? [{ label: typed, description: 'use this id', model: typed, alwaysShow: true }]
        : [];
    qp.items = [base, ...listed, ...custom];
    const active = qp.items.find((i) => i.model === current && i !== base);
    if (active && !typed) qp.activeItems = [active];
  };
  const toItems = (ids: string[]): ModelItem[] =>
    ids
      .filter((id) => !allowed || allowed.has(id))
      .map((id) => {
        const notes = [id === c.defaultModel ? 'default' : '', id === current ? 'in use' : ''].filter(Boolean);
        return { label: id, model: id, ...(notes.length > 0 && { description: notes.join(', ') }) };
      });
  listed = toItems([
    ...new Set([
      ...(c.allowedModels ?? []),
      ...(c.defaultModel ? [c.defaultModel] : []),
      ...(current ? [current] : []),
    ]),
  ]);
  render();
  qp.busy = true;
  const disposables: vscode.Disposable[] = [qp, qp.onDidChangeValue(render)];
  listModels(c.id).then(
    (res) => {
      listed = toItems([...new Set([...listed.map((i) => i.model!), ...res.models.map((m) => m.id)])]);
      if (res.stale) {
        const when = res.fetchedAt ? new Date(res.fetchedAt).toLocaleString() : 'earlier';
        const why = res.error ? ` (${modelListReason(res.error)})` : '';
        qp.placeholder = `Models as listed ${when}: ${c.name} did not answer now${why}. Search, or type an id.`;
      }
      qp.busy = false;
      render();
    },
    (error: unknown) => {
      qp.busy = false;
      qp.placeholder = `Could not list the models of ${c.name}: ${modelListReason(error)}. Type a model id.`;
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
