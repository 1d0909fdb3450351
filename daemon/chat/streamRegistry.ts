/**
 * Running chat streams, by client and stream id. Each has one AbortController: `chat/cancel`, the
 * client's socket closing and the daemon stopping all abort it, which closes the upstream request.
 */
export type AbortCause = 'cancelled' | 'disconnected' | 'shutdown';

interface Running {
  controller: AbortController;
  cause?: AbortCause;
}

/** How many streams may run at once: per client (one socket) and in the whole daemon. */
export interface StreamCaps {
  perClient: number;
  global: number;
}

/** Defaults: far above what a person or a tool needs (1,024 concurrent streams are served fine), far below what exhausts the daemon. */
export const DEFAULT_STREAM_CAPS: StreamCaps = { perClient: 256, global: 2048 };

export interface OpenStream {
  signal: AbortSignal;
  cause: () => AbortCause | undefined;
  /** Aborts this stream (e.g. its HTTP client hung up); the first cause given is kept. */
  abort: (cause: AbortCause) => void;
  close: () => void;
}

/** Why a stream was not opened: its id runs already, or a cap is reached (`limit` names which). */
export type OpenRefusal = { refused: 'exists' } | { refused: 'perClient' | 'global'; limit: number };

export class StreamRegistry {
  private readonly streams = new Map<string, Running>();
  private readonly perSession = new Map<string, number>();

  constructor(readonly caps: StreamCaps = DEFAULT_STREAM_CAPS) {}

  get size(): number {
    return this.streams.size;
  }

  /** Registers a stream, unless its id is already running for this client or a cap is reached. */
  open(sessionId: string, streamId: string): OpenStream | OpenRefusal {
    const key = `${sessionId}\u0000${streamId}`;
    if (this.streams.has(key)) return { refused: 'exists' };
    const mine = this.perSession.get(sessionId) ?? 0;
    if (mine >= this.caps.perClient) return { refused: 'perClient', limit: this.caps.perClient };
    if (this.streams.size >= this.caps.global) return { refused: 'global', limit: this.caps.global };
    const running: Running = { controller: new AbortController() };
    this.streams.set(key, running);
    this.perSession.set(sessionId, mine + 1);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.streams.delete(key);
      const left = (this.perSession.get(sessionId) ?? 1) - 1;
      if (left > 0) this.perSession.set(sessionId, left);
      else this.perSession.delete(sessionId);
    };
    const abort = (cause: AbortCause) => {
      running.cause ??= cause;
      running.controller.abort();
    };
    return { signal: running.controller.signal, cause: () => running.cause, abort, close };
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
