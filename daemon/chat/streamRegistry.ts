/**
 * Running chat streams, by client and stream id. Each has one AbortController: `chat/cancel`, the
 * client's socket closing and the daemon stopping all abort it, which closes the upstream request.
 *
 * A stream that ends without an abort and with no listener left on its signal gives its controller
 * back for the next stream (up to {@link MAX_SPARE}). On Node 20 an AbortSignal costs more to make
 * than everything else the registry does for a request (its transferable set-up goes through the
 * runtime, ~10 µs with its first listener, per request, on the forwarding path); Node 22 makes them
 * cheaply, where the reuse changes nothing. Once closed, a stream's `abort` does nothing, so a late
 * call (a socket closing after its answer) cannot reach the next owner of the controller.
 */
import { waitedOn } from '../abortHooks';

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

/** Controllers kept for reuse; beyond these, ended streams' controllers are left to the collector. */
const MAX_SPARE = 256;

export class StreamRegistry {
  private readonly streams = new Map<string, Running>();
  private readonly spare: AbortController[] = [];
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
    const running: Running = { controller: this.spare.pop() ?? new AbortController() };
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
      this.recycle(running.controller);
    };
    const abort = (cause: AbortCause) => {
      if (closed) return;
      running.cause ??= cause;
      running.controller.abort();
    };
    return { signal: running.controller.signal, cause: () => running.cause, abort, close };
  }

  /**
   * Keeps an ended stream's controller for the next one when nothing can tell it was used: not
   * aborted, and no listener left on its signal (a listener still there belongs to something that
   * may yet act on an abort, such as an SDK that did not remove its own).
   */
  private recycle(controller: AbortController): void {
    if (this.spare.length >= MAX_SPARE || controller.signal.aborted) return;
    if (waitedOn(controller.signal)) return;
    this.spare.push(controller);
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
