/**
 * A forwarded answer's rate limits are handed over unparsed (read only when they are the latest of
 * their connection), but a reset sent as a duration still counts from when the answer came.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rateLimitReportOf } from '../../../daemon/forward/rateLimitReport';

afterEach(() => {
  vi.useRealTimers();
});

const answered = Date.parse('2026-01-01T00:00:00Z');

function read(report: ReturnType<typeof rateLimitReportOf>) {
  expect(typeof report).toBe('function');
  return (report as () => unknown)();
}

describe('rateLimitReportOf', () => {
  it('counts OpenAI reset durations from the answer, not from when the report is read', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: answered });
    const report = rateLimitReportOf({
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '30000',
      'x-ratelimit-remaining-tokens': '29000',
      'x-ratelimit-reset-tokens': '6m0s',
    });
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
    const report = rateLimitReportOf({
      'anthropic-ratelimit-tokens-limit': '80000',
      'anthropic-ratelimit-tokens-remaining': '79000',
      'anthropic-ratelimit-tokens-reset': '2026-01-01T00:01:00Z',
    });
    expect(read(report)).toEqual({
      tokensLimit: 80_000,
      tokensRemaining: 79_000,
      tokensReset: '2026-01-01T00:01:00.000Z',
    });
  });

  it('has no report for an answer without rate-limit headers', () => {
    expect(rateLimitReportOf({ 'content-type': 'text/event-stream', 'x-ratelimit-remaining-requests': '3' })).toBe(
      undefined,
    );
  });
});
