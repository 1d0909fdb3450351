/** One WebSocket client as handlers see it (`ClientSession`), plus what the transport needs to send. */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { EventName, NotificationType } from '../../shared/protocol';
import type { ClientSession } from '../rpc/session';
import { OWNER, type Caller } from '../tokens/caller';

/** Above this many unsent bytes a stream waits: a slow client must not make the daemon buffer without end. */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
/**
 * Replies queued for a client past this are not buffered further: the client is closed. Streams
 * stop at the high-water mark (drained()); this catches a client that sends requests (or invalid
 * frames) and never reads the answers, which would otherwise grow the daemon's memory until the
 * ping timeout.
 */
export const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;
/** How long a closed over-the-limit client gets before it is cut (it reads nothing, so the close frame waits behind its queue). */
const OVERFLOW_GRACE_MS = 1000;

/** Limits of one session. */
export interface SessionLimits {
  highWaterMark?: number | undefined;
  maxQueuedBytes?: number | undefined;
  /** Streams one client may run at once: each listens on `closed` (plus one wait for drain), so the listener bound follows it. */
  maxStreams?: number | undefined;
  /** Told once when the client is closed for not reading. */
  onOverflow?: ((session: WsSession, queuedBytes: number) => void) | undefined;
}
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
  private readonly highWaterMark: number;
  private readonly maxQueuedBytes: number;
  private overflowed = false;
  private corked = false;
  /** No WebSocket extension was negotiated: the session may frame text messages itself. */
  private plainFrames: boolean | undefined;

  constructor(
    readonly ws: WebSocket,
    /** `tcp` or `socket`, for logs. */
    readonly via: 'tcp' | 'socket',
    /** Who opened the socket: the owner, or a tool token (see tokens/caller.ts). */
    readonly caller: Caller = OWNER,
    private readonly limits: SessionLimits = {},
  ) {
    this.id = randomUUID().slice(0, 8);
    this.highWaterMark = limits.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.maxQueuedBytes = limits.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    // Every running stream listens here (and waits for drain here): with the default bound of 10,
    // 40 streams on one socket warned MaxListenersExceeded. The stream cap bounds them instead.
    setMaxListeners(2 * (limits.maxStreams ?? 256) + 16, this.abort.signal);
    // Whatever closes the socket (peer, heartbeat, shutdown, error), streams it started must stop.
    ws.once('close', () => this.abort.abort(new Error('client disconnected')));
  }

  /** Closes the socket (e.g. its tool token was revoked); its streams stop with it. */
  disconnect(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }

  get closed(): AbortSignal {
    return this.abort.signal;
  }

  /** `now`: see {@link send}. */
  notify<P>(descriptor: NotificationType<P>, params: P, now = false): void {
    if (this.ws.readyState !== WebSocket.OPEN) return; // nobody to tell: skip the serializing too
    this.send(JSON.stringify({ jsonrpc: '2.0', method: descriptor.method, params }), now);
  }

  /**
   * Sends a serialized message; dropped once the socket is no longer open (nobody is listening).
   * Messages of one turn leave together at its end; `now` sends this one (and what the turn held
   * before it) at once: a stream's first delta is not held back while the rest of an upstream
   * burst is read.
   */
  send(text: string, now = false): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const socket = now ? this.uncorked() : this.cork();
    // Extensions are settled by the handshake, before the session exists: look once.
    this.plainFrames ??= this.ws.extensions === '';
    if (socket && this.plainFrames) {
      // A stream sends a message per piece of text, and ws's per-message work (options, a header
      // buffer and a second write) cost more than framing it here: with no extension negotiated
      // (no compression) a text message is one unmasked FIN frame, written in order with ws's own.
      socket.write(textFrame(text));
    } else {
      // The callback swallows write errors: they also surface as the socket's 'error' + 'close', handled there.
      this.ws.send(text, swallow);
    }
    if (this.ws.bufferedAmount > this.maxQueuedBytes) this.overflow();
  }

  /** Closes a client that let more than maxQueuedBytes of replies pile up unread. */
  private overflow(): void {
    if (this.overflowed) return;
    this.overflowed = true;
    const queued = this.ws.bufferedAmount;
    this.limits.onOverflow?.(this, queued);
    const mib = Math.round(this.maxQueuedBytes / (1024 * 1024));
    this.ws.close(
      1008,
      `Closed: over ${mib} MiB of replies were waiting unread. Read the socket's messages, then reconnect.`,
    );
    const cut = setTimeout(() => this.ws.terminate(), OVERFLOW_GRACE_MS);
    cut.unref();
    this.ws.once('close', () => clearTimeout(cut));
  }

  /**
   * Corks the socket until the end of this event-loop turn: the deltas of one upstream read (and
   * their JSON-RPC frames) leave in one `writev` rather than one syscall each.
   */
  private cork(): Socket | undefined {
    const socket = rawSocketOf(this.ws);
    if (!socket || socket.destroyed) return undefined;
    if (this.corked) return socket;
    this.corked = true;
    socket.cork();
    setImmediate(() => {
      // Already released by a `now` send: each cork is undone once.
      if (!this.corked) return;
      this.corked = false;
      socket.uncork();
    });
    return socket;
  }

  /** The socket with this turn's cork released: a write to it goes out at once. */
  private uncorked(): Socket | undefined {
    const socket = rawSocketOf(this.ws);
    if (!socket || socket.destroyed) return undefined;
    if (this.corked) {
      this.corked = false;
      socket.uncork();
    }
    return socket;
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
    return (
      this.abort.signal.aborted || this.ws.readyState !== WebSocket.OPEN || this.ws.bufferedAmount < this.highWaterMark
    );
  }
}

/**
 * The TCP/Unix socket under a ws WebSocket. ws keeps it in the private `_socket` (ws 8): nothing
 * public gives it, and corking it and framing text on it is what makes streamed deltas cheap.
 * test/daemon/server/wsSession.test.ts pins this: it fails if a ws release moves or renames it
 * (the session would then silently fall back to ws.send, correct but slower).
 */
export function rawSocketOf(ws: WebSocket): Socket | undefined {
  return (ws as WebSocket & { _socket?: Socket })._socket;
}

/** One unmasked, unfragmented text frame (RFC 6455 §5.2), as a server sends it. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (head === 2) frame[1] = length;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, head, 'utf8');
  return frame;
}
