/**
 * The chat, as extension.js sees it. The chat's host side (dist/chat.js, chatFeature.ts) is loaded on
 * first use: when the sidebar view or a restored tab is shown, one of its commands runs, or the API
 * below is used. Until then only what must watch from activation on is here: the editor the person was
 * last in, terminal output for `@terminal`, and which chat is focused (the status bar follows it).
 */
import * as vscode from 'vscode';
import type { ConnectionStore } from '../connections/connectionStore';
import type { DaemonConnection } from '../daemon/daemonConnection';
import { loadBundle } from '../lazyBundle';
import type { Log } from '../log';
import type { WorkspaceChoice } from '../workspaceChoice';
import { CHAT_COMMANDS, CHAT_PANEL_VIEW_TYPE, CHAT_VIEW_TYPE } from './chatContributions';
import type * as ChatBundle from './chatFeature';
import { ChatFocus } from './chatFocus';
import type { ChatPanels } from './chatPanel';
import type { ChatChange, ChatRunner } from './chatRunner';
import type { AttachedHost, HostOptions } from './chatServices';
import type { ChatStore } from './chatStore';
import type { ChatViewProvider } from './chatViewProvider';
import type { CodeProposals } from './codeProposals';
import { EditorTracker } from './editors';
import { TerminalOutputRecorder } from './terminalOutput';

export interface ChatDeps {
  extensionUri: vscode.Uri;
  workspaceState: vscode.Memento;
  daemon: DaemonConnection;
  connections: ConnectionStore;
  choice: WorkspaceChoice;
  log: Log;
}

/** The chat's live objects (all but `focus` and `onDidChangeChat` load the chat when first read). */
export interface ChatApi {
  store: ChatStore;
  runner: ChatRunner;
  /** The sidebar view (its host exists before the view is opened). */
  view: ChatViewProvider;
  panels: ChatPanels;
  /** The chat the person is in (the status bar and "Select Connection/Model" act on it). */
  focus: ChatFocus;
  /** The open "Apply to file" diffs. */
  proposals: CodeProposals;
  /** The runner's changes, from whenever the chat is loaded (the walkthrough waits for an answer). */
  onDidChangeChat: vscode.Event<ChatChange>;
  /** A host on the window's store and runner that posts to `post` (the tests' stand-in for a page). */
  createHost(opts: HostOptions): AttachedHost;
}

export function registerChat(deps: ChatDeps): { api: ChatApi; disposable: vscode.Disposable } {
  const focus = new ChatFocus();
  const editors = new EditorTracker();
  const terminals = new TerminalOutputRecorder();
  const changes = new vscode.EventEmitter<ChatChange>();
  let feature: ChatBundle.ChatFeature | undefined;
  let disposed = false;

  // Each command loads the chat, which registers the real one in its place, and runs it.
  const stubs = CHAT_COMMANDS.map((id) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => {
      load();
      return vscode.commands.executeCommand(id, ...args);
    }),
  );
  const load = (): ChatBundle.ChatFeature => {
    if (feature) return feature;
    if (disposed) throw new Error('The chat was closed with the window.');
    for (const stub of stubs.splice(0)) stub.dispose();
    const started = performance.now();
    feature = loadBundle<typeof ChatBundle>('chat.js').createChatFeature({ ...deps, focus, editors, terminals });
    feature.services.runner.onDidChangeChat((change) => changes.fire(change));
    deps.log.info(`Chat loaded in ${(performance.now() - started).toFixed(1)} ms.`);
    return feature;
  };

  const disposable = vscode.Disposable.from(
    // The view keeps its page while hidden (a stream keeps drawing).
    vscode.window.registerWebviewViewProvider(
      CHAT_VIEW_TYPE,
      { resolveWebviewView: (view) => load().view.resolveWebviewView(view) },
      { webviewOptions: { retainContextWhenHidden: true } },
    ),
    vscode.window.registerWebviewPanelSerializer(CHAT_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => load().panels.deserialize(panel, state),
    }),
    {
      dispose: () => {
        disposed = true;
        for (const stub of stubs.splice(0)) stub.dispose();
        feature?.dispose();
      },
    },
    changes,
    focus,
    editors,
    terminals,
  );
  return {
    api: {
      get store() {
        return load().services.store;
      },
      get runner() {
        return load().services.runner;
      },
      get view() {
        return load().view;
      },
      get panels() {
        return load().panels;
      },
      focus,
      get proposals() {
        return load().services.proposals;
      },
      onDidChangeChat: changes.event,
      createHost: (opts) => load().services.createHost(opts),
    },
    disposable,
  };
}
