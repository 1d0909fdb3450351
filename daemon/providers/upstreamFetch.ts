/**
 * The `fetch` both SDKs are given (`new OpenAI({ fetch })`, `new Anthropic({ fetch })`), and the
 * rate-limit header parser. It sits on the hot path of every upstream request, so a successful
 * response costs one wrapper stream and a timer re-armed about once per idle period, never a
 * timer or allocation per chunk.
 *
 * What it adds to the SDKs:
 * - an idle deadline on the body: the SDKs' `timeout` only covers the wait for headers (both clear
 *   their timer when `fetch` resolves), so a stream that stalls after its first bytes would hang
 *   forever; here it errors with {@link UpstreamIdleTimeout} and the socket is closed;
 * - no retry of a quota-exhausted 429 (`insufficient_quota`, spend limit): retrying cannot help
 *   and burns the caller's time, so the response gets `x-should-retry: false`, which both SDKs'
 *   `shouldRetry()` obey before looking at the status;
 * - no long retry sleeps: openai@6 sleeps for any `retry-after` it is sent (no 60 s ceiling any
 *   more) without watching the abort signal, and @anthropic-ai/sdk@1 for up to 2^31 ms. A wait
 *   above `maxRetryWaitMs` is not slept through: the 429/5xx is surfaced as is (RATE_LIMITED with
 *   its `retryAfterMs`) so the caller decides.
 */
import type { RateLimitInfo } from './adapter';

/** The upstream sent no byte for longer than the connection's `timeoutMs` while we waited for one. */
export class UpstreamIdleTimeout extends Error {
  // Not 'AbortError': the SDKs' stream iterators swallow AbortErrors and end as if complete.
  override readonly name = 'UpstreamIdleTimeout';
  constructor(readonly timeoutMs: number) {
    super(`no data from the upstream for ${timeoutMs} ms`);
  }
}

/** The longest retry wait the SDKs may sleep through, whatever the connection's timeout. */
export const RETRY_WAIT_CAP_MS = 60_000;

export interface UpstreamFetchOptions {
  /** Longest silence allowed while the consumer waits for body bytes. */
  idleTimeoutMs: number;
  /** A `retry-after` above this is surfaced instead of slept through. */
  maxRetryWaitMs: number;
}

type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function createUpstreamFetch(opts: UpstreamFetchOptions): FetchFn {
  return async (input, init) => {
    // Looked up per call (not captured) so the global stays the one source of fetch.
    const res = await globalThis.fetch(input, init);
    if (res.ok) return res.body ? withIdleTimeout(res, opts.idleTimeoutMs) : res;
    if (res.status === 429 || res.headers.has('retry-after') || res.headers.has('retry-after-ms')) {
      return gateRetry(res, opts.maxRetryWaitMs);
    }
    return res;
  };
}

/** True when an error body says the account is out of quota or credit (no retry can help). */
export function isQuotaExhausted(text: string): boolean {
  return /insufficient_quota|exceeded your current quota|billing_hard_limit|spend(?:ing)? limit|credit balance is too low/i.test(text);
}

/** Milliseconds the upstream asks us to wait, from `retry-after-ms` or `retry-after` (seconds or HTTP date). */
export function retryAfterMs(headers: Headers | undefined | null): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms) {
    const n = Number.parseFloat(ms);
    if (Number.isFinite(n) && n >= 0) return Math.round(n);
  }
  const after = headers?.get('retry-after');
  if (!after) return undefined;
  const seconds = Number(after.trim());
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const at = Date.parse(after);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function gateRetry(res: Response, maxRetryWaitMs: number): Promise<Response> {
  const wait = retryAfterMs(res.headers);
  let stop = wait !== undefined && wait > maxRetryWaitMs;
  let text: string | undefined;
  if (!stop && res.status === 429) {
    // Error bodies are small and this is off the success path: reading it is the only way to
    // tell a quota (never retry) from a rate limit (retry after the wait).
    text = await res.text();
    stop = isQuotaExhausted(text);
  }
  if (!stop && text === undefined) return res;
  const headers = new Headers(res.headers);
  if (stop) headers.set('x-should-retry', 'false');
  return new Response(text ?? res.body, { status: res.status, statusText: res.statusText, headers });
}

/**
 * Re-exposes the body through a stream that fails with UpstreamIdleTimeout when a read waits
 * longer than `ms`. Time the consumer spends not reading does not count (backpressure is not the
 * upstream's fault). One timer per stream, re-armed only when it fires.
 */
function withIdleTimeout(res: Response, ms: number): Response {
  const reader = res.body!.getReader();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitingSince = 0; // performance.now() when the pending read began; 0 = none pending
  let finished = false;

  const finish = () => {
    finished = true;
    waitingSince = 0;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const check = () => {
    timer = undefined;
    if (finished || waitingSince === 0) return; // the next read re-arms
    const idle = performance.now() - waitingSince;
    if (idle < ms) {
      timer = setTimeout(check, ms - idle);
      return;
    }
    finish();
    const error = new UpstreamIdleTimeout(ms);
    controller.error(error);
    reader.cancel(error).catch(() => {}); // closes the socket
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        waitingSince = performance.now();
        if (timer === undefined) timer = setTimeout(check, ms);
        try {
          const r = await reader.read();
          if (finished) return;
          waitingSince = 0;
          if (r.done) {
            finish();
            c.close();
          } else c.enqueue(r.value);
        } catch (error) {
          if (finished) return;
          finish();
          c.error(error);
        }
      },
      cancel(reason) {
        finish();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * Rate-limit figures from a response's headers: OpenAI `x-ratelimit-*` (resets as durations like
 * `6m0s`) or Anthropic `anthropic-ratelimit-*` (resets as RFC 3339 times). Undefined when absent.
 */
export function parseRateLimits(headers: Headers): RateLimitInfo | undefined {
  const now = Date.now();
  if (headers.has('x-ratelimit-limit-requests') || headers.has('x-ratelimit-limit-tokens')) {
    return compact({
      requestsLimit: int(headers.get('x-ratelimit-limit-requests')),
      requestsRemaining: int(headers.get('x-ratelimit-remaining-requests')),
      requestsReset: durationToIso(headers.get('x-ratelimit-reset-requests'), now),
      tokensLimit: int(headers.get('x-ratelimit-limit-tokens')),
      tokensRemaining: int(headers.get('x-ratelimit-remaining-tokens')),
      tokensReset: durationToIso(headers.get('x-ratelimit-reset-tokens'), now),
    });
  }
  if (headers.has('anthropic-ratelimit-requests-limit') || headers.has('anthropic-ratelimit-tokens-limit')) {
    return compact({
      requestsLimit: int(headers.get('anthropic-ratelimit-requests-limit')),
      requestsRemaining: int(headers.get('anthropic-ratelimit-requests-remaining')),
      requestsReset: dateToIso(headers.get('anthropic-ratelimit-requests-reset')),
      tokensLimit: int(headers.get('anthropic-ratelimit-tokens-limit')),
      tokensRemaining: int(headers.get('anthropic-ratelimit-tokens-remaining')),
      tokensReset: dateToIso(headers.get('anthropic-ratelimit-tokens-reset')),
    });
  }
  return undefined;
}

function int(v: string | null): number | undefined {
  if (v === null) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** OpenAI's Go-style durations (`1s`, `6m0s`, `20ms`, `1h2m3.5s`) → the ISO time they end. */
export function durationToIso(v: string | null, now = Date.now()): string | undefined {
  if (!v) return undefined;
  let total = 0;
  let matched = false;
  for (const m of v.matchAll(DURATION_PART)) {
    total += Number.parseFloat(m[1]!) * UNIT_MS[m[2]!]!;
    matched = true;
  }
  return matched ? new Date(now + total).toISOString() : undefined;
}

function dateToIso(v: string | null): string | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function compact(info: RateLimitInfo): RateLimitInfo {
  for (const k of Object.keys(info) as (keyof RateLimitInfo)[]) if (info[k] === undefined) delete info[k];
  return info;
}
