/**
 * Running chat streams, by client and stream id. Each has one AbortController: `chat/cancel`, the
 * client's socket closing and the daemon stopping all abort it, which closes the upstream request.
 */
export type AbortCause = 'cancelled' | 'disconnected' | 'shutdown';

interface Running {
  controller: AbortController;
  cause?: AbortCause;
}

export class StreamRegistry {
  private readonly streams = new Map<string, Running>();

  get size(): number {
    return this.streams.size;
  }

  /** Registers a stream; returns undefined when the id is already running for this client. */
  open(sessionId: string, streamId: string): { signal: AbortSignal; cause: () => AbortCause | undefined; close: () => void } | undefined {
    const key = `${sessionId}\u0000${streamId}`;
    if (this.streams.has(key)) return undefined;
    const running: Running = { controller: new AbortController() };
    this.streams.set(key, running);
    return { signal: running.controller.signal, cause: () => running.cause, close: () => this.streams.delete(key) };
  }

  /** Aborts one stream. Returns whether it was running. */
  cancel(sessionId: string, streamId: string, cause: AbortCause = 'cancelled'): boolean {
    const running = this.streams.get(`${sessionId}\u0000${streamId}`);
    if (!running) return false;
    running.cause ??= cause;
    running.controller.abort();
    return true;
  }

  /** Aborts every stream of a client (its socket closed). */
  cancelSession(sessionId: string): void {
    const prefix = `${sessionId}\u0000`;
    for (const [key, running] of this.streams) {
      if (key.startsWith(prefix)) {
        running.cause ??= 'disconnected';
        running.controller.abort();
      }
    }
  }

  cancelAll(): void {
    for (const running of this.streams.values()) {
      running.cause ??= 'shutdown';
      running.controller.abort();
    }
  }
}
