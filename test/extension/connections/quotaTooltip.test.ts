import { describe, expect, it } from 'vitest';
import type { ConnectionQuota } from '../../../shared/protocol';
import { quotaTooltipLines, tooltipWithQuota } from '../../../extension/connections/quotaTooltip';

const now = new Date(2026, 0, 2, 15, 0);
const quota = (over: Partial<ConnectionQuota> = {}): ConnectionQuota => ({
  connectionId: 'c1',
  name: 'Work',
  at: now.toISOString(),
  limits: [
    { period: 'minute', kind: 'requests', limit: 10, used: 8, remaining: 2, fraction: 0.8, fullInMs: 48_000 },
    {
      period: 'day',
      kind: 'tokens',
      limit: 100_000,
      used: 1_200,
      remaining: 98_800,
      fraction: 0.012,
      fullInMs: 1_036_800,
    },
  ],
  provider: {
    observedAt: new Date(2026, 0, 2, 14, 59).toISOString(),
    limits: [{ kind: 'requests', limit: 5000, remaining: 0, used: 5000, fraction: 1 }],
  },
  ...over,
});

describe('the quota in the Connections tree tooltip', () => {
  it('lists each limit used and left now, marks the ones near or at their limit, and says when the provider reported', () => {
    expect(quotaTooltipLines(quota(), now)).toEqual([
      '',
      '**Quota now**',
      '- Requests per minute: 8 of 10 used \\(80%\\), 2 left, whole again in 48s — **near the limit**',
      '- Tokens per day: 1,200 of 100,000 used \\(1%\\), 98,800 left, whole again in 17m 17s',
      '- Provider requests: 5,000 of 5,000 used \\(100%\\), 0 left — **at the limit**',
      '',
      '_Provider figures from today at 14:59_',
    ]);
  });

  it('adds nothing when there are no limits and no provider figures, or the quota could not be read', () => {
    const bare = quota({ limits: [] });
    delete bare.provider;
    expect(quotaTooltipLines(bare, now)).toEqual([]);
    expect(tooltipWithQuota('**Work**', undefined, now)).toBe('**Work**');
    expect(tooltipWithQuota('**Work**', quota(), now)).toMatch(
      /^\*\*Work\*\*\n\n\*\*Quota now\*\*\n- Requests per minute/,
    );
  });
});
