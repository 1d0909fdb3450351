/**
 * Reconnect delays: exponential with full jitter, capped. Jitter spreads several VS Code windows
 * that lost the same daemon, so they do not all spawn a replacement in the same instant (spawning is
 * idempotent anyway: the daemons that lose the race exit 0). Pure, so it is unit-tested.
 */
export interface BackoffOptions {
  /** First delay, ms. */
  initialMs: number;
  /** Largest delay, ms. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /** 0..1: the share of each delay that is randomised. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000, factor: 2, jitter: 0.5 };

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly opts: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call grows it. */
  next(): number {
    const base = Math.min(this.opts.maxMs, this.opts.initialMs * this.opts.factor ** this.attempt);
    this.attempt++;
    const spread = base * this.opts.jitter;
    return Math.round(base - spread + spread * this.random());
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** Back to the first delay (after a successful connection). */
  reset(): void {
    this.attempt = 0;
  }
}
