/** One connected client, as handlers see it. The transport implements it per WebSocket. */
import type { EventName, NotificationType } from '../../shared/protocol';
import type { Caller } from '../tokens/caller';

export interface ClientSession {
  /** Unique per connection, for logs. */
  readonly id: string;
  /** Who opened the connection: the owner, or a tool token limited to inference (tokens/caller.ts). */
  readonly caller: Caller;
  /** Closes the connection (its tool token was revoked); streams it started stop. */
  disconnect(code: number, reason: string): void;
  /** From `daemon/hello`; `unknown` until then. Shown in audit entries. */
  clientName: string;
  /** Events this client asked for with `events/subscribe`. */
  readonly subscriptions: Set<EventName>;
  /** Aborted when the client's socket closes: streams it started stop. */
  readonly closed: AbortSignal;
  /** Sends a notification; dropped silently once the socket is closed. `now`: see {@link send}. */
  notify<P>(descriptor: NotificationType<P>, params: P, now?: boolean): void;
  /**
   * Sends a JSON-RPC message already serialized (e.g. by rpc/textDeltas.ts, for the hot path of
   * streamed text); dropped silently once the socket is closed. The messages of one event-loop turn
   * leave together at its end; `now` sends this one, and what the turn held before it, at once (a
   * stream's first delta).
   */
  send(text: string, now?: boolean): void;
  /**
   * Backpressure for streams: undefined when the socket's send buffer is below its high-water mark,
   * else a promise that resolves once it is (or the socket closed).
   */
  drained(): Promise<void> | undefined;
}
