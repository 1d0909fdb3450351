/**
 * Error codes of the protocol, listed once.
 *
 * Protocol faults use the JSON-RPC 2.0 numeric codes. Application errors all use
 * {@link APPLICATION_ERROR} as the numeric code and carry a stable string in `error.data.code`, plus a
 * `hint` a person can act on. Clients branch on `data.code`, never on message text.
 */
import type { Usage } from './protocol/types';

/** JSON-RPC 2.0 numeric codes (spec section 5.1). */
export const JsonRpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
} as const;

/** Numeric code used for every application error; the string in `data.code` says which. */
export const APPLICATION_ERROR = -32000;

/** Every application error code, with what it means. */
export const ErrorCode = {
  /** No connection has the given id. */
  CONNECTION_NOT_FOUND: 'CONNECTION_NOT_FOUND',
  /** The request named no connection and there is no workspace choice and no default. */
  NO_CONNECTION: 'NO_CONNECTION',
  /**
   * The connection is switched off (`enabled: false`): resolution, routing and fallbacks pass it
   * over. Turning it on again (`connections/update` `{enabled: true}`) is the fix.
   */
  CONNECTION_DISABLED: 'CONNECTION_DISABLED',
  /** Another connection already has this name (names are unique, case-insensitively). */
  DUPLICATE_NAME: 'DUPLICATE_NAME',
  /** A field failed validation; `data.field` names it. */
  VALIDATION: 'VALIDATION',
  /** The connection needs a key and the daemon does not hold one. */
  SECRET_MISSING: 'SECRET_MISSING',
  /** The caller is not allowed to do this. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The provider rejected the key (HTTP 401). */
  INVALID_API_KEY: 'INVALID_API_KEY',
  /**
   * The provider refused the request with this key (HTTP 403), or the caller's tool token does not
   * allow it (a method that needs the owner token, a connection outside the token's scope).
   */
  FORBIDDEN: 'FORBIDDEN',
  /** No tool token has the given id (`tokens/revoke`). */
  TOKEN_NOT_FOUND: 'TOKEN_NOT_FOUND',
  /** The provider does not know the model; `data.model` names it. */
  MODEL_NOT_FOUND: 'MODEL_NOT_FOUND',
  /** The connection's `allowedModels` does not include the model. */
  MODEL_NOT_ALLOWED: 'MODEL_NOT_ALLOWED',
  /** A rate limit was hit (upstream 429 or a configured capacity); `data.retryAfterMs` says when to retry. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A configured budget would be exceeded. */
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  /** The provider could not be reached (refused, DNS, TLS). */
  UNREACHABLE: 'UNREACHABLE',
  /** The provider did not answer in time. */
  TIMEOUT: 'TIMEOUT',
  /** The provider failed; `data.status` is its HTTP status. */
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  /** The stream ended without its terminator; `data.partialText` holds what arrived. */
  INCOMPLETE: 'INCOMPLETE',
  /** The request was cancelled (chat/cancel, client gone, or deadline). */
  CANCELLED: 'CANCELLED',
  /** The stream id is already in use by a running stream. */
  STREAM_EXISTS: 'STREAM_EXISTS',
  /** The provider id is not in the catalog. */
  PROVIDER_NOT_FOUND: 'PROVIDER_NOT_FOUND',
  /** A built-in provider cannot be changed or deleted, or a provider in use cannot be deleted. */
  PROVIDER_IN_USE: 'PROVIDER_IN_USE',
  /** The daemon could not write its store; nothing was changed. */
  STORE_FAILED: 'STORE_FAILED',
  /**
   * A sign-in (OAuth PKCE, e.g. "Sign in with OpenRouter") did not give a key: the answer's `state`
   * did not match the sign-in that was started, the code was expired or already used, or the
   * provider refused the exchange (`data.status`). Nothing was stored; signing in again is the fix.
   */
  OAUTH_EXCHANGE_FAILED: 'OAUTH_EXCHANGE_FAILED',
} as const;

/** A stable application error code. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The `data` member of an application error on the wire. */
export interface ErrorData {
  /** Stable code; branch on this. */
  code: ErrorCode;
  /** What a person can do about it. */
  hint: string;
  /** The field at fault (VALIDATION). */
  field?: string;
  /** Milliseconds until a retry may succeed (RATE_LIMITED). */
  retryAfterMs?: number;
  /** Upstream HTTP status (UPSTREAM_ERROR and other upstream-mapped errors). */
  status?: number;
  /** The model at fault (MODEL_NOT_FOUND, MODEL_NOT_ALLOWED). */
  model?: string;
  /** The connection the error is about. */
  connectionId?: string;
  /** Text that streamed before the failure (INCOMPLETE, CANCELLED). */
  partialText?: string;
  /**
   * Tokens the request used before it ended (CANCELLED, INCOMPLETE…), as recorded in the usage
   * ledger; `estimated: true` when the upstream never reported them (see `Usage.estimated`).
   */
  usage?: Usage;
  /** US dollars of `usage`; `null` when the model's price is unknown. */
  costUsd?: number | null;
  /** Further details, never containing a key. */
  [extra: string]: unknown;
}

/** A typed application error. Thrown by daemon handlers, rebuilt by clients from the wire. */
export class SwitchboardError extends Error {
  override readonly name = 'SwitchboardError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly data: Omit<ErrorData, 'code'> & { hint: string },
  ) {
    super(message);
  }

  /** The `data` member as sent on the wire. */
  toData(): ErrorData {
    return { ...this.data, code: this.code };
  }
}

/** True when a JSON-RPC error object carries an application error code. */
export function isApplicationErrorData(data: unknown): data is ErrorData {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { code?: unknown }).code === 'string' &&
    (data as { code: string }).code in ErrorCode
  );
}
