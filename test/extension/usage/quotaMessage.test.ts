import { describe, expect, it } from 'vitest';
import type { QuotaWarningParams } from '../../../shared/protocol';
import { quotaWarningMessage } from '../../../extension/usage/quotaMessage';

const now = new Date(2026, 0, 2, 15, 0);
const limit: QuotaWarningParams = {
  connectionId: 'c1',
  name: 'Work',
  source: 'limit',
  kind: 'requests',
  period: 'minute',
  limit: 10,
  used: 8,
  remaining: 2,
  fraction: 0.8,
};

describe('quotaWarningMessage', () => {
  it('names the connection, the share, the configured limit and what is left', () => {
    expect(quotaWarningMessage(limit, now)).toBe(
      'Connection Work has used 80% of its limit of 10 requests per minute (8 used, 2 left). Past it, Switchboard holds requests back until the limit refills (Edit Connection › Limits & budget).',
    );
    expect(
      quotaWarningMessage(
        { ...limit, kind: 'tokens', period: 'day', limit: 100_000, used: 91_000, remaining: 9_000, fraction: 0.91 },
        now,
      ),
    ).toMatch(/^Connection Work has used 91% of its limit of 100,000 tokens per day \(91,000 used, 9,000 left\)\./);
  });

  it("says a provider's limit is the provider's, and when it resets", () => {
    const provider: QuotaWarningParams = {
      ...limit,
      source: 'provider',
      limit: 5000,
      used: 4500,
      remaining: 500,
      fraction: 0.9,
      resetsAt: new Date(2026, 0, 2, 15, 1).toISOString(),
    };
    delete provider.period;
    expect(quotaWarningMessage(provider, now)).toBe(
      'Connection Work has used 90% of the 5,000 requests its provider allows (4,500 used, 500 left). Past it, the provider refuses requests as rate-limited. The provider resets it today at 15:01.',
    );
  });
});
