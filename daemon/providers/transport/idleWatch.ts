/**
 * The idle deadline of a streamed answer: if the upstream sends nothing for `ms` while we wait for
 * it, `onIdle` runs (the SSE reader destroys the body and reports TIMEOUT).
 *
 * Costs a clock read per network read and one timer per stream, re-armed about once per `ms`.
 * Time the consumer spends between reads (backpressure) is not counted against the upstream.
 * Any bytes count as life, Anthropic `ping` events and SSE comments included.
 */
export class IdleWatch {
  private since = performance.now();
  private waiting = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** True once the deadline passed and `onIdle` ran. */
  fired = false;

  constructor(
    readonly ms: number,
    private readonly onIdle: () => void,
  ) {
    this.timer = setTimeout(this.check, ms);
  }

  /** An event arrived: the consumer has the turn now. */
  got(): void {
    this.waiting = false;
  }

  /** The consumer is done with the event: we wait on the upstream again. */
  wait(): void {
    this.waiting = true;
    this.since = performance.now();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly check = (): void => {
    const idle = this.waiting ? performance.now() - this.since : 0;
    if (idle < this.ms) {
      this.timer = setTimeout(this.check, this.ms - idle);
      return;
    }
    this.timer = undefined;
    this.fired = true;
    this.onIdle();
  };
}
