/**
 * What every chat view of the window shares: the chat store, the runner (one stream per chat,
 * whichever view started it), the editor tracker, and how a `ChatHost` is wired to VS Code's events.
 */
import type * as vscode from 'vscode';
import { ModelsList } from '../../shared/protocol';
import type { HostToChat } from '../../shared/webview';
import type { ConnectionStore } from '../connections/connectionStore';
import type { DaemonConnection } from '../daemon/daemonConnection';
import type { WorkspaceChoice } from '../workspaceChoice';
import type { ChatFocus } from './chatFocus';
import { ChatHost } from './chatHost';
import { ChatRunner } from './chatRunner';
import { ChatStore } from './chatStore';
import { createChatUi } from './chatUi';
import type { EditorTracker } from './editors';
import { answerSource } from './target';
import type { TerminalOutputRecorder } from './terminalOutput';
import { CodeProposals } from './codeProposals';

export interface ChatServicesDeps {
  extensionUri: vscode.Uri;
  workspaceState: vscode.Memento;
  daemon: DaemonConnection;
  connections: ConnectionStore;
  choice: WorkspaceChoice;
  /** The editor the person was last in: tracked from activation on (index.ts), before the chat loads. */
  editors: EditorTracker;
  /** The chat the person is in, which the status bar follows (index.ts). */
  focus: ChatFocus;
  /** Commands' output per terminal, for `@terminal`: recorded from activation on (index.ts). */
  terminals: TerminalOutputRecorder;
}

/** A host and the VS Code subscriptions that feed it; dispose both together. */
export interface AttachedHost extends vscode.Disposable {
  readonly host: ChatHost;
}

export interface HostOptions {
  post(message: HostToChat): void;
  initialChatId?: string | undefined;
  onDidShowChat?(chatId: string): void;
}

export class ChatServices implements vscode.Disposable {
  readonly store: ChatStore;
  readonly runner: ChatRunner;
  readonly editors: EditorTracker;
  /** The chat the person is in: the status bar and the pickers act on it. */
  readonly focus: ChatFocus;
  /** Commands' output per terminal, for `@terminal` (recorded from activation on). */
  readonly terminals: TerminalOutputRecorder;
  /** The open "Apply to file" diffs, with their Accept / Reject commands. */
  readonly proposals = new CodeProposals();
  /** Set by the wiring (index.ts): opens a chat in an editor tab. */
  openInEditor: (chatId: string) => void = () => undefined;

  constructor(readonly deps: ChatServicesDeps) {
    const { daemon } = deps;
    this.editors = deps.editors;
    this.focus = deps.focus;
    this.terminals = deps.terminals;
    this.store = new ChatStore(deps.workspaceState);
    this.runner = new ChatRunner({
      chat: (params, opts) => daemon.chatEvents(params, opts),
      store: this.store,
      describe: (target) => answerSource(target, deps.connections.connections),
    });
  }

  /** A ChatHost on the window's store and runner, following connections, the workspace choice and the daemon. */
  createHost(opts: HostOptions): AttachedHost {
    const { daemon, connections, choice } = this.deps;
    const host = new ChatHost({
      post: opts.post,
      store: this.store,
      runner: this.runner,
      request: (descriptor, params) => daemon.request(descriptor, params),
      connections: {
        get loaded() {
          return connections.loaded;
        },
        get connections() {
          return connections.connections;
        },
        providerName: connections.providerName,
      },
      choice: () => choice.value,
      daemonState: () => daemon.state,
      ui: createChatUi({
        editors: this.editors,
        terminals: this.terminals,
        connections,
        choice,
        listModels: (connectionId) => daemon.request(ModelsList, { connectionId }),
        openInEditor: (id) => this.openInEditor(id),
        retryDaemon: () => daemon.retryNow(),
        proposals: this.proposals,
      }),
      ...(opts.initialChatId ? { initialChatId: opts.initialChatId } : {}),
      ...(opts.onDidShowChat ? { onDidShowChat: opts.onDidShowChat } : {}),
      onDidFocus: () => this.focus.focus(host),
    });
    const subscriptions = [
      connections.onDidChange(() => host.connectionsChanged()),
      choice.onDidChange(() => host.choiceChanged()),
      daemon.onDidChangeState((state) => host.daemonChanged(state)),
    ];
    return {
      host,
      dispose: () => {
        for (const s of subscriptions) s.dispose();
        this.focus.blur(host);
        host.dispose();
      },
    };
  }

  dispose(): void {
    // Stops any running answer (kept, marked stopped) before the store goes.
    this.runner.dispose();
    this.store.dispose();
    this.proposals.dispose();
    // The editor tracker, focus and terminal recorder are index.ts's: they outlive a chat that never loaded.
  }
}
