/**
 * Errors of the Anthropic-compatible endpoint (`/v1/messages`) in Anthropic's own JSON shape and
 * HTTP status — `{"type":"error","error":{"type":…,"message":…}}` — so the Anthropic SDKs (and
 * Claude Code) raise the exception they already handle (RateLimitError, NotFoundError, …).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ErrorCode, type SwitchboardError } from '../../shared/errors';
import { sendJson, statusOf } from './openaiErrors';

/** Anthropic's error types by status (docs: "HTTP errors"). */
const TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(status: number): string {
  return TYPE[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function anthropicErrorBody(status: number, message: string) {
  return {
    type: 'error',
    error: { type: anthropicErrorType(status), message },
    request_id: `req_sb${randomBytes(9).toString('base64url')}`,
  };
}

export function sendAnthropicError(res: ServerResponse, error: SwitchboardError, statusOverride?: number): void {
  const status = statusOverride ?? statusOf(error);
  const headers: Record<string, string> = {};
  if (error.code === ErrorCode.RATE_LIMITED && typeof error.data.retryAfterMs === 'number') {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.data.retryAfterMs / 1000)));
  }
  // A spent budget will not come back by retrying: the SDKs obey x-should-retry before the status.
  if (error.code === ErrorCode.BUDGET_EXCEEDED) headers['x-should-retry'] = 'false';
  sendJson(res, status, anthropicErrorBody(status, `${error.message} ${error.data.hint}`.trim()), headers);
}

/** The `error` event that ends a stream cut by `error` (the SDKs raise it as an APIError). */
export function anthropicErrorEvent(error: SwitchboardError): string {
  const status = statusOf(error);
  const body = anthropicErrorBody(status >= 500 ? status : 500, `${error.message} ${error.data.hint}`.trim());
  // Upstream overload keeps Anthropic's own type mid-stream, which clients retry.
  if (error.code === ErrorCode.UPSTREAM_ERROR && (error.data.status === 529 || error.data.status === 503))
    body.error.type = 'overloaded_error';
  return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
}
