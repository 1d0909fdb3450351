import { describe, expect, it } from 'vitest';
import { levelAt, PERIOD_MS, resized, stateAt, waitMs } from '../../../daemon/limits/tokenBucket';
import { estimateTokens, DEFAULT_OUTPUT_ESTIMATE } from '../../../daemon/chat/tokenEstimate';

describe('token bucket arithmetic', () => {
  it('refills continuously at limit per period, never below empty', () => {
    const full = stateAt(120, 120, 1_000);
    expect(levelAt(full, PERIOD_MS.minute, 1_000)).toBe(120);
    expect(levelAt(full, PERIOD_MS.minute, 1_500)).toBeCloseTo(119, 9);
    expect(levelAt(full, PERIOD_MS.minute, 31_000)).toBeCloseTo(60, 9);
    expect(levelAt(full, PERIOD_MS.minute, 61_000)).toBe(0);
    expect(levelAt(full, PERIOD_MS.minute, 10_000_000)).toBe(0);
  });

  it('treats a clock that went backwards as no time passed', () => {
    expect(levelAt(stateAt(5, 10, 10_000), PERIOD_MS.hour, 9_000)).toBe(5);
  });

  it('says how long until an amount fits, to the millisecond, and 0 when it fits', () => {
    // 120 per minute = one per 500 ms.
    expect(waitMs(120, 1, 120, PERIOD_MS.minute)).toBe(500);
    expect(waitMs(119, 1, 120, PERIOD_MS.minute)).toBe(0);
    expect(waitMs(119.5, 1, 120, PERIOD_MS.minute)).toBe(250);
    // Debt: 150 used of 100 per hour, 20 more needed → 70 tokens to refill at 100/h.
    expect(waitMs(150, 20, 100, PERIOD_MS.hour)).toBe(70 * 36_000);
  });

  it('lets in exactly at the boundary despite float error in the refill', () => {
    const state = stateAt(120, 120, 0);
    const after = levelAt(state, PERIOD_MS.minute, waitMs(120, 1, 120, PERIOD_MS.minute));
    expect(waitMs(after, 1, 120, PERIOD_MS.minute)).toBe(0);
    // 7 per day refills one unit in a period that does not divide evenly.
    const wait = waitMs(7, 1, 7, PERIOD_MS.day);
    expect(waitMs(levelAt(stateAt(7, 7, 0), PERIOD_MS.day, wait), 1, 7, PERIOD_MS.day)).toBe(0);
    expect(waitMs(levelAt(stateAt(7, 7, 0), PERIOD_MS.day, wait - 1), 1, 7, PERIOD_MS.day)).toBeGreaterThan(0);
  });

  it('keeps the fraction used when a limit changes', () => {
    expect(resized(stateAt(30, 60, 5), 120)).toEqual({ used: 60, at: 5, limit: 120 });
    expect(resized(stateAt(30, 60, 5), 10)).toEqual({ used: 5, at: 5, limit: 10 });
    expect(resized(stateAt(30, 60, 5), 60)).toEqual({ used: 30, at: 5, limit: 60 });
  });
});

describe('estimateTokens', () => {
  it('counts four characters per input token, system prompt included, plus maxTokens', () => {
    const estimate = estimateTokens({
      messages: [
        { role: 'user', content: 'x'.repeat(10) },
        { role: 'assistant', content: 'yy' },
      ],
      options: { system: 'abcd', maxTokens: 50 },
    });
    expect(estimate).toEqual({ input: 4, output: 50, total: 54, outputFrom: 'maxTokens' });
  });

  it('assumes 256 output tokens when the request sets no maxTokens, and says so', () => {
    expect(DEFAULT_OUTPUT_ESTIMATE).toBe(256);
    expect(estimateTokens({ messages: [{ role: 'user', content: 'hi' }] })).toEqual({
      input: 1,
      output: DEFAULT_OUTPUT_ESTIMATE,
      total: 1 + DEFAULT_OUTPUT_ESTIMATE,
      outputFrom: 'default',
    });
  });
});
