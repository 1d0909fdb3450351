/**
 * An upstream answer's rate limits, as a report for the connection's discovered capacity
 * (daemon/limits/discoveredCapacity.ts). Every answer carries them but only the latest figures of a
 * connection are kept, so the report is a function over the answer's headers, parsed only when
 * the recorder needs it: once per connection per recording window, not once per request.
 */
import type { RateLimitReport } from '../chat/ports';
import { parseRateLimits } from '../providers/transport/upstreamFetch';
import { headerOf, type UpstreamAnswer } from './upstreamCall';

/**
 * The report of an upstream answer (upstreamCall.ts) that just came, or undefined when it carries no
 * rate-limit headers. The answer's headers object is read only when the report is: node:http builds
 * that object on first use, and most reports are replaced by a later one before they are read.
 * Resets sent as durations count from now, when the answer came, not from when the report is read.
 */
export function answerRateLimits(answer: Pick<UpstreamAnswer, 'rateLimited' | 'headers'>): RateLimitReport | undefined {
  if (!answer.rateLimited) return undefined;
  const receivedAt = Date.now();
  return () => parseRateLimits({ get: (name) => headerOf(answer.headers, name) }, receivedAt);
}
