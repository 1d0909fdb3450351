/**
 * The pure parts of the error boundary and of the fetch wrapper: network error codes the mock
 * cannot produce (DNS, TLS), header parsing, and the key scrub.
 */
import { APIConnectionError, AuthenticationError, RateLimitError } from 'openai';
import { describe, expect, it } from 'vitest';
import { findBuiltIn } from '../../../daemon/catalog/builtInProviders';
import { MAX_RETRY_AFTER_MS, scrubKey, toSwitchboardError } from '../../../daemon/providers/upstreamErrors';
import {
  durationToIso,
  isQuotaExhausted,
  parseRateLimits,
  retryAfterMs,
} from '../../../daemon/providers/transport/upstreamFetch';
import { ErrorCode } from '../../../shared/errors';
import { CANARY_KEY, fragmentsOf, makeConn } from './helpers';

const conn = makeConn('openai', 'https://api.example.test/v1', { apiKey: CANARY_KEY });
const withCode = (code: string) =>
  new APIConnectionError({
    cause: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`boom ${code}`), { code }) }),
  });

describe('toSwitchboardError', () => {
  it.each([
    ['ENOTFOUND', ErrorCode.UNREACHABLE, /could not be resolved/],
    ['ECONNREFUSED', ErrorCode.UNREACHABLE, /connection refused/],
    ['ECONNRESET', ErrorCode.UNREACHABLE, /closed before an answer/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', ErrorCode.UNREACHABLE, /TLS/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', ErrorCode.UNREACHABLE, /TLS/],
    ['UND_ERR_CONNECT_TIMEOUT', ErrorCode.TIMEOUT, /timed out/],
  ])('maps %s before any output to %s', (code, expected, message) => {
    const error = toSwitchboardError(withCode(code), { conn });
    expect(error.code).toBe(expected);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('https://api.example.test/v1');
  });

  it('finds the code inside an AggregateError (one error per address tried)', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:11434'), { code: 'ECONNREFUSED' });
    const error = toSwitchboardError(
      new APIConnectionError({
        cause: Object.assign(new TypeError('fetch failed'), { cause: new AggregateError([inner]) }),
      }),
      { conn },
    );
    expect(error.code).toBe(ErrorCode.UNREACHABLE);
  });

  it('maps a connection lost once the answer started to INCOMPLETE with the partial text', () => {
    const error = toSwitchboardError(withCode('ECONNRESET'), { conn, started: true, partialText: 'half an ans' });
    expect(error.code).toBe(ErrorCode.INCOMPLETE);
    expect(error.data.partialText).toBe('half an ans');
  });

  it('maps a malformed event (not JSON) to UPSTREAM_ERROR, not INCOMPLETE', () => {
    const error = toSwitchboardError(new SyntaxError('Unexpected token < in JSON'), {
      conn,
      started: true,
      partialText: 'ab',
    });
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(error.data.partialText).toBe('ab');
  });

  it('maps anything once the signal aborted to CANCELLED', () => {
    const ac = new AbortController();
    ac.abort();
    expect(toSwitchboardError(withCode('ECONNRESET'), { conn, signal: ac.signal, partialText: 'x' }).code).toBe(
      ErrorCode.CANCELLED,
    );
  });

  it('caps retryAfterMs at an hour and reads HTTP dates', () => {
    const huge = new RateLimitError(429, { message: 'slow down' }, undefined, new Headers({ 'retry-after': '999999' }));
    expect(toSwitchboardError(huge, { conn }).data.retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
    const date = new Date(Date.now() + 30_000).toUTCString();
    const dated = new RateLimitError(429, { message: 'slow down' }, undefined, new Headers({ 'retry-after': date }));
    expect(toSwitchboardError(dated, { conn }).data.retryAfterMs).toBeGreaterThan(25_000);
  });

  it('scrubs the connection key from upstream messages even when the redactor does not know it', () => {
    const echo = new RateLimitError(
      429,
      { message: `key ${CANARY_KEY} and its ends ${CANARY_KEY.slice(0, 12)}***${CANARY_KEY.slice(-10)}` },
      undefined,
      new Headers(),
    );
    const error = toSwitchboardError(echo, { conn });
    const shown = `${error.message} ${JSON.stringify(error.toData())}`;
    for (const f of fragmentsOf(CANARY_KEY)) expect(shown).not.toContain(f);
  });

  it('names the connection as the person named it, not its provider type; a draft without a name by its provider', () => {
    const local = makeConn('custom', 'http://127.0.0.1:8080/v1', { name: 'Local OpenAI' });
    const refused = toSwitchboardError(new AuthenticationError(401, { message: 'no' }, undefined, new Headers()), {
      conn: local,
    });
    expect(refused.message).toBe('Local OpenAI rejected the key (401).');
    const limited = toSwitchboardError(new RateLimitError(429, { message: 'slow down' }, undefined, new Headers()), {
      conn: local,
    });
    expect(limited.message).toBe("Local OpenAI hit the provider's rate limit (429): slow down");
    const unreachable = toSwitchboardError(withCode('ECONNREFUSED'), { conn: local });
    expect(unreachable.message).toBe('Could not reach Local OpenAI at http://127.0.0.1:8080/v1: connection refused.');
    // Which kind of server to start stays the provider's business.
    expect(unreachable.data.hint).toMatch(/server \(e\.g\. Custom \(OpenAI-compatible\)\)|server \(e\.g\. Ollama\)/);
    for (const e of [refused, limited, unreachable]) expect(e.message).not.toContain('Custom (OpenAI-compatible)');
    const draft = makeConn('custom', 'http://127.0.0.1:8080/v1', { name: '  ' });
    expect(
      toSwitchboardError(new AuthenticationError(401, { message: 'no' }, undefined, new Headers()), { conn: draft })
        .message,
    ).toBe('Custom (OpenAI-compatible) rejected the key (401).');
  });

  it('names the docs link in the 401 hint', () => {
    const error = toSwitchboardError(new AuthenticationError(401, { message: 'no' }, undefined, new Headers()), {
      conn,
    });
    expect(error.code).toBe(ErrorCode.INVALID_API_KEY);
    expect(error.data.hint).toBe(
      `Check the key at ${findBuiltIn('openai')!.docsUrl} and that it belongs to this provider, then replace it.`,
    );
    // Shown after the message ("… rejected the key (401). <hint>"): the hint must not say it again.
    expect(error.data.hint).not.toMatch(/rejected|401/);
  });
});

describe('scrubKey', () => {
  it('keeps text that shares no 8-character run with the key', () => {
    expect(scrubKey('Incorrect API key provided.', CANARY_KEY)).toBe('Incorrect API key provided.');
  });

  it('replaces the key and any long run of it', () => {
    const out = scrubKey(`a ${CANARY_KEY} b ${CANARY_KEY.slice(3, 20)} c`, CANARY_KEY);
    for (const f of fragmentsOf(CANARY_KEY)) expect(out).not.toContain(f);
    expect(out).toMatch(/^a …\w{4} b … c$/);
  });
});

describe('rate-limit headers', () => {
  it('parses OpenAI durations into reset times', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(durationToIso('1s', now)).toBe('2025-01-01T00:00:01.000Z');
    expect(durationToIso('6m0s', now)).toBe('2025-01-01T00:06:00.000Z');
    expect(durationToIso('20ms', now)).toBe('2025-01-01T00:00:00.020Z');
    expect(durationToIso('1h2m3.5s', now)).toBe('2025-01-01T01:02:03.500Z');
    expect(durationToIso('soon', now)).toBeUndefined();
  });

  it('reads OpenAI and Anthropic header sets', () => {
    const openai = parseRateLimits(
      new Headers({
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '499',
        'x-ratelimit-reset-requests': '120ms',
        'x-ratelimit-limit-tokens': '30000',
      }),
    );
    expect(openai).toMatchObject({ requestsLimit: 500, requestsRemaining: 499, tokensLimit: 30_000 });
    expect(openai).not.toHaveProperty('tokensRemaining');
    const anthropic = parseRateLimits(
      new Headers({
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2025-01-01T00:01:00Z',
      }),
    );
    expect(anthropic).toEqual({ requestsLimit: 50, requestsRemaining: 49, requestsReset: '2025-01-01T00:01:00.000Z' });
    expect(parseRateLimits(new Headers({ 'content-type': 'text/event-stream' }))).toBeUndefined();
  });

  it('reads retry-after-ms, retry-after seconds and dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }))).toBe(1_500);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }))).toBe(0);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });

  it('tells quota exhaustion from a rate limit', () => {
    expect(isQuotaExhausted('{"error":{"code":"insufficient_quota"}}')).toBe(true);
    expect(isQuotaExhausted('Your credit balance is too low to access the Anthropic API.')).toBe(true);
    expect(isQuotaExhausted('Rate limit reached for gpt-4o on requests per min')).toBe(false);
  });
});
