/**
 * The `fetch` both SDKs are given (`new OpenAI({ fetch })`, `new Anthropic({ fetch })`), and the
 * rate-limit header parser.
 *
 * What it adds to the SDKs:
 * - no retry of a quota-exhausted 429 (`insufficient_quota`, spend limit): retrying cannot help
 *   and burns the caller's time, so the response gets `x-should-retry: false`, which both SDKs'
 *   `shouldRetry()` obey before looking at the status;
 * - no long retry sleeps: openai@6 sleeps for any `retry-after` it is sent (no 60 s ceiling any
 *   more) without watching the abort signal, and @anthropic-ai/sdk@1 for up to 2^31 ms. A wait
 *   above `maxRetryWaitMs` is not slept through: the 429/5xx is surfaced as is (RATE_LIMITED with
 *   its `retryAfterMs`) so the caller decides;
 * - an idle deadline on JSON bodies (the models list): the SDKs' `timeout` only covers the wait for
 *   headers (both clear their timer when `fetch` resolves), so a body that stalls would hang;
 * - the rate-limit headers of every answer that is not a stream (429s, model lists) reported to
 *   `onRateLimits`, attempt by attempt, including the ones the SDKs retry.
 *
 * Underneath is {@link nodeFetch} (node:http with keep-alive, not undici). Streams
 * (`text/event-stream`) pass through untouched: the adapters read them off the raw Node body
 * (sseReader.ts), which also keeps their idle deadline.
 */
import type { RateLimitInfo } from '../adapter';
import { certificateAnswer, codeOf, isCertificateError } from './certificate';
import { nodeFetch } from './nodeFetch';

/** The upstream sent nothing (no event of a stream, no byte of a JSON body) for the connection's `timeoutMs` while we waited. */
export class UpstreamIdleTimeout extends Error {
  // Not 'AbortError': the SDKs' stream iterators swallow AbortErrors and end as if complete.
  override readonly name = 'UpstreamIdleTimeout';
  constructor(readonly timeoutMs: number) {
    super(`no data from the upstream for ${timeoutMs} ms`);
  }
}

/**
 * The upstream answered with a web page instead of an API answer: a captive portal (hotel or airport
 * Wi-Fi sign-in), a proxy's page, or a website because the base URL points at one.
 */
export class NotAnApiAnswer extends Error {
  override readonly name = 'NotAnApiAnswer';
  constructor(
    readonly status: number,
    readonly contentType: string,
  ) {
    super(`the upstream answered ${status} with ${contentType}, not an API answer`);
  }
}

/** Throws {@link NotAnApiAnswer} when a successful answer is an HTML page; APIs answer JSON or event streams. */
export function assertApiAnswer(response: Response): void {
  assertApiContentType(response.status, response.headers.get('content-type'));
}

/** {@link assertApiAnswer} on an answer's status and content type. */
export function assertApiContentType(status: number, type: string | null | undefined): void {
  if (typeof type === 'string' && /html/i.test(type)) throw new NotAnApiAnswer(status, type.split(';')[0]!.trim());
}

/** The longest retry wait the SDKs may sleep through, whatever the connection's timeout. */
export const RETRY_WAIT_CAP_MS = 60_000;

export interface UpstreamFetchOptions {
  /** Longest silence allowed while the consumer waits for body bytes. */
  idleTimeoutMs: number;
  /** A `retry-after` above this is surfaced instead of slept through. */
  maxRetryWaitMs: number;
  /**
   * Told the rate-limit figures of every answer that is not a successful event stream: errors
   * (a 429 says best what is left), model lists. A stream's figures reach the adapter, which
   * reports them in its `rateLimits` chunk.
   */
  onRateLimits?: (info: RateLimitInfo) => void;
}

type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function createUpstreamFetch(opts: UpstreamFetchOptions): FetchFn {
  return async (input, init) => {
    let res: Response;
    try {
      res = await nodeFetch(input, init);
    } catch (error) {
      // Retrying cannot fix a certificate: answered so that the SDKs do not retry (certificate.ts).
      const code = codeOf(error);
      if (isCertificateError(code)) return certificateAnswer(code);
      throw error;
    }
    // Headers first: asking an event stream for its `body` would build the web stream nobody reads (nodeFetch.ts).
    const stream = res.ok && isEventStream(res.headers);
    if (!stream && opts.onRateLimits) {
      const limits = parseRateLimits(res.headers);
      if (limits) opts.onRateLimits(limits);
    }
    if (res.ok) return stream || !res.body ? res : withIdleTimeout(res, opts.idleTimeoutMs);
    const unusable = unusableRetryAfter(res.headers);
    const checked = unusable.length > 0 ? withoutHeaders(res, unusable) : res;
    if (checked.status === 429 || checked.headers.has('retry-after') || checked.headers.has('retry-after-ms')) {
      return gateRetry(checked, opts.maxRetryWaitMs);
    }
    return checked;
  };
}

function isEventStream(headers: Headers): boolean {
  return headers.get('content-type')?.startsWith('text/event-stream') === true;
}

/** True when an error body says the account is out of quota or credit (no retry can help). */
export function isQuotaExhausted(text: string): boolean {
  return /insufficient_quota|exceeded your current quota|billing_hard_limit|spend(?:ing)? limit|credit balance is too low/i.test(
    text,
  );
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

/**
 * The retry-after headers that give no usable wait (negative, or neither a number nor a date).
 * openai@6 sleeps for whatever they parse to — a negative or NaN wait is "retry now", three calls
 * in 20 ms; without them both SDKs use their normal exponential backoff.
 */
function unusableRetryAfter(headers: Headers): string[] {
  const out: string[] = [];
  const ms = headers.get('retry-after-ms');
  if (ms !== null && !(Number.parseFloat(ms) >= 0)) out.push('retry-after-ms');
  const after = headers.get('retry-after');
  if (after !== null && retryAfterMs(new Headers({ 'retry-after': after })) === undefined) out.push('retry-after');
  return out;
}

function withoutHeaders(res: Response, names: string[]): Response {
  const headers = new Headers(res.headers);
  for (const name of names) headers.delete(name);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
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
 * `6m0s`, counted from `receivedAt`: when the answer came, default now) or Anthropic
 * `anthropic-ratelimit-*` (resets as RFC 3339 times). Undefined when absent.
 */
export function parseRateLimits(headers: Pick<Headers, 'get'>, receivedAt?: number): RateLimitInfo | undefined {
  // One get() per header and no deletes.
  if (headers.get('x-ratelimit-limit-requests') !== null || headers.get('x-ratelimit-limit-tokens') !== null) {
    const now = receivedAt ?? Date.now();
    const info: RateLimitInfo = {};
    set(info, 'requestsLimit', int(headers.get('x-ratelimit-limit-requests')));
    set(info, 'requestsRemaining', int(headers.get('x-ratelimit-remaining-requests')));
    set(info, 'requestsReset', durationToIso(headers.get('x-ratelimit-reset-requests'), now));
    set(info, 'tokensLimit', int(headers.get('x-ratelimit-limit-tokens')));
    set(info, 'tokensRemaining', int(headers.get('x-ratelimit-remaining-tokens')));
    set(info, 'tokensReset', durationToIso(headers.get('x-ratelimit-reset-tokens'), now));
    return info;
  }
  if (
    headers.get('anthropic-ratelimit-requests-limit') !== null ||
    headers.get('anthropic-ratelimit-tokens-limit') !== null
  ) {
    const info: RateLimitInfo = {};
    set(info, 'requestsLimit', int(headers.get('anthropic-ratelimit-requests-limit')));
    set(info, 'requestsRemaining', int(headers.get('anthropic-ratelimit-requests-remaining')));
    set(info, 'requestsReset', dateToIso(headers.get('anthropic-ratelimit-requests-reset')));
    set(info, 'tokensLimit', int(headers.get('anthropic-ratelimit-tokens-limit')));
    set(info, 'tokensRemaining', int(headers.get('anthropic-ratelimit-tokens-remaining')));
    set(info, 'tokensReset', dateToIso(headers.get('anthropic-ratelimit-tokens-reset')));
    return info;
  }
  return undefined;
}

function set<K extends keyof RateLimitInfo>(info: RateLimitInfo, key: K, value: RateLimitInfo[K] | undefined): void {
  if (value !== undefined) info[key] = value;
}

function int(v: string | null): number | undefined {
  if (v === null) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** OpenAI's Go-style durations (`1s`, `6m0s`, `20ms`, `1h2m3.5s`) → the ISO time they end. */
export function durationToIso(v: string | null, now = Date.now()): string | undefined {
  if (!v) return undefined;
  let total = 0;
  let i = 0;
  while (i < v.length) {
    const start = i;
    while (i < v.length && ((v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) || v[i] === '.')) i++;
    if (i === start) return undefined;
    const unit = v[i] === 'm' && v[i + 1] === 's' ? 'ms' : v[i];
    const ms = unit === undefined ? undefined : UNIT_MS[unit];
    if (ms === undefined) return undefined;
    total += Number.parseFloat(v.slice(start, i)) * ms;
    i += unit!.length;
  }
  return new Date(now + total).toISOString();
}

function dateToIso(v: string | null): string | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
