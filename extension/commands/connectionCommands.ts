/**
 * Commands on connections: Add, Edit (the connection manager webview), Test, Test All, Set Default,
 * Copy Name, Delete. Each takes a tree item, an id, or nothing (then asks with a quick pick).
 */
import * as vscode from 'vscode';
import {
  ConnectionsDelete,
  ConnectionsList,
  ConnectionsSetDefault,
  ConnectionsTest,
  type Connection,
  type TestResult,
} from '../../shared/protocol';
import { loadBundle } from '../lazyBundle';
import type * as ManagerBundle from '../manager/managerPanel';
import { guarded, resolveConnection, type CommandDeps, type ConnectionArg } from './pickConnection';

/** The connection manager's host (dist/manager.js), loaded when it is first opened. */
const managerPanel = (): typeof ManagerBundle.ConnectionManagerPanel =>
  loadBundle<typeof ManagerBundle>('manager.js').ConnectionManagerPanel;

/** A test may go through several upstream calls, each with its own timeout. */
const TEST_TIMEOUT_MS = 120_000;
/** Tests run this many at a time in "Test All". */
const TEST_CONCURRENCY = 3;

export function registerConnectionCommands(deps: CommandDeps): vscode.Disposable {
  const panelDeps = { extensionUri: deps.extensionUri, daemon: deps.daemon, keys: deps.keys };
  const register = vscode.commands.registerCommand;
  const test = guarded(deps, 'Testing the connection failed', (arg?: ConnectionArg) => testConnection(deps, arg));
  const setDefault = guarded(deps, 'Could not set the default connection', (arg?: ConnectionArg) =>
    setDefaultConnection(deps, arg),
  );
  // `{ replaceKey: true }` (the chat's "Replace Key") opens the key field with the focus in it. A tree
  // menu passes the selected items as the second argument: only that exact option counts.
  const edit = guarded(deps, 'Could not open the connection', async (arg?: ConnectionArg, opts?: unknown) => {
    const c = await resolveConnection(deps, arg, 'Connection to edit');
    const replaceKey =
      typeof opts === 'object' && opts !== null && (opts as { replaceKey?: unknown }).replaceKey === true;
    if (c) managerPanel().show(panelDeps, { connectionId: c.id, replaceKey });
  });
  const del = guarded(deps, 'Could not delete the connection', (arg?: ConnectionArg) => deleteConnection(deps, arg));
  return vscode.Disposable.from(
    register('switchboard.addConnection', () => managerPanel().show(panelDeps, {})),
    register('switchboard.editConnection', edit),
    register('switchboard.testConnection', test),
    register(
      'switchboard.testAllConnections',
      guarded(deps, 'Testing the connections failed', () => testAllConnections(deps)),
    ),
    register('switchboard.setDefaultConnection', setDefault),
    register('switchboard.deleteConnection', del),
    register(
      'switchboard.copyConnectionName',
      guarded(deps, 'Could not copy the name', async (arg?: ConnectionArg) => {
        const c = await resolveConnection(deps, arg, 'Connection whose name to copy');
        if (c) await vscode.env.clipboard.writeText(c.name);
      }),
    ),
    // The tree's context menu says "Test", "Set as Default", "Edit", "Delete": same commands, shorter titles.
    register('switchboard.tree.test', test),
    register('switchboard.tree.setDefault', setDefault),
    register('switchboard.tree.edit', edit),
    register('switchboard.tree.delete', del),
  );
}

/** Tests one connection with progress, then says how it went. Resolves to the result (undefined if cancelled). */
export async function testConnection(deps: CommandDeps, arg: ConnectionArg): Promise<TestResult | undefined> {
  const c = await resolveConnection(deps, arg, 'Connection to test');
  if (!c) return undefined;
  const { result } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Testing "${c.name}"…`, cancellable: true },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return deps.daemon.request(ConnectionsTest, { id: c.id }, { timeoutMs: TEST_TIMEOUT_MS, signal: abort.signal });
    },
  );
  const message = `${c.name}: ${result.summary}`;
  const failing = result.stages.find((s) => s.status === 'error' || s.status === 'warning');
  const detail = failing ? ` (${failing.name}: ${failing.reason})` : '';
  if (result.status === 'ok') void vscode.window.showInformationMessage(message);
  else {
    const show = result.status === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    void show(`${message}${detail}`, 'Edit Connection').then((choice) => {
      if (choice) void vscode.commands.executeCommand('switchboard.editConnection', c.id);
    });
  }
  return result;
}

/** Tests every connection, a few at a time, with progress; cancellable. Resolves to the results by id. */
export async function testAllConnections(deps: CommandDeps): Promise<Map<string, TestResult | Error>> {
  const { connections } = await deps.daemon.request(ConnectionsList, {});
  const results = new Map<string, TestResult | Error>();
  if (connections.length === 0) {
    void vscode.window.showInformationMessage('Switchboard has no connections to test.');
    return results;
  }
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Testing ${connections.length} connection${connections.length === 1 ? '' : 's'}`,
      cancellable: true,
    },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const queue = [...connections];
      const step = 100 / connections.length;
      const worker = async (): Promise<void> => {
        for (let c = queue.shift(); c && !abort.signal.aborted; c = queue.shift()) {
          try {
            const { result } = await deps.daemon.request(
              ConnectionsTest,
              { id: c.id },
              { timeoutMs: TEST_TIMEOUT_MS, signal: abort.signal },
            );
            results.set(c.id, result);
            progress.report({ increment: step, message: `${c.name}: ${result.status}` });
          } catch (error) {
            results.set(c.id, error instanceof Error ? error : new Error(String(error)));
            progress.report({ increment: step, message: `${c.name}: failed` });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(TEST_CONCURRENCY, connections.length) }, worker));
    },
  );
  const count = (status: string): number =>
    [...results.values()].filter((r) => !(r instanceof Error) && r.status === status).length;
  const failed = [...results.values()].filter((r) => r instanceof Error).length;
  const parts = [
    `${count('ok')} ok`,
    `${count('warning')} with warnings`,
    `${count('error')} failing`,
    ...(failed ? [`${failed} could not be tested`] : []),
  ];
  const skipped = connections.length - results.size;
  const summary = `Tested ${results.size} of ${connections.length} connections: ${parts.join(', ')}${skipped ? ` (${skipped} cancelled)` : ''}.`;
  deps.log.info(summary);
  if (count('error') + failed > 0) void vscode.window.showWarningMessage(summary);
  else void vscode.window.showInformationMessage(summary);
  return results;
}

export async function setDefaultConnection(deps: CommandDeps, arg: ConnectionArg): Promise<Connection | undefined> {
  const c = await resolveConnection(deps, arg, 'Connection to make the default');
  if (!c) return undefined;
  const { connection } = await deps.daemon.request(ConnectionsSetDefault, { id: c.id });
  vscode.window.setStatusBarMessage(`Switchboard: "${connection.name}" is now the default connection.`, 4000);
  return connection;
}

/** Asks (naming the connection), then deletes it from the daemon and its key from SecretStorage. */
export async function deleteConnection(deps: CommandDeps, arg: ConnectionArg): Promise<boolean> {
  const c = await resolveConnection(deps, arg, 'Connection to delete');
  if (!c) return false;
  const answer = await vscode.window.showWarningMessage(
    `Delete the connection "${c.name}"?`,
    {
      modal: true,
      detail:
        'Its settings are removed from Switchboard and its key from VS Code secret storage. Chats and tools using it will stop working.',
    },
    'Delete',
  );
  if (answer !== 'Delete') return false;
  await deps.daemon.request(ConnectionsDelete, { id: c.id });
  await deps.keys.delete(c.id);
  if (deps.choice.connectionId === c.id) await deps.choice.clear();
  deps.log.info(`Deleted the connection "${c.name}".`);
  return true;
}
