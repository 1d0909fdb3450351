import { describe, expect, it } from 'vitest';
import {
  costKind,
  costNote,
  daysBetween,
  formatCompact,
  formatCost,
  formatDate,
  formatDay,
  formatLatency,
  formatSpan,
} from '../../../../extension/usage/page/format';

describe('formatCost', () => {
  it('shows a fully priced cost in dollars and cents', () => {
    expect(formatCost({ requests: 3, costUsd: 1.234, unpricedRequests: 0 })).toBe('$1.23');
    expect(costKind({ requests: 3, costUsd: 1.234, unpricedRequests: 0 })).toBe('known');
  });

  it('marks a cost as a lower bound when some requests had no price', () => {
    expect(formatCost({ requests: 3, costUsd: 8, unpricedRequests: 1 })).toBe('≥ $8.00');
    expect(costKind({ requests: 3, costUsd: 8, unpricedRequests: 1 })).toBe('partial');
  });

  it('says unknown, never $0, when no request had a price', () => {
    expect(formatCost({ requests: 2, costUsd: 0, unpricedRequests: 2 })).toBe('unknown');
    // Partly unpriced with nothing priced spent: "≥ $0.00" would read as free.
    expect(formatCost({ requests: 5, costUsd: 0, unpricedRequests: 2 })).toBe('unknown');
  });

  it('shows $0.00 only for requests priced at zero (a local server)', () => {
    expect(formatCost({ requests: 4, costUsd: 0, unpricedRequests: 0 })).toBe('$0.00');
  });

  it('explains what is missing from a partial or unknown cost', () => {
    expect(costNote({ requests: 3, costUsd: 1, unpricedRequests: 0 })).toBeUndefined();
    expect(costNote({ requests: 3, costUsd: 1, unpricedRequests: 1 })).toMatch(
      /^1 request used a model without a known price/,
    );
    expect(costNote({ requests: 3, costUsd: 0, unpricedRequests: 3 })).toMatch(/^3 requests used/);
  });
});

describe('numbers, latency and days', () => {
  it('formats compact axis labels', () => {
    expect(formatCompact(0)).toBe('0');
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(2500)).toBe('2.5k');
    expect(formatCompact(25_000)).toBe('25k');
    expect(formatCompact(4_500_000)).toBe('4.5M');
  });

  it('averages latency per request, in ms or s', () => {
    expect(formatLatency(1020, 3)).toBe('340 ms');
    expect(formatLatency(3600, 3)).toBe('1.2 s');
    expect(formatLatency(0, 0)).toBe('–');
  });

  it('names UTC days and lists every day of a range, month ends included', () => {
    expect(formatDay('2025-03-03')).toBe('Mar 3');
    expect(formatDate('2025-04-01T00:00:00.000Z')).toBe('Apr 1, 2025');
    expect(daysBetween('2025-02-27', '2025-03-02')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    expect(daysBetween('2025-03-02', '2025-03-01')).toEqual([]);
    expect(formatSpan('2026-10-23', '2026-11-21')).toBe('Oct 23 to Nov 21, 2026');
    expect(formatSpan('2025-12-05', '2026-01-03')).toBe('Dec 5, 2025 to Jan 3, 2026');
  });
});
