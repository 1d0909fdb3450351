/**
 * The one place a failure becomes what the chat shows beside an answer (or beside the input, for a
 * refused send): the daemon's code, its message and hint, and the actions that can fix it.
 */
import { DaemonUnavailableError } from '../../shared/client/errors';
import type { ErrorCode } from '../../shared/errors';
import type { ChatErrorAction, ChatErrorView } from '../../shared/webview';
import { forPeople } from '../userWords';

/** The code shown when the daemon itself cannot be reached (not an upstream that is unreachable). */
export const DAEMON_UNAVAILABLE = 'DAEMON_UNAVAILABLE';

const UPSTREAM_TROUBLE: ChatErrorAction[] = ['retry', 'testConnection', 'selectConnection'];

/** What a person can do about each code (keyed by the protocol's codes, so a misspelt one fails the build). */
const ACTIONS: { readonly [C in ErrorCode | typeof DAEMON_UNAVAILABLE]?: ChatErrorAction[] } = {
  INVALID_API_KEY: ['replaceKey', 'selectConnection'],
  SECRET_MISSING: ['replaceKey', 'selectConnection'],
  FORBIDDEN: ['replaceKey', 'selectConnection'],
  UNREACHABLE: UPSTREAM_TROUBLE,
  TIMEOUT: UPSTREAM_TROUBLE,
  UPSTREAM_ERROR: UPSTREAM_TROUBLE,
  INCOMPLETE: UPSTREAM_TROUBLE,
  RATE_LIMITED: ['retry', 'selectConnection'],
  // Retrying cannot help until the period resets or the budget is raised (Edit Connection).
  BUDGET_EXCEEDED: ['selectConnection', 'editConnection'],
  MODEL_NOT_FOUND: ['selectConnection', 'editConnection'],
  MODEL_NOT_ALLOWED: ['selectConnection', 'editConnection'],
  NO_CONNECTION: ['selectConnection'],
  CONNECTION_NOT_FOUND: ['selectConnection'],
  [DAEMON_UNAVAILABLE]: ['retry'],
  CANCELLED: ['retry'],
};

/** The actions offered for a code; an unknown failure can at least be retried. */
export function actionsFor(code: string): ChatErrorAction[] {
  return [...((ACTIONS as Record<string, ChatErrorAction[] | undefined>)[code] ?? ['retry'])];
}

/** The message and, when there is one, the hint: one line for a notification or a note in a picker. */
export function errorText(error: Pick<ChatErrorView, 'message' | 'hint'>): string {
  return error.hint ? `${error.message} ${error.hint}` : error.message;
}

/** A ChatErrorView for a code of our own (a refused send), with that code's actions. */
export function chatError(code: string, message: string, hint?: string): ChatErrorView {
  return { code, message: forPeople(message), ...(hint ? { hint: forPeople(hint) } : {}), actions: actionsFor(code) };
}

/**
 * Any error from a request (duck-typed: a `SwitchboardError` from the daemon, an `RpcError`, a
 * `DaemonUnavailableError` from the connection, or a plain Error) as the chat shows it.
 */
export function toChatError(error: unknown): ChatErrorView {
  if (error instanceof DaemonUnavailableError) return chatError(DAEMON_UNAVAILABLE, error.message, error.data.hint);
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    code?: unknown;
    data?: unknown;
  };
  const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as { hint?: unknown };
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  const hint = typeof data.hint === 'string' && data.hint !== '' ? data.hint : undefined;
  if (typeof e.code === 'string') return chatError(e.code, message, hint);
  // A JSON-RPC protocol fault (e.g. -32602: a message over the size limit): retrying changes nothing.
  if (typeof e.code === 'number')
    return {
      code: String(e.code),
      message: forPeople(message),
      ...(hint ? { hint: forPeople(hint) } : {}),
      actions: [],
    };
  return chatError('INTERNAL', message, 'See "Switchboard: Show Daemon Log" for details.');
}

/** The text that streamed before a failure, when the daemon (or the client) attached it. */
export function partialTextOf(error: unknown): string | undefined {
  const data = (error as { data?: { partialText?: unknown } } | null)?.data;
  return typeof data?.partialText === 'string' ? data.partialText : undefined;
}

/** The error's stable code, if it has one. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
