/**
 * "Export Connections…" and "Import Connections…": the daemon's `connections/export` written to a
 * file the person picks (never a secret in it), and `connections/import` of a Switchboard export or
 * another tool's file (Continue, LiteLLM, chatLanguageModels.json, Roo/Kilo/Zoo) — its preview shown
 * as a list to tick, then only the ticked items imported.
 */
import * as vscode from 'vscode';
import {
  ConnectionsExport,
  ConnectionsImport,
  type ImportItem,
  type ImportResult,
  type OnNameClash,
} from '../../shared/protocol';
import { guarded, type CommandDeps } from './pickConnection';

export function registerTransferCommands(deps: CommandDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(
      'switchboard.exportConnections',
      guarded(deps, 'Export failed', () => exportConnections(deps)),
    ),
    vscode.commands.registerCommand(
      'switchboard.importConnections',
      guarded(deps, 'Import failed', (uri?: vscode.Uri) => importConnections(deps, uri)),
    ),
  );
}

/** Writes the export where the person chooses; resolves to the file, or undefined when cancelled. */
export async function exportConnections(deps: CommandDeps): Promise<vscode.Uri | undefined> {
  const { document } = await deps.daemon.request(ConnectionsExport, {});
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Export Switchboard Connections',
    filters: { JSON: ['json'] },
    ...(folder && { defaultUri: vscode.Uri.joinPath(folder, 'switchboard-connections.json') }),
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(JSON.stringify(document, null, 2) + '\n'));
  const needKeys = document.connections.filter((c) => c.key.source === 'needsKey').length;
  void vscode.window.showInformationMessage(
    `Exported ${document.connections.length} connection(s) to ${vscode.workspace.asRelativePath(target)}. It holds no keys${needKeys > 0 ? `: ${needKeys} will need theirs again after import` : ''}.`,
  );
  return target;
}

type ItemPick = vscode.QuickPickItem & { item: ImportItem };

function label(item: ImportItem): string {
  return `${item.kind === 'connection' ? '$(plug)' : item.kind === 'provider' ? '$(server)' : item.kind === 'price' ? '$(tag)' : '$(settings-gear)'} ${item.newName ?? item.name}`;
}

function detail(item: ImportItem): string {
  const what =
    item.action === 'create'
      ? item.newName
        ? `create (renamed from "${item.name}")`
        : 'create'
      : item.action === 'update'
        ? 'update the existing one'
        : item.action;
  return [what, item.key && `key: ${item.key}`, item.needs?.length && `still needs ${item.needs.join(', ')}`]
    .filter(Boolean)
    .join(' · ');
}

/** Shows the preview of a file and imports the ticked items; resolves to the result (undefined when cancelled). */
export async function importConnections(deps: CommandDeps, uri?: vscode.Uri): Promise<ImportResult | undefined> {
  const file =
    uri ??
    (
      await vscode.window.showOpenDialog({
        title:
          'Import Connections (a Switchboard export, Continue or LiteLLM config.yaml, chatLanguageModels.json, Roo/Kilo settings)',
        canSelectMany: false,
        filters: { 'JSON or YAML': ['json', 'yaml', 'yml'] },
      })
    )?.[0];
  if (!file) return undefined;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  let preview = await deps.daemon.request(ConnectionsImport, { text });
  let onClash: OnNameClash = 'skip';
  if (preview.items.some((i) => i.kind === 'connection' && i.existingId)) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Skip them', description: 'keep the existing connections as they are', value: 'skip' as const },
        { label: 'Rename them', description: 'import them as "name (2)"', value: 'rename' as const },
        {
          label: 'Replace them',
          description: 'update the existing connections from the file, keeping their keys',
          value: 'replace' as const,
        },
      ],
      { title: 'Some connections in the file have names that exist', placeHolder: 'What to do with them' },
    );
    if (!choice) return undefined;
    onClash = choice.value;
    if (onClash !== 'skip') preview = await deps.daemon.request(ConnectionsImport, { text, onClash });
  }
  const failures = preview.items.filter((i) => i.action === 'fail');
  for (const f of failures)
    deps.log.warn(`Import: ${f.kind} "${f.name}" cannot be imported: ${f.reason ?? ''} ${f.hint ?? ''}`);
  for (const note of preview.notes) deps.log.info(`Import: ${note}`);
  const picks: ItemPick[] = preview.items
    .filter((i) => i.action === 'create' || i.action === 'update')
    .map((item) => ({ label: label(item), description: item.kind, detail: detail(item), picked: true, item }));
  if (picks.length === 0) {
    void vscode.window.showWarningMessage(
      `Nothing to import from ${vscode.workspace.asRelativePath(file)}${failures.length > 0 ? `: ${failures.map((f) => `"${f.name}" (${f.reason})`).join('; ')}` : ' (everything in it exists already)'}.`,
    );
    return preview;
  }
  const chosen = await vscode.window.showQuickPick(picks, {
    canPickMany: true,
    title: `Import from ${vscode.workspace.asRelativePath(file)} (${preview.format})`,
    placeHolder: `Tick what to import${failures.length > 0 ? ` — ${failures.length} item(s) cannot be imported (see the Switchboard output)` : ''}${preview.notes.length > 0 ? ` — ${preview.notes.length} note(s) in the output, e.g. keys in the file that are not imported` : ''}`,
  });
  if (!chosen || chosen.length === 0) return undefined;
  const result = await deps.daemon.request(ConnectionsImport, {
    text,
    onClash,
    apply: true,
    only: chosen.map((p) => p.item.name),
  });
  await deps.store.refresh();
  const failed = result.items.filter((i) => i.action === 'fail');
  const needKey = result.items.filter((i) => i.connectionId && i.needs?.includes('a key'));
  const done = chosen.length - failed.filter((f) => chosen.some((c) => c.item.name === f.name)).length;
  const message = `Imported ${done} item(s)${failed.length > 0 ? `; not imported: ${failed.map((f) => `"${f.name}" (${f.reason})`).join('; ')}` : ''}.${needKey.length > 0 ? ` ${needKey.map((i) => `"${i.newName ?? i.name}"`).join(', ')} need${needKey.length === 1 ? 's' : ''} a key: Edit Connection to give it.` : ''}`;
  void (failed.length > 0 ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
  return result;
}
