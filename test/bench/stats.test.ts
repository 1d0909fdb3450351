/** The bench's arithmetic: the round-by-round ratio reported beside each CPU target. */
import { describe, expect, it } from 'vitest';
import { cpuStats, pairedRatios } from './stats';

describe('pairedRatios', () => {
  it('divides round r of one path by round r of the other, and gives their median and range', () => {
    expect(pairedRatios([0.5, 0.75, 0.625], [0.5, 0.5, 0.5])).toEqual({ median: 1.25, min: 1, max: 1.5 });
  });

  it('leaves out rounds the other path lacks', () => {
    const r = pairedRatios([0.5, 0.75, 0.9], [0.5, 0.5]);
    expect(r).toEqual({ median: 1.25, min: 1, max: 1.5 });
  });
});

describe('cpuStats', () => {
  it('keeps the rounds, and the resolution is a clock tick per round over the requests', () => {
    const s = cpuStats(120, 400, [0.25, 0.35], 10);
    expect(s.msPerRequest).toBe(0.3);
    expect(s.resolutionMsPerRequest).toBe(0.05);
    expect(s.perRound).toEqual([0.25, 0.35]);
  });
});
