/** One WebSocket client as handlers see it (`ClientSession`), plus what the transport needs to send. */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { EventName, NotificationType } from '../../shared/protocol';
import type { ClientSession } from '../rpc/session';

/** Above this many unsent bytes a stream waits: a slow client must not make the daemon buffer without end. */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
/** How often `drained()` re-checks the buffer; ws exposes no drain event of its own. */
const DRAIN_POLL_MS = 5;

const swallow = () => undefined;

export class WsSession implements ClientSession {
  readonly id: string;
  clientName = 'unknown';
  readonly subscriptions = new Set<EventName>();
  /** Cleared on ping, set on pong: a peer that misses one whole interval is dropped. */
  alive = true;
  private readonly abort = new AbortController();
  private corked = false;

  constructor(
    readonly ws: WebSocket,
    /** `tcp` or `socket`, for logs. */
    readonly via: 'tcp' | 'socket',
    private readonly highWaterMark = DEFAULT_HIGH_WATER_MARK,
  ) {
    this.id = randomUUID().slice(0, 8);
    // Whatever closes the socket (peer, heartbeat, shutdown, error), streams it started must stop.
    ws.once('close', () => this.abort.abort(new Error('client disconnected')));
  }

  get closed(): AbortSignal {
    return this.abort.signal;
  }

  notify<P>(descriptor: NotificationType<P>, params: P): void {
    this.send(JSON.stringify({ jsonrpc: '2.0', method: descriptor.method, params }));
  }

  /** Sends a serialized message; dropped once the socket is no longer open (nobody is listening). */
  send(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.cork();
    // The callback swallows write errors: they also surface as the socket's 'error' + 'close', handled there.
    this.ws.send(text, swallow);
  }

  /**
   * Corks the socket until the end of this event-loop turn: the deltas of one upstream read (and
   * their JSON-RPC frames) leave in one `writev` rather than one syscall each.
   */
  private cork(): void {
    if (this.corked) return;
    const socket = (this.ws as WebSocket & { _socket?: Socket })._socket;
    if (!socket || socket.destroyed) return;
    this.corked = true;
    socket.cork();
    setImmediate(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  /** Undefined when the send buffer is below its high-water mark (no wait); else resolves once it is. */
  drained(): Promise<void> | undefined {
    if (this.isDrained()) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        clearInterval(timer);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setInterval(() => {
        if (this.isDrained()) done();
      }, DRAIN_POLL_MS);
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }

  private isDrained(): boolean {
    return this.abort.signal.aborted || this.ws.readyState !== WebSocket.OPEN || this.ws.bufferedAmount < this.highWaterMark;
  }
}
