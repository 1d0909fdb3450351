import { describe, expect, it } from 'vitest';
import { formatWhen } from '../../shared/format';

// Built from local times, so the expectations hold in every time zone.
const now = new Date(2026, 11, 6, 15, 0);
const at = (...args: [number, number, number, number, number]) => new Date(...args).toISOString();

describe('formatWhen', () => {
  it('says today, yesterday, a date this year or a date with its year, with a 24-hour time', () => {
    expect(formatWhen(at(2026, 11, 6, 9, 5), now)).toBe('today at 09:05');
    expect(formatWhen(at(2026, 11, 5, 23, 59), now)).toBe('yesterday at 23:59');
    expect(formatWhen(at(2026, 2, 3, 14, 5), now)).toBe('Mar 3 at 14:05');
    expect(formatWhen(at(2025, 11, 31, 8, 0), now)).toBe('Dec 31, 2025 at 08:00');
  });

  it('gives back what it cannot read, rather than "Invalid Date"', () => {
    expect(formatWhen('not a time', now)).toBe('not a time');
  });
});
