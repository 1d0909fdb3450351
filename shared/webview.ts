/**
 * Messages between the extension host and its webviews, as discriminated unions on `type`.
 *
 * Webview bundles run in a browser sandbox: this module (and what it imports) must stay free of
 * runtime code from the protocol, so it imports types only. The host's `switch` over a union ends in
 * `assertNever`, so adding a message without handling it breaks the build.
 */
import type {
  BudgetStatus,
  Connection,
  ConnectionQuota,
  CreateConnectionParams,
  PriceEntry,
  Provider,
  SkippedConnection,
  TestHistoryEntry,
  TestResult,
  TestStatus,
  UpdateConnectionParams,
  Usage,
  UsageGroup,
  UsageRecord,
  UsageTotals,
} from './protocol';

/** Fields the connection manager sends to create a connection; the host decides where the key lives. */
export type ManagerCreateFields = Omit<CreateConnectionParams, 'apiKey' | 'keySource'>;
/** Fields the connection manager sends to change a connection; a new key travels beside them. */
export type ManagerUpdateFields = Omit<UpdateConnectionParams, 'apiKey' | 'keySource'>;
/** An unsaved connection as typed in the form, tested with the key typed (if any). */
export type ManagerDraft = Omit<CreateConnectionParams, 'name' | 'keySource'> & { name?: string };

/** What to test: the form's draft (with the key typed) or a saved connection by id (its stored key). */
export type ManagerTestTarget = { draft: ManagerDraft } | { id: string };

/** Connection manager webview → extension host. */
export type ManagerToHost =
  /** The page's script is running and listening; the host answers with `init`. */
  | { type: 'ready' }
  /** Run `connections/test`; answered by `testResult` or `error` with the same `requestId`. */
  | { type: 'test'; requestId: number; target: ManagerTestTarget }
  /** Create a connection; `apiKey` goes to SecretStorage and the daemon's memory, never to disk. */
  | { type: 'create'; requestId: number; fields: ManagerCreateFields; apiKey?: string }
  /** Change a connection in place; `apiKey` replaces its key ("Replace key"). */
  | { type: 'update'; requestId: number; fields: ManagerUpdateFields; apiKey?: string }
  /** Delete a connection after the host asks the person to confirm. */
  | { type: 'delete'; requestId: number; id: string; name: string }
  /** Fill the default-model list of a saved connection from `models/list`. */
  | { type: 'loadModels'; connectionId: string }
  /** How much of a saved connection's limits is used now (`connections/quota`); answered by `quota`. */
  | { type: 'loadQuota'; connectionId: string }
  /** "Sign in with OpenRouter": the host runs the browser sign-in (no key is typed in the page). */
  | { type: 'signIn'; provider: 'openrouter' }
  /** The prices known for a provider's models (`prices/list`); answered by `prices`. */
  | { type: 'loadPrices'; provider: string }
  /** The last test results of a saved connection (`connections/testHistory`); answered by `testHistory`, and again after each test of it. */
  | { type: 'loadTestHistory'; connectionId: string }
  /** Open the audit log ("Switchboard: Show Audit Log") for one connection. */
  | { type: 'showAudit'; connectionId: string }
  /** Save a custom provider ("Custom provider…"); answered by `providerSaved` or `error`. */
  | { type: 'saveProvider'; requestId: number; provider: ManagerProviderInput }
  /** Set (or, with `price: null`, drop) the user's price of a model; answered by `prices` or `error`. */
  | {
      type: 'setPrice';
      requestId: number;
      provider: string;
      model: string;
      price: { inputPerMTok: number; outputPerMTok: number } | null;
    };

/** A user-defined provider as the manager's "Custom provider…" form saves it (`providers/upsert`). */
export type ManagerProviderInput = Omit<Provider, 'builtIn' | 'models' | 'adapter' | 'azure'> & {
  adapter: 'openai' | 'anthropic';
};

/** A failure the form can place: next to `field` when the daemon named one, else in the banner. */
export interface ManagerError {
  message: string;
  /** What a person can do about it. */
  hint?: string;
  /** Stable code (`DUPLICATE_NAME`, `VALIDATION`, …) or the JSON-RPC number as a string. */
  code?: string;
  /** A protocol field name (`name`, `baseUrl`, `headers`, …), without any `draft.` prefix. */
  field?: string;
}

/** Extension host → connection manager webview. */
export type HostToManager =
  /** Everything the form needs; `selectId` opens that connection for editing. */
  | { type: 'init'; providers: Provider[]; connections: Connection[]; selectId?: string }
  /** The connection list changed (here or in another client). */
  | { type: 'connections'; connections: Connection[] }
  /** Open a connection for editing (the panel was asked to show it), or a blank form (`null`). */
  | { type: 'select'; connectionId: string | null; replaceKey?: boolean }
  | { type: 'testResult'; requestId: number; result: TestResult }
  | { type: 'saved'; requestId: number; connection: Connection }
  | { type: 'deleted'; requestId: number; id: string }
  /** The person declined the delete confirmation. */
  | { type: 'cancelled'; requestId: number }
  | { type: 'models'; connectionId: string; models: string[] }
  /** A saved connection's last test results, newest first. */
  | { type: 'testHistory'; connectionId: string; entries: TestHistoryEntry[] }
  /** A connection's quota now, or why it could not be read (`error`, in words a person reads). */
  | { type: 'quota'; connectionId: string; quota?: ConnectionQuota; error?: string }
  /** A provider's prices; `requestId` when it answers a `setPrice`. */
  | { type: 'prices'; provider: string; prices: PriceEntry[]; requestId?: number }
  /** A custom provider was saved: the catalog as it is now, for the form to select it. */
  | { type: 'providerSaved'; requestId: number; provider: Provider; providers: Provider[] }
  /** A request failed (`requestId` set) or the daemon is unavailable (no `requestId`). */
  | { type: 'error'; requestId?: number; error: ManagerError };

// ───────────────────────────── Chat panel ─────────────────────────────

/**
 * Context attached to a message: the active editor's selection or a whole file, a symbol's code, the
 * workspace's problems, the active terminal's recent output, or an image.
 */
export interface ChatAttachment {
  id: string;
  kind: 'selection' | 'file' | 'symbol' | 'problems' | 'terminal' | 'image';
  /** What the chip shows, e.g. `app.ts:12-30` or `app.ts`. */
  label: string;
  /** Workspace-relative path (or the file name for an untitled editor; the image's file name; a terminal's name). */
  path: string;
  languageId?: string;
  /** 1-based, inclusive; selections and symbols only. */
  startLine?: number;
  endLine?: number;
  /** The attached text, sent to the model inside a fenced block (empty for an image). */
  text: string;
  /**
   * An image's bytes (base64), sent as an image part to models that accept images. Absent on an
   * image of a chat reloaded from storage (images are not kept in the chat history).
   */
  image?: { mediaType: string; data: string };
}

/** What an `@`-mention names; the host turns it into a {@link ChatAttachment} when picked. */
export type ChatMention =
  | { kind: 'selection' | 'problems' | 'terminal'; label: string; detail?: string }
  | { kind: 'file'; label: string; detail?: string; uri: string }
  /** A symbol: its code is the text of `range` (0-based lines, inclusive) in `uri`. */
  | { kind: 'symbol'; label: string; detail?: string; uri: string; startLine: number; endLine: number };

/** The chat's slash commands, as the page suggests them after `/` (extension/chat/slashCommands.ts reads them). */
export const CHAT_SLASH_COMMANDS: ReadonlyArray<{ name: string; usage: string; description: string }> = [
  { name: 'explain', usage: '/explain', description: 'Explain the selected code (or the active file)' },
  { name: 'fix', usage: '/fix', description: 'Fix the selected code, with the problems VS Code reports in it' },
  { name: 'tests', usage: '/tests', description: 'Write tests for the selected code' },
  { name: 'ask', usage: '/ask <connection> <question>', description: 'Ask another connection, once' },
];

/** Commands the chat page may run (its empty state's buttons); the host maps them to VS Code commands. */
export type ChatPageCommand = 'addConnection' | 'importFromEnvironment' | 'openWalkthrough';

/** How an answer ended, or that it is still streaming. */
export type ChatAnswerStatus = 'streaming' | 'done' | 'stopped' | 'error';

/** An action offered beside a failed answer. */
export type ChatErrorAction = 'retry' | 'testConnection' | 'replaceKey' | 'selectConnection' | 'editConnection';

/** A failed answer, as shown inline where the answer would be. */
export interface ChatErrorView {
  /** Stable daemon code (`INVALID_API_KEY`, `RATE_LIMITED`, …) or `DAEMON_UNAVAILABLE`. */
  code: string;
  message: string;
  hint?: string;
  actions: ChatErrorAction[];
}

/** Facts shown under an answer. */
export interface ChatAnswerMeta {
  connectionId: string;
  connectionName: string;
  model: string;
  usage?: Usage;
  firstTokenMs: number | null;
  totalMs: number;
  /** US dollars; null when the price is unknown; absent without usage. */
  costUsd?: number | null;
  /** Connections skipped before this one answered ("answered by X (Y was rate-limited)"). */
  skipped?: SkippedConnection[];
}

/**
 * Where an answer was asked: set when it starts, so a streaming answer already says which connection
 * and model it comes from (its `meta`, when it ends, says which one answered — a fallback's, say).
 */
export interface ChatAnswerSource {
  connectionId: string;
  connectionName: string;
  /** The model asked for (the connection's default when the request named none); absent when unknown. */
  model?: string;
}

/** A tool the model called, as the chat shows it (the chat offers no tools; some models call them anyway). */
export interface ChatToolCallView {
  id: string;
  name: string;
  /** JSON text as the model wrote it (possibly still incomplete while streaming). */
  arguments: string;
}

/** One message of a chat. */
export type ChatTurn =
  | { role: 'user'; id: string; text: string; attachments: ChatAttachment[]; at: string }
  | {
      role: 'assistant';
      id: string;
      text: string;
      status: ChatAnswerStatus;
      at: string;
      meta?: ChatAnswerMeta;
      /** The connection and model this answer was asked of (Regenerate with… may differ from the chat's own). */
      source?: ChatAnswerSource;
      error?: ChatErrorView;
      /** What the model streamed as its reasoning, shown folded above the answer. */
      reasoning?: string;
      toolCalls?: ChatToolCallView[];
      /**
       * Another answer to the same message kept for comparison (after Regenerate): shown beside or
       * instead of the chosen one, never sent to the model. Consecutive answers form one group; the
       * one without this flag is the chosen answer.
       */
      alternate?: true;
    };

/** A chat as persisted (per workspace) and shown. */
export interface ChatSession {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  /** The chat's own connection and model; a new chat starts from the workspace's choice or the default. */
  connectionId?: string | undefined;
  model?: string | undefined;
  turns: ChatTurn[];
}

/** A chat as the History list shows it. */
export interface ChatSummary {
  id: string;
  title: string;
  updatedAt: string;
  turnCount: number;
  connectionId?: string;
  model?: string;
}

/** A connection as the chat's picker shows it. */
export interface ChatConnectionOption {
  id: string;
  name: string;
  provider: string;
  defaultModel?: string;
  isDefault: boolean;
  /** Last test status, if tested. */
  status?: TestStatus;
  keyAvailable: boolean;
}

/** Chat webview (sidebar view or editor tab) → extension host. */
export type ChatToHost =
  /** The page's script is running; the host answers with `init`. */
  | { type: 'ready' }
  /** Send a message on the current chat with the pending attachments; answered by `accepted` or `rejected`. */
  | { type: 'send'; requestId: number; text: string }
  /** Stop the running answer (`chat/cancel`); the partial answer is kept, marked as stopped. */
  | { type: 'stop' }
  /** Run the last message again (after an error or a stop, or in place of a stalled answer, which is stopped first). */
  | { type: 'retry' }
  /** Choose the chat's connection and then its model, in VS Code's quick pick (the header's connection button). */
  | { type: 'pickConnection' }
  /** Choose the chat's model in VS Code's quick pick, searchable (the header's model button). */
  | { type: 'pickModel' }
  | { type: 'selectConnection'; connectionId: string }
  | { type: 'selectModel'; model: string }
  /** Ask for the models of a connection (answered by `models`). */
  | { type: 'loadModels'; connectionId: string }
  | { type: 'newChat' }
  | { type: 'openChat'; chatId: string }
  /** Rename: the host asks for the new title (input box) unless `title` is given. */
  | { type: 'renameChat'; chatId: string; title?: string }
  | { type: 'deleteChat'; chatId: string }
  | { type: 'addSelection' }
  | { type: 'addFile' }
  | { type: 'removeAttachment'; id: string }
  | { type: 'copyCode'; code: string }
  | { type: 'insertCode'; code: string }
  /**
   * "Apply to file": a diff of the file the block names (`path`, from the fence or the line before
   * it) or of the active editor, against the file with the code applied; Accept / Reject in the diff.
   */
  | { type: 'applyCode'; code: string; path?: string; language?: string }
  /** Open the code in a new untitled editor. */
  | { type: 'newFile'; code: string; language?: string }
  /** Run a shell block in a terminal, after a modal confirmation. */
  | { type: 'runInTerminal'; code: string }
  /** Copy an answer's whole text (its Markdown). */
  | { type: 'copyAnswer'; turnId: string }
  /** Ask the last message again, keeping the answers so far as alternates; `pick`: on another connection or model. */
  | { type: 'regenerate'; turnId: string; pick?: boolean }
  /** Show this answer of its group (the one sent to the model from now on). */
  | { type: 'chooseAnswer'; turnId: string }
  /** Edit a message and send it again: the turns after it are dropped. */
  | { type: 'editMessage'; turnId: string; text: string }
  /** Delete a message (a user message goes with its answers). */
  | { type: 'deleteTurn'; turnId: string }
  /** A link in an answer; the host opens http(s) links through VS Code and ignores anything else. */
  | { type: 'openLink'; href: string }
  /** An action beside a failed answer. */
  | { type: 'errorAction'; action: ChatErrorAction; turnId: string }
  | { type: 'openInEditor' }
  /** Suggestions for `@query` (files, symbols, selection, problems, terminal); answered by `mentions`. */
  | { type: 'mentionQuery'; requestId: number; query: string }
  /** A picked `@`-mention: the host gathers its content and adds it to the pending attachments. */
  | { type: 'addMention'; mention: ChatMention }
  /** A pasted or dropped image (base64); the host checks its type and size. */
  | { type: 'addImage'; name: string; mediaType: string; data: string }
  /** "Attach image": the host opens a file dialog. */
  | { type: 'attachImage' }
  /** A button of the page that runs a VS Code command (Add Connection, Import from Environment). */
  | { type: 'runCommand'; command: ChatPageCommand };

/** Everything the chat page needs to draw itself. */
export interface ChatViewState {
  chat: ChatSession;
  connections: ChatConnectionOption[];
  history: ChatSummary[];
  attachments: ChatAttachment[];
  daemon: 'starting' | 'connected' | 'down';
  /** Whether an answer is streaming on this chat. */
  busy: boolean;
}

/** Extension host → chat webview. */
export type HostToChat =
  | { type: 'init'; state: ChatViewState }
  /** The chat shown changed (new chat, opened from History, a turn added or finished, renamed). */
  | { type: 'chat'; chat: ChatSession; busy: boolean }
  | { type: 'history'; chats: ChatSummary[] }
  | { type: 'connections'; connections: ChatConnectionOption[] }
  | { type: 'models'; connectionId: string; models: string[]; error?: string }
  | { type: 'attachments'; attachments: ChatAttachment[] }
  /** Streamed text of the answer `turnId`, batched: append `text` (and `reasoning` to its reasoning). */
  | { type: 'delta'; chatId: string; turnId: string; text: string; reasoning?: string }
  /**
   * The streaming answer `turnId` has received nothing for `seconds` (sent every second while it
   * lasts); `seconds: null` when data flows again or the answer ended. The page shows "No data for N s"
   * with Stop and Retry instead of a frozen answer.
   */
  | { type: 'stall'; chatId: string; turnId: string; seconds: number | null }
  /** The send was accepted: clear the input. */
  | { type: 'accepted'; requestId: number }
  /** The send could not start (no connection, daemon down, busy): keep the input, show why. */
  | { type: 'rejected'; requestId: number; error: ChatErrorView }
  | { type: 'daemon'; state: 'starting' | 'connected' | 'down' }
  /** Put the cursor in the input (after "Ask About Selection"). */
  | { type: 'focusInput' }
  /** Show or hide the History list (the title bar's History: the page has no button of its own). */
  | { type: 'toggleHistory' }
  /** The suggestions for the `mentionQuery` with the same `requestId`. */
  | { type: 'mentions'; requestId: number; items: ChatMention[] };

// ───────────────────────────── Usage view ─────────────────────────────

/** Usage view → extension host. */
export type UsageToHost =
  | { type: 'ready' }
  /** Reload the figures (e.g. after a change of range). */
  | { type: 'refresh'; days: number }
  /** Open a connection in the connection manager. */
  | { type: 'openConnection'; connectionId: string };

/** What the Usage view shows: the last `days` days. */
export interface UsageViewData {
  days: number;
  from: string;
  to: string;
  /** Per connection, model and day. */
  records: UsageRecord[];
  /** Per connection and model. */
  groups: UsageGroup[];
  totals: UsageTotals;
  budgets: BudgetStatus[];
  /** Connection names by id (deleted connections are absent). */
  names: Record<string, string>;
}

/** Extension host → Usage view. */
export type HostToUsage = { type: 'data'; data: UsageViewData } | { type: 'error'; message: string; hint?: string };

/** Ends a `switch` over a union: a missing case is a compile error, an unknown value at run time throws. */
export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}
