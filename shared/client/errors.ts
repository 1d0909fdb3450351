/**
 * The errors a client sees, and the one place that turns a JSON-RPC error object from the wire into
 * one of them. Callers branch on `SwitchboardError.code` or `RpcError.code`, never on message text.
 */
import { APPLICATION_ERROR, ErrorCode, isApplicationErrorData, SwitchboardError, type ErrorData } from '../errors';

/**
 * A JSON-RPC protocol fault (parse error, invalid request, method not found, invalid params, internal
 * error). For `-32602` (invalid params) `data.field` names the offending field.
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    /** The JSON-RPC numeric code (see `JsonRpcCode`). */
    readonly code: number,
    message: string,
    /** The error's `data` member as sent, if any. */
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** Why the daemon could not be reached or the connection ended. */
export type DaemonUnavailableReason =
  /** No `daemon.json` in the home. */
  | 'not-running'
  /** `daemon.json` names a process that has exited (the daemon crashed). */
  | 'stale'
  /** `daemon.json` is unreadable or malformed. */
  | 'invalid-info'
  /** Neither the socket nor the TCP port accepted the connection. */
  | 'refused'
  /** The TCP listener rejected the token. */
  | 'unauthorized'
  /** The daemon speaks an incompatible protocol major version. */
  | 'incompatible'
  /** The connection closed (by either side) before the request was answered. */
  | 'closed';

/**
 * The daemon is not there: not running, unreachable, or the connection closed. A
 * {@link SwitchboardError} with code `UNREACHABLE`, so generic handlers treat it like any other
 * application error, plus `reason` for tools that act on it (e.g. start the daemon on `not-running`).
 */
export class DaemonUnavailableError extends SwitchboardError {
  constructor(
    /** What went wrong. */
    readonly reason: DaemonUnavailableReason,
    message: string,
    hint: string,
  ) {
    super(ErrorCode.UNREACHABLE, message, { hint, reason });
  }
}

/** How to start the daemon, in every message that says it is not there. */
export const START_HINT = 'Start it with `npm start` or `switchboard daemon start`.';

/**
 * Rebuilds an error from a JSON-RPC error object: a {@link SwitchboardError} for application errors
 * (`code` -32000 with a known `data.code`), an {@link RpcError} for everything else.
 */
export function errorFromWire(error: { code: number; message: string; data?: unknown }): SwitchboardError | RpcError {
  if (error.code === APPLICATION_ERROR && isApplicationErrorData(error.data)) {
    const { code, ...rest } = error.data as ErrorData;
    // The daemon always sends a hint; tolerate one without so a bug there never crashes a client here.
    return new SwitchboardError(code, error.message, { ...rest, hint: typeof rest.hint === 'string' ? rest.hint : '' });
  }
  return new RpcError(error.code, error.message, error.data);
}

/** The request took longer than its timeout; the daemon may still be working on it. */
export function timeoutError(method: string, timeoutMs: number): SwitchboardError {
  return new SwitchboardError(ErrorCode.TIMEOUT, `The daemon did not answer ${method} within ${timeoutMs} ms.`, {
    hint: 'The daemon may be overloaded or stuck: check `switchboard daemon status`, or pass a longer timeoutMs.',
    method,
    timeoutMs,
  });
}

/** The caller aborted the request (AbortSignal or `ChatReply.cancel()`). */
export function cancelledError(method: string, partialText?: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.CANCELLED, `${method} was cancelled.`, {
    hint: 'The request was cancelled by the caller; send it again to retry.',
    method,
    ...(partialText === undefined ? {} : { partialText }),
  });
}
