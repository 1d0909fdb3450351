/**
 * JSON-RPC over one open WebSocket, untyped: each call's id matched to its response, a timeout and an
 * AbortSignal on every call, rejection of every pending call when the socket closes, and dispatch of
 * the daemon's notifications. `SwitchboardClient` puts the typed descriptors on top. Written here
 * rather than taken from a JSON-RPC library: the client side is this small, and the extension's
 * bundle is lighter without one (the daemon's dispatch is json-rpc-2.0's JSONRPCServer).
 */
import type WebSocket from 'ws';
import { JsonRpcCode } from '../errors';
import { cancelledError, DaemonUnavailableError, errorFromWire, START_HINT, timeoutError } from './errors';

/** Something to release; VS Code's `Disposable` has the same shape. */
export interface Disposable {
  dispose(): void;
}

/** Why the connection closed, as passed to `onClose` handlers. */
export interface ClientCloseEvent {
  /** WebSocket close code (1000 normal, 1006 dropped, …). */
  code: number;
  reason: string;
  /** True when this client asked for it with `close()` or `dispose()`. */
  requested: boolean;
}

/** Options of {@link RpcConnection.call}. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** `undefined` means no timeout: only chat streams, which bound themselves otherwise. */
  timeoutMs: number | undefined;
}

type Pending = {
  method: string;
  fail: (error: unknown) => void;
  /** Settles the call with the daemon's response (`result`, or `error`). */
  answer: (response: { result?: unknown; error?: unknown }) => void;
};

/** A JSON-RPC peer on an open socket. Never reconnects. */
export class RpcConnection {
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, Set<(params: unknown) => void>>();
  private readonly closeHandlers = new Set<(event: ClientCloseEvent) => void>();
  private readonly closed: Promise<void>;
  private nextId = 1;
  private live = true;
  private closeRequested = false;

  constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('message', (data) => this.onMessage(data));
    // Errors are always followed by 'close', which does the work; without a listener ws would throw.
    socket.on('error', () => undefined);
    socket.on('close', (code, reason) => this.onSocketClose(code, reason.toString()));
  }

  /** True until the socket closes or `close()` is called. */
  get open(): boolean {
    return this.live;
  }

  /** Sends a request; see `SwitchboardClient.request` for how it settles. */
  call(method: string, params: unknown, opts: CallOptions): Promise<unknown> {
    if (!this.live) return Promise.reject(this.closedError(method));
    if (opts.signal?.aborted) return Promise.reject(cancelledError(method));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        return true;
      };
      // Either removes the entry for this id, so a late answer finds nothing to settle.
      const fail = (error: unknown): void => {
        if (finish()) reject(error);
      };
      const answer = (response: { result?: unknown; error?: unknown }): void => {
        if (!finish()) return;
        if (response.error !== undefined) reject(errorFromWire(wireError(response.error)));
        else resolve(response.result);
      };
      const onAbort = (): void => fail(cancelledError(method));
      this.pending.set(id, { method, fail, answer });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const timeoutMs = opts.timeoutMs;
      if (timeoutMs !== undefined) timer = setTimeout(() => fail(timeoutError(method, timeoutMs)), timeoutMs);
      // Sending never waits: a lost socket is reported by its 'close' event, which fails pending calls.
      this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
    });
  }

  /** Sends a notification; dropped when closed. */
  notify(method: string, params: unknown): void {
    if (this.live)
      this.socket.send(JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) }));
  }

  /** Calls `handler` with the raw params of every notification named `method`. */
  onNotification(method: string, handler: (params: unknown) => void): Disposable {
    const set = this.handlers.get(method) ?? new Set();
    this.handlers.set(method, set.add(handler));
    return { dispose: () => void set.delete(handler) };
  }

  /** Calls `handler` once when the connection closes, for whatever reason. */
  onClose(handler: (event: ClientCloseEvent) => void): Disposable {
    this.closeHandlers.add(handler);
    return { dispose: () => void this.closeHandlers.delete(handler) };
  }

  /** Closes the connection; pending calls fail at once. Resolves once the socket is closed. */
  close(): Promise<void> {
    if (this.live) {
      this.live = false;
      this.closeRequested = true;
      this.failPending();
      this.socket.close(1000, 'client closed');
      // A daemon that never completes the close handshake must not keep this process alive.
      const force = setTimeout(() => this.socket.terminate(), 2000);
      force.unref();
      void this.closed.then(() => clearTimeout(force));
    }
    return this.closed;
  }

  private onMessage(data: WebSocket.RawData): void {
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      return; // A malformed frame is a daemon bug; there is no id to answer, so drop it.
    }
    for (const item of Array.isArray(message) ? message : [message]) {
      if (typeof item !== 'object' || item === null) continue;
      const m = item as { id?: unknown; method?: unknown; params?: unknown };
      if (typeof m.method === 'string') {
        if (m.id === undefined || m.id === null) {
          for (const handler of [...(this.handlers.get(m.method) ?? [])]) handler(m.params);
        } else {
          // The daemon sends no requests today; answer one anyway so it never waits on us.
          const error = { code: JsonRpcCode.MethodNotFound, message: `Method not found: ${m.method}` };
          this.socket.send(JSON.stringify({ jsonrpc: '2.0', id: m.id, error }));
        }
      } else if (typeof m.id === 'number') {
        this.pending.get(m.id)?.answer(item as { result?: unknown; error?: unknown });
      }
    }
  }

  private onSocketClose(code: number, reason: string): void {
    this.live = false;
    this.failPending();
    const event: ClientCloseEvent = { code, reason, requested: this.closeRequested };
    for (const handler of [...this.closeHandlers]) guard('onClose', () => handler(event));
    this.closeHandlers.clear();
  }

  private failPending(): void {
    for (const { method, fail } of [...this.pending.values()]) fail(this.closedError(method));
  }

  /** A fresh error per call: streams attach their partialText to it. */
  private closedError(method: string): DaemonUnavailableError {
    const by = this.closeRequested ? 'was closed by this client' : 'closed';
    return new DaemonUnavailableError(
      'closed',
      `The connection to the Switchboard daemon ${by} before ${method} was answered.`,
      this.closeRequested
        ? 'Connect again to send more requests.'
        : `The daemon may have stopped or restarted: connect again. ${START_HINT}`,
    );
  }
}

/** The error object of a response, or a stand-in for one the daemon got wrong (a bug there never crashes a client here). */
function wireError(error: unknown): { code: number; message: string; data?: unknown } {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e === 'object' && e !== null && typeof e.code === 'number' && typeof e.message === 'string')
    return e as { code: number; message: string; data?: unknown };
  return { code: JsonRpcCode.InternalError, message: 'The daemon answered with a malformed error.' };
}

/**
 * Runs a caller's handler so that its bug neither breaks dispatch to the others nor vanishes: it is
 * reported as a process warning (shown on stderr, and in VS Code's extension host log).
 */
export function guard(what: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    process.emitWarning(`Switchboard ${what} handler threw: ${error instanceof Error ? error.message : String(error)}`);
  }
}
