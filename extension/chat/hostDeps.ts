/**
 * What a ChatHost is given: the page to post to, the window's chat store and runner, the daemon, the
 * connection list and workspace choice, and `ChatUi` — what it may do in VS Code (chatUi.ts), faked in
 * the unit tests.
 */
import type { RequestType } from '../../shared/protocol';
import type { ChatAttachment, ChatMention, ChatViewState, HostToChat } from '../../shared/webview';
import type { ChatRunner } from './chatRunner';
import type { ChatStore } from './chatStore';
import type { ConnectionsView, WorkspaceChoiceValue } from './target';

export type DaemonStateName = ChatViewState['daemon'];

/** What a chat view can do in VS Code; implemented by chatUi.ts. */
export interface ChatUi {
  /** The active editor's selection; throws an AttachmentError a person can act on. */
  selectionAttachment(): Promise<ChatAttachment>;
  /** The active editor's whole file; throws an AttachmentError a person can act on. */
  fileAttachment(): Promise<ChatAttachment>;
  /** To the clipboard; `what` names it in the status bar ("code copied"). */
  copy(text: string, what: 'code' | 'answer'): Promise<void>;
  /** Into the last active text editor at its selection, or a new untitled one. */
  insert(text: string): Promise<void>;
  /**
   * A diff of the file `path` names (workspace-relative; a new file when absent) or, without a path,
   * of the last active editor, against the same with `code` applied; Accept applies it.
   */
  applyCode(code: string, opts: { path?: string; language?: string }): Promise<void>;
  /** Opens `code` in a new untitled editor. */
  newFile(code: string, language?: string): Promise<void>;
  /** Asks (modal) and runs `code` in a terminal. */
  runInTerminal(code: string): Promise<void>;
  /** A connection, then one of its models, for one answer; undefined when cancelled. */
  pickTarget(current: {
    connectionId?: string | undefined;
    model?: string | undefined;
  }): Promise<{ connectionId: string; model?: string } | undefined>;
  /** Only ever given http(s) URLs. */
  openExternal(url: string): Promise<void>;
  /** Asks for a chat's new title (an input box); undefined when cancelled. */
  askTitle(current: string): Promise<string | undefined>;
  /** A quick pick of connections for this chat; undefined when cancelled. */
  pickConnection(currentId: string | undefined): Promise<string | undefined>;
  /** The searchable model quick pick for this chat (`model` undefined: the connection's default); undefined when cancelled. */
  pickModel(
    connectionId: string,
    current: string | undefined,
    chatTitle: string,
  ): Promise<{ model: string | undefined } | undefined>;
  /** When the chat's choice differs from the workspace's, offers "also make it this workspace's default". */
  offerWorkspaceDefault(connectionId: string, model: string | undefined): void;
  executeCommand(command: string, ...args: unknown[]): Promise<unknown>;
  openInEditor(chatId: string): void;
  /** Suggestions for `@query`: the selection, problems, terminal output, then files and symbols. */
  mentionSuggestions(query: string): Promise<ChatMention[]>;
  /** The content of a picked mention; throws an AttachmentError a person can act on. */
  mentionAttachment(mention: ChatMention): Promise<ChatAttachment>;
  /** The code a slash command works on: the editor's selection, else its whole file; throws an AttachmentError. */
  editorCode(): Promise<ChatAttachment>;
  /** The problems VS Code reports in one file (its chat path); throws an AttachmentError when there are none. */
  problemsIn(path: string): Promise<ChatAttachment>;
  /** An image chosen in a file dialog; undefined when cancelled; throws an AttachmentError for a file that cannot be sent. */
  pickImage(): Promise<ChatAttachment | undefined>;
  /** A warning notification. */
  warn(message: string): void;
  /** Reconnect to the daemon now, without waiting for the backoff. */
  retryDaemon(): void;
}

export interface ChatHostDeps {
  post(message: HostToChat): void;
  store: ChatStore;
  runner: ChatRunner;
  request<P, R>(descriptor: RequestType<P, R>, params: P): Promise<R>;
  connections: ConnectionsView;
  choice(): WorkspaceChoiceValue;
  daemonState(): DaemonStateName;
  ui: ChatUi;
  /** The chat to show first (the view's last one); a new draft when absent or gone. */
  initialChatId?: string;
  /** Told whenever the chat shown changes, to remember it across reloads. */
  onDidShowChat?(chatId: string): void;
  /** The person used this chat's page (sent, chose, clicked an action): the chat they are in. */
  onDidFocus?(): void;
}
