/**
 * Token-bucket arithmetic, pure and clock-free so it can be tested to the millisecond.
 *
 * A limit of N per period P is a bucket of capacity N that drains `used` continuously at N/P per ms
 * (so 60 per minute admits a burst of 60, then one more each second). `used` may exceed N after a
 * request reports more tokens than it reserved: that debt makes later requests wait longer.
 */
import type { CapacityPeriod } from '../../shared/protocol';
import type { BucketState } from '../store/schema';

/** Milliseconds in each period a limit counts over. */
export const PERIOD_MS: Record<CapacityPeriod, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Float slack, relative to the limit: `used` decays by a product of floats, so a bucket that should
 * have exactly enough room may read a few ulps short. A trillionth of the limit is far above that
 * error and far below a millisecond of refill.
 */
const RELATIVE_EPSILON = 1e-12;

/** `used` at `now`: the saved level minus what has refilled since `state.at`, never below 0. */
export function levelAt(state: BucketState, periodMs: number, now: number): number {
  const elapsed = Math.max(0, now - state.at);
  return Math.max(0, state.used - (elapsed * state.limit) / periodMs);
}

/**
 * The state sized for `limit`. A bucket whose limit changed keeps the same fraction used (half full
 * stays half full), so raising or lowering a limit neither grants a free burst nor blocks for long.
 */
export function resized(state: BucketState, limit: number): BucketState {
  if (state.limit === limit || state.limit <= 0) return { ...state, limit };
  return { used: (state.used * limit) / state.limit, at: state.at, limit };
}

/** Milliseconds until `amount` more fits under `limit`, given `used` now; 0 when it fits already. */
export function waitMs(used: number, amount: number, limit: number, periodMs: number): number {
  const excess = used + amount - limit;
  if (excess <= limit * RELATIVE_EPSILON) return 0;
  return Math.ceil((excess * periodMs) / limit);
}

/** A bucket at `now` holding `used` units. */
export function stateAt(used: number, limit: number, now: number): BucketState {
  return { used: Math.max(0, used), at: now, limit };
}
