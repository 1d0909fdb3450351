/**
 * Switchboard's VS Code extension: wiring only. Activation is fast — it starts connecting to the
 * daemon in the background and returns; nothing here (or anything it imports) loads a provider SDK.
 */
// First: the clock that activation time is measured from.
import { loadStartedAt } from './activationClock';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { registerChat, type ChatApi } from './chat';
import { registerCommands } from './commands';
import { autoStart, daemonHome, transport } from './config';
import { ConnectionStore } from './connections/connectionStore';
import { registerContextKeys } from './contextKeys';
import { registerOnboarding } from './onboarding';
import { DaemonConnection } from './daemon/daemonConnection';
import { DaemonLauncher } from './daemon/daemonLauncher';
import { syncDaemonSettings } from './daemon/daemonSettings';
import { registerLanguageModels } from './lm';
import type { SwitchboardLmProvider } from './lm/lmProvider';
import { Log } from './log';
import { KeyBridge } from './secrets/keyBridge';
import { StatusBar } from './statusBar';
import { registerBudgetWarnings } from './usage/budgetWarnings';
import { registerQuotaWarnings } from './usage/quotaWarnings';
import { registerStatusWarnings } from './connections/statusWarnings';
import { ConnectionsTree } from './views/connectionsTree';
import { clearChoiceOnDelete, WorkspaceChoice } from './workspaceChoice';

/** What `activate` returns: the live objects, for other parts of Switchboard and the extension-host tests. */
export interface SwitchboardApi {
  daemon: DaemonConnection;
  keys: KeyBridge;
  connections: ConnectionStore;
  choice: WorkspaceChoice;
  statusBar: StatusBar;
  log: Log;
  chat: ChatApi;
  /** VS Code's model picker provider; undefined where VS Code lacks the API (before 1.104). */
  languageModels: SwitchboardLmProvider | undefined;
  /**
   * Milliseconds this extension spent activating (also in the log): evaluating extension.js's modules
   * plus running `activate()`. Not the wait in between, which is VS Code preparing the extension's
   * context (storage, secrets) — about 370 ms in code-server on a quiet machine, none of it ours.
   */
  activationMs: number;
}

export function activate(ctx: vscode.ExtensionContext): SwitchboardApi {
  const activateStartedAt = performance.now();
  const log = new Log();
  const launcher = new DaemonLauncher({
    daemonScript: ctx.asAbsolutePath(path.join('dist', 'daemon.js')),
    outputFile: path.join(ctx.logUri.fsPath, 'daemon-output.log'),
    log: (message) => log.info(message),
  });
  const daemon = new DaemonConnection({
    launcher,
    log,
    home: daemonHome,
    autoStart,
    transport,
    clientVersion: String(ctx.extension.packageJSON.version ?? ''),
  });
  const keys = new KeyBridge(ctx.secrets, ctx.globalState, daemon, log);
  const connections = new ConnectionStore(daemon, log);
  const choice = new WorkspaceChoice(ctx.workspaceState);
  const chat = registerChat({
    extensionUri: ctx.extensionUri,
    workspaceState: ctx.workspaceState,
    daemon,
    connections,
    choice,
    log,
  });
  const statusBar = new StatusBar(daemon, connections, choice, chat.api.focus);
  ctx.subscriptions.push(
    log,
    daemon,
    keys,
    connections,
    choice,
    statusBar,
    clearChoiceOnDelete(choice, daemon),
    ConnectionsTree.register(connections, daemon, choice),
    registerContextKeys(daemon, connections),
    registerCommands({
      extensionUri: ctx.extensionUri,
      daemon,
      keys,
      store: connections,
      choice,
      log,
      chats: chat.api.focus,
    }),
    syncDaemonSettings(daemon, log),
    chat.disposable,
    registerBudgetWarnings(daemon),
    registerQuotaWarnings(daemon),
    registerOnboarding({
      extensionId: ctx.extension.id,
      connections,
      runner: { onDidChangeChat: chat.api.onDidChangeChat },
    }),
    registerStatusWarnings(daemon),
  );
  const languageModels = registerLanguageModels({ daemon, connections, log }, ctx.subscriptions);
  daemon.start();
  const loadMs = bundleEvaluatedAt - loadStartedAt;
  const activateMs = performance.now() - activateStartedAt;
  const activationMs = loadMs + activateMs;
  log.info(
    `Activated in ${activationMs.toFixed(1)} ms: loading extension.js ${loadMs.toFixed(1)} ms, activate() ${activateMs.toFixed(1)} ms` +
      ` (VS Code took ${(activateStartedAt - bundleEvaluatedAt).toFixed(1)} ms in between to prepare the context).`,
  );
  return { daemon, keys, connections, choice, statusBar, log, chat: chat.api, languageModels, activationMs };
}

export function deactivate(): void {
  // Everything is in ctx.subscriptions; the daemon keeps running for other windows and tools.
}

/** When this bundle's modules had all been evaluated: this statement runs after every import's. */
const bundleEvaluatedAt = performance.now();
