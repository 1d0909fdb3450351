/**
 * The chat: the sidebar view, editor tabs, their shared store and runner, and the commands — wired
 * once and returned for the extension's API (the extension-host tests drive hosts through it).
 */
import * as vscode from 'vscode';
import type { ConnectionStore } from '../connections/connectionStore';
import type { DaemonConnection } from '../daemon/daemonConnection';
import type { Log } from '../log';
import type { WorkspaceChoice } from '../workspaceChoice';
import { registerChatCommands } from './chatCommands';
import type { ChatFocus } from './chatFocus';
import { ChatPanels } from './chatPanel';
import { ChatServices, type AttachedHost, type HostOptions } from './chatServices';
import type { ChatStore } from './chatStore';
import type { ChatRunner } from './chatRunner';
import type { CodeProposals } from './codeProposals';
import { ChatViewProvider } from './chatViewProvider';

export interface ChatDeps {
  extensionUri: vscode.Uri;
  workspaceState: vscode.Memento;
  daemon: DaemonConnection;
  connections: ConnectionStore;
  choice: WorkspaceChoice;
  log: Log;
}

/** The chat's live objects. */
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
  /** A host on the window's store and runner that posts to `post` (the tests' stand-in for a page). */
  createHost(opts: HostOptions): AttachedHost;
}

export function registerChat(deps: ChatDeps): { api: ChatApi; disposable: vscode.Disposable } {
  const services = new ChatServices(deps);
  const view = new ChatViewProvider(services, deps.workspaceState);
  const panels = new ChatPanels(services, deps.workspaceState);
  services.openInEditor = (chatId) => void panels.show(chatId);
  const disposable = vscode.Disposable.from(
    ChatViewProvider.register(view),
    panels.registerSerializer(),
    registerChatCommands({ services, view, panels, log: deps.log }),
    // Views before the services: their hosts unsubscribe from the runner before it stops the streams.
    panels,
    view,
    services,
  );
  return {
    api: {
      store: services.store,
      runner: services.runner,
      view,
      panels,
      focus: services.focus,
      proposals: services.proposals,
      createHost: (opts) => services.createHost(opts),
    },
    disposable,
  };
}
