/** Percentiles and the per-target, per-concurrency aggregates the report prints. */
import type { RoundResult } from './loadgen';

/** Linear-interpolated percentile (p in 0..100) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export interface Dist {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export function dist(values: readonly number[]): Dist {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), mean };
}

/** Everything measured for one target at one concurrency, over its (non-warm-up) rounds. */
export interface TargetStats {
  requests: number;
  rounds: number;
  ttft: Dist;
  total: Dist;
  /** Completed streams per second: all requests over the summed wall time of the rounds. */
  streamsPerSec: number;
  /** p50 TTFT of each round, in order (to see drift and spread). */
  roundP50Ttft: number[];
  /** Streams per second of each round. */
  roundStreamsPerSec: number[];
}

export function targetStats(rounds: readonly RoundResult[]): TargetStats {
  const ttft: number[] = [];
  const total: number[] = [];
  let wall = 0;
  for (const r of rounds) {
    for (const s of r.samples) {
      ttft.push(s.ttftMs);
      total.push(s.totalMs);
    }
    wall += r.wallMs;
  }
  return {
    requests: ttft.length,
    rounds: rounds.length,
    ttft: dist(ttft),
    total: dist(total),
    streamsPerSec: (ttft.length * 1000) / wall,
    roundP50Ttft: rounds.map((r) => dist(r.samples.map((s) => s.ttftMs)).p50),
    roundStreamsPerSec: rounds.map((r) => (r.samples.length * 1000) / r.wallMs),
  };
}

/** Daemon CPU over the measured rounds of one path. */
export interface CpuStats {
  cpuMs: number;
  requests: number;
  msPerRequest: number;
  /** The measurement's resolution per request (under one clock tick per round). */
  resolutionMsPerRequest: number;
  /** CPU ms per request in each round, in order (how much the rounds differ). */
  perRound: number[];
}

export function cpuStats(cpuMs: number, requests: number, perRound: readonly number[], tickMs: number): CpuStats {
  return {
    cpuMs,
    requests,
    msPerRequest: cpuMs / requests,
    resolutionMsPerRequest: (perRound.length * tickMs) / requests,
    perRound: [...perRound],
  };
}

/**
 * Round by round, `a`'s CPU per request ÷ `b`'s (rounds of different paths interleave, so round r
 * of each ran close in time, under much the same load from the rest of the machine): their median,
 * lowest and highest.
 */
export function pairedRatios(a: readonly number[], b: readonly number[]): { median: number; min: number; max: number } {
  const ratios = a.map((v, i) => v / (b[i] ?? NaN)).filter(Number.isFinite);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** Per-round paired differences (daemon − direct) of p50 TTFT: how stable the added latency is. */
export function pairedDiffs(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, i) => v - (b[i] ?? NaN));
}
