import { describe, expect, it } from 'vitest';
import type { ConnectionQuota } from '../../shared/protocol';
import { formatDuration, quotaLines, quotaSentence } from '../../shared/quotaText';

const now = new Date(2026, 0, 2, 15, 0);

const quota: ConnectionQuota = {
  connectionId: 'c1',
  name: 'Work',
  at: now.toISOString(),
  limits: [
    { period: 'minute', kind: 'requests', limit: 10, used: 8, remaining: 2, fraction: 0.8, fullInMs: 48_000 },
    { period: 'day', kind: 'tokens', limit: 1000, used: 0, remaining: 1000, fraction: 0, fullInMs: 0 },
  ],
  provider: {
    observedAt: now.toISOString(),
    limits: [
      {
        kind: 'requests',
        limit: 5000,
        remaining: 0,
        used: 5000,
        fraction: 1,
        resetsAt: new Date(2026, 0, 2, 15, 1).toISOString(),
      },
      { kind: 'tokens', remaining: 12 },
    ],
  },
};

describe('quota text', () => {
  it('writes one line per limit, configured first, with the level that colours it', () => {
    const lines = quotaLines(quota, now);
    expect(lines.map(quotaSentence)).toEqual([
      'Requests per minute: 8 of 10 used (80%), 2 left, whole again in 48s',
      'Tokens per day: 0 of 1,000 used (0%), 1,000 left',
      'Provider requests: 5,000 of 5,000 used (100%), 0 left, resets today at 15:01',
      'Provider tokens: ? of ? used (?), 12 left',
    ]);
    expect(lines.map((l) => l.level)).toEqual(['near', 'ok', 'full', 'ok']);
  });

  it('says durations in their two largest units', () => {
    expect(formatDuration(400)).toBe('1s');
    expect(formatDuration(61_000)).toBe('1m 1s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(7 * 3_600_000 + 12 * 60_000)).toBe('7h 12m');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000 + 5_000)).toBe('2d 3h');
  });
});
