import { describe, expect, it } from 'vitest';
import { formatCount, formatPercent, formatUsd } from '../../shared/format';

describe('formatUsd', () => {
  it('keeps a few cheap requests from reading as $0.00', () => {
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(0.00001)).toBe('< $0.0001');
    expect(formatUsd(0.05)).toBe('$0.05');
  });

  it('groups thousands', () => {
    expect(formatUsd(12345.678)).toBe('$12,345.68');
  });
});

describe('counts and percentages', () => {
  it('groups thousands in counts', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('floors percentages so 79.9% is not 80%', () => {
    expect(formatPercent(0.799)).toBe('79%');
    expect(formatPercent(0.8)).toBe('80%');
    expect(formatPercent(1.25)).toBe('125%');
  });
});
