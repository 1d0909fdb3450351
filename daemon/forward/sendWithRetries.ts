/**
 * Sending a request to an upstream until it answers 2xx, as the SDKs would: the forwarding path's
 * requests (forwarder.ts) and the adapters' streamed chats (adapterRequest.ts) go through here, over node:http (upstreamCall.ts), with one deadline across the attempts and the
 * upstream's error reply mapped at the one boundary (providers/upstreamErrors.ts).
 */
import type { RateLimitReport } from '../chat/ports';
import type { ResolvedConnection } from '../providers/adapter';
import { backoffMs, sleep } from '../providers/transport/retryPolicy';
import {
  isQuotaExhausted,
  RETRY_WAIT_CAP_MS,
  retryAfterMs,
  UpstreamIdleTimeout,
} from '../providers/transport/upstreamFetch';
import {
  headDeadlineError,
  scrub,
  unwrapErrorList,
  upstreamReplyError,
  type UpstreamErrorContext,
} from '../providers/upstreamErrors';
import type { SwitchboardError } from '../../shared/errors';
import { answerRateLimits } from './rateLimitReport';
import { parseJson } from './parseJson';
import { headerOf, readBody, webHeaders, type UpstreamAnswer } from './upstreamCall';

/** The formats whose error replies the daemon reads (and can relay). */
export type ReplyWire = 'openai' | 'anthropic';

/** A relayable upstream error reply, in the client's own format, keys scrubbed. */
export interface UpstreamReply {
  status: number;
  contentType: string;
  body: string;
}

export interface SendOptions {
  /** Every answer's rate limits, errors included (a 429 says best that nothing is left). */
  onRateLimits(report: RateLimitReport): void;
  /**
   * Told the upstream's own reply behind the error about to be thrown, when it may go to a client
   * of the same format as is: a 4xx the upstream blamed on the request, JSON, keys scrubbed.
   */
  onReply?(error: SwitchboardError, reply: UpstreamReply): void;
}

/** Not relayed as is: 401/403/407 are about the connection's key, not the client's; a 429 is the daemon's limits' to say. */
const NOT_RELAYED_STATUS = new Set([401, 403, 407, 429]);

/**
 * Sends until the upstream answers 2xx, retrying what the SDKs retry (connection failures, 408,
 * 409, 429, 5xx) up to `maxRetries` times, never a quota error, a `x-should-retry: false` or a
 * retry-after past the connection's timeout. Throws the mapped error of the last failure.
 *
 * The connection's timeout is one deadline for the answer's head across all attempts, not one per
 * attempt: a silent upstream costs the timeout once, not once per retry plus the backoffs. An
 * attempt waits only for what is left of it, and no retry starts whose backoff would end past it.
 */
export async function sendWithRetries(
  wire: ReplyWire,
  conn: ResolvedConnection,
  call: (headMs: number) => Promise<UpstreamAnswer>,
  ctx: UpstreamErrorContext,
  signal: AbortSignal,
  options: SendOptions,
): Promise<UpstreamAnswer> {
  const deadline = performance.now() + conn.timeoutMs;
  const left = () => deadline - performance.now();
  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < conn.maxRetries;
    let answer: UpstreamAnswer;
    try {
      answer = await call(Math.max(1, Math.round(left())));
    } catch (error) {
      const backoff = backoffMs(attempt);
      if (canRetry && !signal.aborted && isRetryableFailure(error) && backoff < left()) {
        await sleep(backoff, signal);
        continue;
      }
      if (error instanceof UpstreamIdleTimeout && !signal.aborted) throw headDeadlineError(conn, attempt + 1, ctx);
      throw error;
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const report = answerRateLimits(answer);
    if (report) options.onRateLimits(report);
    let text: string;
    try {
      text = (await readBody(answer, conn.timeoutMs)).toString('utf8');
    } finally {
      answer.release();
    }
    const status = answer.status;
    const headers = webHeaders(answer.headers);
    const wait = retryAfterMs(headers);
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    const pause = wait ?? backoffMs(attempt);
    if (
      canRetry &&
      retryable &&
      headers.get('x-should-retry') !== 'false' &&
      !isQuotaExhausted(text) &&
      pause <= RETRY_WAIT_CAP_MS &&
      pause < left()
    ) {
      await sleep(pause, signal);
      continue;
    }
    const clean = scrub(text, conn.apiKey);
    const json = parseJson(clean);
    const error = upstreamReplyError(wire, status, json ?? clean, headers, ctx);
    if (options.onReply && json !== undefined && status >= 400 && status < 500 && !NOT_RELAYED_STATUS.has(status)) {
      // Google's list-wrapped error (`[{"error": …}]`) is unwrapped: OpenAI SDKs read only an `error` member.
      const body = wire === 'openai' && unwrapErrorList(json) !== json ? JSON.stringify(unwrapErrorList(json)) : clean;
      options.onReply(error, {
        status,
        contentType: headerOf(answer.headers, 'content-type') ?? 'application/json',
        body,
      });
    }
    throw error;
  }
}

/** Failures worth another try: the connection, not the request (as the SDKs' APIConnectionError). */
function isRetryableFailure(error: unknown): boolean {
  if (error instanceof UpstreamIdleTimeout) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT';
}
