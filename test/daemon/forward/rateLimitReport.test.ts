/**
 * A forwarded answer's rate limits (and the head facts they are found by) are handed over unparsed (read only when they are the latest of
 * their connection), but a reset sent as a duration still counts from when the answer came.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerRateLimits } from '../../../daemon/forward/rateLimitReport';
import { headFacts } from '../../../daemon/forward/upstreamCall';

afterEach(() => {
  vi.useRealTimers();
});

const answered = Date.parse('2026-01-01T00:00:00Z');

/** An answer with these headers, its head facts read from them as callUpstream reads them. */
function answerWith(headers: Record<string, string>) {
  return { rateLimited: headFacts(Object.entries(headers).flat()).rateLimited, headers };
}

function read(report: ReturnType<typeof answerRateLimits>) {
  expect(typeof report).toBe('function');
  return (report as () => unknown)();
}

describe('answerRateLimits of an answer', () => {
  it('counts OpenAI reset durations from the answer, not from when the report is read', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: answered });
    const report = answerRateLimits(
      answerWith({
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '499',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-limit-tokens': '30000',
        'x-ratelimit-remaining-tokens': '29000',
        'x-ratelimit-reset-tokens': '6m0s',
      }),
    );
    vi.setSystemTime(answered + 5_000); // read a while later
    expect(read(report)).toEqual({
      requestsLimit: 500,
      requestsRemaining: 499,
      requestsReset: '2026-01-01T00:00:01.000Z',
      tokensLimit: 30_000,
      tokensRemaining: 29_000,
      tokensReset: '2026-01-01T00:06:00.000Z',
    });
  });

  it('reads Anthropic headers', () => {
    const report = answerRateLimits(
      answerWith({
        'anthropic-ratelimit-tokens-limit': '80000',
        'anthropic-ratelimit-tokens-remaining': '79000',
        'anthropic-ratelimit-tokens-reset': '2026-01-01T00:01:00Z',
      }),
    );
    expect(read(report)).toEqual({
      tokensLimit: 80_000,
      tokensRemaining: 79_000,
      tokensReset: '2026-01-01T00:01:00.000Z',
    });
  });

  it('has no report for an answer without rate-limit headers, and no figures without a limit', () => {
    expect(answerRateLimits(answerWith({ 'content-type': 'text/event-stream' }))).toBeUndefined();
    expect(read(answerRateLimits(answerWith({ 'x-ratelimit-remaining-requests': '3' })))).toBeUndefined();
  });
});

describe('answerRateLimits', () => {
  /** An answer whose headers object counts its reads (node:http builds it on the first). */
  function answer(rateLimited: boolean, headers: Record<string, string>) {
    const reads = { count: 0 };
    return {
      reads,
      answer: {
        rateLimited,
        get headers() {
          reads.count++;
          return headers;
        },
      },
    };
  }

  it('reads the headers only when the report is read, and counts durations from the answer', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: answered });
    const { answer: a, reads } = answer(true, {
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-reset-requests': '1s',
    });
    const report = answerRateLimits(a);
    expect(reads.count).toBe(0);
    vi.setSystemTime(answered + 60_000);
    expect(read(report)).toMatchObject({
      requestsLimit: 500,
      requestsRemaining: 499,
      requestsReset: new Date(answered + 1_000).toISOString(),
    });
    expect(reads.count).toBeGreaterThan(0);
  });

  it('has no report, and reads nothing, for an answer without rate-limit headers', () => {
    const { answer: a, reads } = answer(false, { 'content-type': 'text/event-stream' });
    expect(answerRateLimits(a)).toBeUndefined();
    expect(reads.count).toBe(0);
  });
});

describe('headFacts', () => {
  it('finds the content type, the encodings and rate-limit headers in any case, as node:http would', () => {
    expect(
      headFacts([
        'Content-Type',
        'text/event-stream; charset=utf-8',
        'content-type',
        'text/html',
        'Content-Encoding',
        'gzip',
        'content-encoding',
        'br',
        'X-RateLimit-Remaining-Tokens',
        '10',
      ]),
    ).toEqual({ contentType: 'text/event-stream; charset=utf-8', contentEncoding: 'gzip, br', rateLimited: true });
  });

  it('sees Anthropic rate limits, and none when there are none', () => {
    expect(headFacts(['anthropic-ratelimit-requests-limit', '50']).rateLimited).toBe(true);
    expect(headFacts(['content-type', 'application/json', 'x-request-id', 'r1'])).toEqual({
      contentType: 'application/json',
      contentEncoding: undefined,
      rateLimited: false,
    });
  });
});
