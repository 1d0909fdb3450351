/**
 * Errors of the OpenAI-compatible endpoint in OpenAI's own JSON shape and HTTP status, so that
 * OpenAI SDKs raise the exception a tool already handles (AuthenticationError, RateLimitError, …).
 */
import type { ServerResponse } from 'node:http';
import { ErrorCode, type SwitchboardError } from '../../shared/errors';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.CONNECTION_NOT_FOUND]: 404,
  [ErrorCode.NO_CONNECTION]: 404,
  // The connection exists and the caller may ask for it; it is the owner's choice that it serves nothing now.
  [ErrorCode.CONNECTION_DISABLED]: 403,
  [ErrorCode.MODEL_NOT_FOUND]: 404,
  [ErrorCode.MODEL_NOT_ALLOWED]: 403,
  [ErrorCode.VALIDATION]: 400,
  [ErrorCode.SECRET_MISSING]: 424,
  [ErrorCode.UNAUTHORIZED]: 401,
  // The daemon's own caller is authenticated; the upstream rejected *its* key: a gateway failure, not the caller's 401.
  [ErrorCode.INVALID_API_KEY]: 502,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.BUDGET_EXCEEDED]: 429,
  [ErrorCode.UNREACHABLE]: 502,
  [ErrorCode.TIMEOUT]: 504,
  [ErrorCode.UPSTREAM_ERROR]: 502,
  [ErrorCode.INCOMPLETE]: 502,
  [ErrorCode.CANCELLED]: 499,
};

const TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
};

export function statusOf(error: SwitchboardError): number {
  return STATUS[error.code] ?? 500;
}

/** The OpenAI error body for an error (message already redacted by whoever built it). */
export function openaiErrorBody(message: string, status: number, code: string | null, param: string | null = null) {
  return {
    error: { message, type: TYPE[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param, code },
  };
}

/** Sends the error in OpenAI's shape; `statusOverride` for a refusal whose status the code does not say (413, 415). */
export function sendOpenAIError(res: ServerResponse, error: SwitchboardError, statusOverride?: number): void {
  const status = statusOverride ?? statusOf(error);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.code === ErrorCode.RATE_LIMITED && typeof error.data.retryAfterMs === 'number') {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.data.retryAfterMs / 1000)));
    headers['retry-after-ms'] = String(Math.ceil(error.data.retryAfterMs));
  }
  const message = `${error.message} ${error.data.hint}`.trim();
  const body = openaiErrorBody(
    message,
    status,
    error.code.toLowerCase(),
    typeof error.data.field === 'string' ? error.data.field : null,
  );
  // A spent budget is OpenAI's "quota" case, not a rate limit: the same 429 with type and code
  // `insufficient_quota` and no retry-after, so a tool does not retry in a loop until the period ends.
  // `x-should-retry: false` tells the OpenAI SDKs the same.
  if (error.code === ErrorCode.BUDGET_EXCEEDED) {
    body.error = { ...body.error, type: 'insufficient_quota', code: 'insufficient_quota' };
    headers['x-should-retry'] = 'false';
  }
  sendJson(res, status, body, headers);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}
