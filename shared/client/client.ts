/**
 * `SwitchboardClient`: finds and connects to the daemon, then makes typed calls through the shared
 * method descriptors. The JSON-RPC mechanics live in `RpcConnection`; this class adds discovery,
 * `daemon/hello`, typed params/results, schema-checked notifications and chat streams. It never
 * reconnects: its owner (the extension, a CLI) decides when to.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, SwitchboardError } from '../errors';
import {
  ChatCancel,
  ChatDelta,
  ChatStream,
  DaemonHello,
  PROTOCOL_VERSION,
  type ChatStreamParams,
  type ChatStreamResult,
  type HelloResult,
  type NotificationType,
  type ParamsOf,
  type RequestType,
} from '../protocol';
import { asEvent, ChatReplyController, type ChatEventReply, type ChatReply } from './chatReply';
import { guard, RpcConnection, type ClientCloseEvent, type Disposable } from './connection';
import { defaultHome, isDaemonAlive, readDaemonInfo, type DaemonInfo } from './discovery';
import { cancelledError, DaemonUnavailableError, START_HINT } from './errors';
import { openSocket, type TransportKind } from './transport';

export type { ClientCloseEvent, Disposable } from './connection';

/** Options of {@link SwitchboardClient.connect}. */
export interface ConnectOptions {
  /** The Switchboard home holding `daemon.json`. Default: {@link defaultHome}(). */
  home?: string | undefined;
  /** Use this instead of reading `daemon.json`. */
  info?: DaemonInfo | undefined;
  /** `auto` (default) tries the Unix socket, then TCP with the token. */
  transport?: TransportKind | undefined;
  /** Sent in `daemon/hello`; shown as the client in the daemon's audit log. Default `switchboard-client`. */
  clientName?: string | undefined;
  clientVersion?: string | undefined;
  /** Default timeout of every request except chat streams. Default 30000 ms. */
  requestTimeoutMs?: number | undefined;
  /** Time allowed to connect and complete the WebSocket handshake. Default 5000 ms. */
  handshakeTimeoutMs?: number | undefined;
}

/** Options of one request. */
export interface RequestOptions {
  /** Aborting rejects the request with a `CANCELLED` `SwitchboardError`. */
  signal?: AbortSignal;
  /** Overrides the client's `requestTimeoutMs`; must be positive. */
  timeoutMs?: number;
}

/** Params of {@link SwitchboardClient.chat}: those of `chat/stream`, with `streamId` generated when omitted. */
export type ChatRequest = Omit<ChatStreamParams, 'streamId'> & { streamId?: string };

/** Options of {@link SwitchboardClient.chat}. */
export interface ChatCallOptions {
  /** Aborting cancels the stream (see `ChatReply.cancel`). */
  signal?: AbortSignal;
  /**
   * Streams have no overall timeout (an answer may take minutes) but fail with `TIMEOUT` when
   * nothing — no delta, no answer — arrives for this long. Default 300000 ms; 0 disables.
   */
  idleTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_STREAM_IDLE_MS = 300_000;
/** setTimeout fires at once above this; longer timeouts are clamped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type Args<P, O> = undefined extends P ? [params?: P, opts?: O] : [params: P, opts?: O];

/** A connection to the Switchboard daemon. Create with {@link SwitchboardClient.connect}. */
export class SwitchboardClient implements Disposable {
  private readonly streams = new Map<string, ChatReplyController<unknown>>();
  private hello!: HelloResult;

  /**
   * Finds the daemon (`daemon.json`), connects, and introduces this client with `daemon/hello`.
   * Rejects with a `DaemonUnavailableError` saying what to do when the daemon is not running, has
   * crashed, refuses the connection, or speaks an incompatible protocol.
   */
  static async connect(opts: ConnectOptions = {}): Promise<SwitchboardClient> {
    const home = opts.home ?? defaultHome();
    const info = opts.info ?? (await readDaemonInfo(home));
    if (!info) {
      throw new DaemonUnavailableError(
        'not-running',
        `The Switchboard daemon is not running (no daemon.json in ${home}). ${START_HINT}`,
        START_HINT,
      );
    }
    if (!isDaemonAlive(info)) {
      const where = opts.info ? 'the given daemon info' : `daemon.json in ${home}`;
      throw new DaemonUnavailableError(
        'stale',
        `The Switchboard daemon is not running (${where} names pid ${info.pid}, which has exited). ${START_HINT}`,
        START_HINT,
      );
    }
    const opened = await openSocket(info, { transport: opts.transport, handshakeTimeoutMs: opts.handshakeTimeoutMs });
    const client = new SwitchboardClient(
      new RpcConnection(opened.socket),
      opened.via,
      opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    try {
      const introduction = {
        name: opts.clientName ?? 'switchboard-client',
        ...(opts.clientVersion ? { version: opts.clientVersion } : {}),
      };
      client.hello = await client.request(DaemonHello, { client: introduction, protocolVersion: PROTOCOL_VERSION });
      if (!client.hello.compatible) {
        throw new DaemonUnavailableError(
          'incompatible',
          `The Switchboard daemon speaks protocol ${client.hello.protocolVersion}; this client speaks ${PROTOCOL_VERSION}.`,
          'Update the daemon and this tool to the same Switchboard release, then restart the daemon.',
        );
      }
    } catch (error) {
      void client.close();
      throw error;
    }
    return client;
  }

  private constructor(
    private readonly conn: RpcConnection,
    /** The listener this client went through. */
    readonly transport: 'unix' | 'tcp',
    private readonly requestTimeoutMs: number,
  ) {
    // Every delta goes to its stream (which buffers it) before any caller's handler sees it.
    conn.onNotification(ChatDelta.method, (raw) => {
      if (ChatDelta.accepts(raw)) this.streams.get(raw.streamId)?.accept(raw);
    });
  }

  /** What the daemon said in answer to `daemon/hello` (its version, pid, protocol version). */
  get daemon(): HelloResult {
    return this.hello;
  }

  /** True until the socket closes or `close()` is called. */
  get connected(): boolean {
    return this.conn.open;
  }

  /**
   * Sends a request and resolves to its typed result. Rejects with a `SwitchboardError` for an
   * application error (branch on `.code`), an `RpcError` for a protocol error (e.g. -32602 with
   * `data.field`), `TIMEOUT` after the timeout, `CANCELLED` when the signal aborts, and a
   * `DaemonUnavailableError` when the connection closes first. Use {@link chat} for `chat/stream`.
   */
  request<P, R>(descriptor: RequestType<P, R>, ...[params, opts = {}]: Args<P, RequestOptions>): Promise<R> {
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    if (!(timeoutMs > 0)) return Promise.reject(new RangeError(`timeoutMs must be positive, got ${timeoutMs}`));
    return this.conn.call(descriptor.method, params, {
      signal: opts.signal,
      timeoutMs: Math.min(timeoutMs, MAX_TIMER_MS),
    }) as Promise<R>;
  }

  /** Sends a notification. Fire-and-forget: dropped when the connection is closed. */
  notify<P>(descriptor: NotificationType<P>, ...[params]: Args<P, never>): void {
    this.conn.notify(descriptor.method, params);
  }

  /**
   * Calls `handler` for each notification of this kind from the daemon, with params checked against
   * the descriptor's check (shared/protocol/notificationChecks.ts; malformed ones are dropped). `connections/*` events arrive only after
   * `events/subscribe`. A handler that throws is reported as a process warning and does not stop others.
   */
  onNotification<P>(descriptor: NotificationType<P>, handler: (params: P) => void): Disposable {
    return this.conn.onNotification(descriptor.method, (raw) => {
      if (descriptor.accepts(raw)) guard(descriptor.method, () => handler(raw));
    });
  }

  /**
   * Starts a `chat/stream` and returns it at once: iterate it for the text deltas, await `.result`
   * for the final answer. Aborting `opts.signal` sends `chat/cancel` and fails the stream with
   * `CANCELLED` (with `partialText`). Throws `STREAM_EXISTS` if `streamId` is already running here.
   */
  chat(params: ChatRequest, opts: ChatCallOptions = {}): ChatReply {
    return this.startStream<string>(params, opts);
  }

  /**
   * Starts a `chat/stream` with typed deltas (`deltas: "typed"`): iterate it for text, reasoning,
   * reasoning signatures, tool-call starts and argument pieces, in order; await `.result` for the
   * whole answer (`toolCalls`, `message` to append for the next turn). Otherwise as {@link chat}.
   */
  chatEvents(params: ChatRequest, opts: ChatCallOptions = {}): ChatEventReply {
    return this.startStream({ ...params, deltas: 'typed' }, opts, asEvent);
  }

  private startStream<T>(
    params: ChatRequest,
    opts: ChatCallOptions,
    read?: (delta: ParamsOf<typeof ChatDelta>) => T,
  ): ChatReply<T> {
    const streamId = params.streamId ?? randomUUID();
    if (this.streams.has(streamId)) {
      throw new SwitchboardError(ErrorCode.STREAM_EXISTS, `A chat stream with id ${streamId} is already running.`, {
        hint: 'Omit streamId to get a fresh one.',
      });
    }
    const call = new AbortController();
    const onAbort = (): void => stream.cancel();
    const stream = new ChatReplyController<T>(
      streamId,
      {
        idleTimeoutMs: opts.idleTimeoutMs ?? DEFAULT_STREAM_IDLE_MS,
        stop: () => {
          // Drop our side at once; chat/cancel tells the daemon to stop the provider and the billing.
          call.abort();
          if (this.conn.open) this.request(ChatCancel, { streamId }).catch(() => undefined);
        },
        settled: () => {
          this.streams.delete(streamId);
          opts.signal?.removeEventListener('abort', onAbort);
        },
      },
      ...(read ? [read] : []),
    );
    if (opts.signal?.aborted) {
      stream.fail(cancelledError('chat/stream', ''));
      return stream;
    }
    this.streams.set(streamId, stream as ChatReplyController<unknown>);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // No timeout: a stream is bounded by its idle timer, cancel, and the socket closing instead.
    this.conn.call(ChatStream.method, { ...params, streamId }, { signal: call.signal, timeoutMs: undefined }).then(
      (result) => stream.finish(result as ChatStreamResult),
      (error) => stream.fail(error),
    );
    return stream;
  }

  /** Calls `handler` once when the connection closes, for whatever reason. */
  onClose(handler: (event: ClientCloseEvent) => void): Disposable {
    return this.conn.onClose(handler);
  }

  /** Closes the connection; pending requests and streams fail at once. Resolves once the socket is closed. */
  close(): Promise<void> {
    return this.conn.close();
  }

  /** Same as `close()`, without waiting: for VS Code's `context.subscriptions`. */
  dispose(): void {
    void this.close();
  }
}
