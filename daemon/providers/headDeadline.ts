/**
 * The head of a streamed chat answer from a provider SDK (the Anthropic adapter: JSON-RPC
 * `chat/stream` and the translated HTTP paths to Anthropic connections), under one deadline across
 * retries (#14), as on the forwarding path (forward/sendWithRetries.ts): the connection's timeout covers every attempt together, so an upstream that never
 * answers costs it once, not once per attempt plus the backoffs, and the TIMEOUT says so.
 *
 * The SDK is called with `maxRetries: 0` and what is left of the deadline as its timeout; the
 * retries are made here, as the SDKs make them: connection failures and timeouts, 408, 409, 429 and
 * 5xx, after the answer's retry-after or the SDKs' backoff — never when the answer says
 * `x-should-retry: false` (upstreamFetch.ts adds it to quota errors, certificate errors and waits
 * past the cap), and no retry whose wait would end past the deadline.
 */
import {
  APIConnectionError as AnthropicConnectionError,
  APIConnectionTimeoutError as AnthropicTimeoutError,
  APIError as AnthropicAPIError,
  APIUserAbortError as AnthropicUserAbort,
} from '@anthropic-ai/sdk';
import {
  APIConnectionError as OpenAIConnectionError,
  APIConnectionTimeoutError as OpenAITimeoutError,
  APIError as OpenAIAPIError,
  APIUserAbortError as OpenAIUserAbort,
} from 'openai';
import type { ResolvedConnection } from './adapter';
import { backoffMs, sleep } from './transport/retryPolicy';
import { untilAborted } from './transport/untilAborted';
import { RETRY_WAIT_CAP_MS, retryAfterMs } from './transport/upstreamFetch';
import { headDeadlineError, type UpstreamErrorContext } from './upstreamErrors';

/**
 * Sends with `send(timeoutMs)` (one SDK call without retries, given the time left) until an answer's
 * head comes, retrying what the SDKs retry up to the connection's `maxRetries`. Rejects with the
 * last attempt's error, or TIMEOUT naming the attempts when the deadline passed.
 */
export async function headWithinDeadline<T>(
  conn: ResolvedConnection,
  signal: AbortSignal,
  send: (timeoutMs: number) => Promise<T>,
  ctx: () => UpstreamErrorContext,
): Promise<T> {
  const deadline = performance.now() + conn.timeoutMs;
  const left = () => deadline - performance.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await untilAborted(send(Math.max(1, Math.round(left()))), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      const wait = attempt < conn.maxRetries ? retryWait(error, attempt) : undefined;
      if (wait !== undefined && wait < left()) {
        await sleep(wait, signal);
        continue;
      }
      if (isTimeout(error)) throw headDeadlineError(conn, attempt + 1, ctx());
      throw error;
    }
  }
}

/** How long to wait before retrying after `error`; undefined when it is not worth another try. */
function retryWait(error: unknown, attempt: number): number | undefined {
  if (error instanceof OpenAIUserAbort || error instanceof AnthropicUserAbort) return undefined;
  // The connection, not the request (refused, reset, timed out): as the SDKs, retried after the backoff.
  if (error instanceof OpenAIConnectionError || error instanceof AnthropicConnectionError) return backoffMs(attempt);
  if (!(error instanceof OpenAIAPIError || error instanceof AnthropicAPIError)) return undefined;
  const headers = error.headers as Headers | undefined;
  const should = headers?.get('x-should-retry');
  if (should === 'false') return undefined;
  const status = error.status;
  const retryable =
    should === 'true' || status === 408 || status === 409 || status === 429 || (status !== undefined && status >= 500);
  if (!retryable) return undefined;
  const wait = retryAfterMs(headers) ?? backoffMs(attempt);
  return wait <= RETRY_WAIT_CAP_MS ? wait : undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof OpenAITimeoutError || error instanceof AnthropicTimeoutError;
}
