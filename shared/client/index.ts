/**
 * The Switchboard Node client: find the local daemon, connect, and make typed calls.
 *
 * ```ts
 * import { SwitchboardClient } from './shared/client';
 * import { ConnectionsList } from './shared/protocol';
 *
 * const client = await SwitchboardClient.connect({ clientName: 'my-tool' });
 * const { connections } = await client.request(ConnectionsList);
 * const stream = client.chat({ messages: [{ role: 'user', content: 'Hello' }] });
 * for await (const text of stream) process.stdout.write(text);
 * console.log((await stream.result).usage);
 * await client.close();
 * ```
 *
 * Method descriptors (the first argument of `request`, `notify` and `onNotification`) come from
 * `shared/protocol` (the package entry re-exports them as `methods`). `ChatStream` is the protocol's
 * `chat/stream` descriptor; what `chat()` returns is a {@link ChatReply}.
 */

/** A connection to the daemon, with typed requests, notifications and chat streams. */
export { SwitchboardClient } from './client';
/** Options and event types of {@link SwitchboardClient}. */
export type {
  ChatCallOptions,
  ChatRequest,
  ClientCloseEvent,
  ConnectOptions,
  Disposable,
  RequestOptions,
} from './client';
/** A running chat completion: an async iterable of text deltas with `result` and `cancel()`. */
export type { ChatEventReply, ChatReply } from './chatReply';
/** Finding the daemon: its home, its `daemon.json`, and whether it is alive. */
export { DAEMON_INFO_FILE, daemonInfoPath, defaultHome, isDaemonAlive, readDaemonInfo } from './discovery';
/** The content of `daemon.json`. */
export type { DaemonInfo } from './discovery';
/** Errors a client sees besides the daemon's own `SwitchboardError`s. */
export { DaemonUnavailableError, RpcError } from './errors';
/** Why the daemon could not be reached. */
export type { DaemonUnavailableReason } from './errors';
/** Opening the raw WebSocket, for tools that bring their own JSON-RPC layer. */
export { openSocket, RPC_PATH } from './transport';
/** Transport choice and options of {@link openSocket}. */
export type { OpenedSocket, OpenSocketOptions, TransportKind } from './transport';
/** The daemon's application errors and their codes, rebuilt from the wire by every call. */
export { ErrorCode, SwitchboardError } from '../errors';
/** The `data` member of an application error. */
export type { ErrorData } from '../errors';
