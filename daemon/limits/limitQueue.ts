/**
 * Requests waiting their turn on connections with `onLimit: "queue"`: one FIFO per connection, and
 * one timer per connection that wakes when its head should fit again. The head is always tried first
 * and nothing overtakes it, so a burst drains in arrival order at the rate the limits allow.
 *
 * Every timer is owned here and cleared by {@link LimitQueue.close}, which also rejects every waiter.
 */

/** What trying to admit a waiter came to. */
export type Attempt<T> =
  { kind: 'granted'; value: T } | { kind: 'wait'; ms: number } | { kind: 'failed'; error: Error };

export interface QueueEntry<T> {
  /** Tokens the request expects to use; read to estimate the wait of those queued behind it. */
  readonly tokenEstimate: number;
  /** Epoch ms after which the entry gives up. */
  readonly deadline: number;
  readonly signal: AbortSignal;
  /** Tries to admit it now (checks and reserves in one go). */
  attempt(): Attempt<T>;
  /** The error when its deadline passes. */
  timedOut(): Error;
  /** The error when its signal aborts. */
  cancelled(): Error;
}

interface Waiter<T> {
  entry: QueueEntry<T>;
  resolve(value: T): void;
  reject(error: Error): void;
  onAbort(): void;
}

export class LimitQueue<T> {
  private readonly queues = new Map<string, Array<Waiter<T>>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closedWith: (() => Error) | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether requests wait on this connection now. */
  has(connectionId: string): boolean {
    return (this.queues.get(connectionId)?.length ?? 0) > 0;
  }

  /** Token estimates of the waiters of a connection, in order. */
  estimates(connectionId: string): number[] {
    return (this.queues.get(connectionId) ?? []).map((w) => w.entry.tokenEstimate);
  }

  /** Queues a request behind the others of its connection; settles when it is admitted, fails, times out or is cancelled. */
  enqueue(connectionId: string, entry: QueueEntry<T>): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith());
    if (entry.signal.aborted) return Promise.reject(entry.cancelled());
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        entry,
        resolve,
        reject,
        onAbort: () => {
          if (this.remove(connectionId, waiter)) {
            reject(entry.cancelled());
            this.pump(connectionId);
          }
        },
      };
      entry.signal.addEventListener('abort', waiter.onAbort, { once: true });
      let queue = this.queues.get(connectionId);
      if (!queue) this.queues.set(connectionId, (queue = []));
      queue.push(waiter);
      this.pump(connectionId);
    });
  }

  /**
   * Admits waiters from the head while they fit, drops the ones whose deadline passed, and sets the
   * connection's timer for the next moment something can change. Call it whenever capacity may have
   * freed up early (a request settled with fewer tokens than it reserved, a limit was raised).
   */
  pump(connectionId: string): void {
    this.clearTimer(connectionId);
    const queue = this.queues.get(connectionId);
    if (!queue) return;
    let waitMs = 0;
    for (;;) {
      waitMs = this.admitHead(queue);
      // Waiters past their deadline give up; if the head was one of them, the next one gets its turn now.
      const now = this.now();
      const expired = queue.filter((w) => w.entry.deadline <= now);
      for (const waiter of expired) {
        this.remove(connectionId, waiter);
        waiter.reject(waiter.entry.timedOut());
      }
      if (expired.length === 0 || queue.length === 0) break;
    }
    if (queue.length === 0) {
      this.queues.delete(connectionId);
      return;
    }
    const now = this.now();
    const nextDeadline = Math.min(...queue.map((w) => w.entry.deadline)) - now;
    const delay = Math.max(0, Math.min(waitMs, nextDeadline));
    this.timers.set(
      connectionId,
      setTimeout(() => {
        this.timers.delete(connectionId);
        this.pump(connectionId);
      }, delay),
    );
  }

  /** Admits waiters from the head while they fit; returns how long the head that does not fit must wait. */
  private admitHead(queue: Array<Waiter<T>>): number {
    while (queue.length > 0) {
      const head = queue[0]!;
      const outcome = head.entry.attempt();
      if (outcome.kind === 'wait') return Math.max(1, outcome.ms);
      queue.shift();
      this.detach(head);
      if (outcome.kind === 'granted') head.resolve(outcome.value);
      else head.reject(outcome.error);
    }
    return 0;
  }

  /** Rejects every waiter with `error()` and clears every timer (daemon shutdown). Later enqueues fail the same way. */
  close(error: () => Error): void {
    this.closedWith = error;
    for (const [connectionId, queue] of this.queues) {
      this.clearTimer(connectionId);
      for (const waiter of queue.splice(0)) {
        this.detach(waiter);
        waiter.reject(error());
      }
    }
    this.queues.clear();
  }

  private remove(connectionId: string, waiter: Waiter<T>): boolean {
    const queue = this.queues.get(connectionId);
    const index = queue?.indexOf(waiter) ?? -1;
    if (index < 0) return false;
    queue!.splice(index, 1);
    this.detach(waiter);
    return true;
  }

  private detach(waiter: Waiter<T>): void {
    waiter.entry.signal.removeEventListener('abort', waiter.onAbort);
  }

  private clearTimer(connectionId: string): void {
    const timer = this.timers.get(connectionId);
    if (timer) clearTimeout(timer);
    this.timers.delete(connectionId);
  }
}
