/** `events/subscribe` and the notifications it turns on, so every client stays in sync. */
import { z } from 'zod';
import { notification, request, result } from './rpc';
import { Connection, TestResult } from './connections';

/** Event names a client may subscribe to. */
export const EventName = z.enum(['connections/changed', 'connections/tested', 'usage/budgetWarning']);
/** Event names a client may subscribe to. */
export type EventName = z.infer<typeof EventName>;

/** Subscribes this client to events (all of them when `events` is omitted). */
export const EventsSubscribe = request('events/subscribe', z.strictObject({ events: z.array(EventName).optional() }).optional(), result<{ events: EventName[] }>());

/** Params of `connections/changed`. */
export const ConnectionsChangedParams = z.looseObject({
  kind: z.enum(['created', 'updated', 'deleted', 'defaultChanged', 'keyChanged']),
  id: z.string(),
  /** The connection after the change (before it, for `deleted`). */
  connection: Connection,
});
/** Params of `connections/changed`. */
export type ConnectionsChangedParams = z.infer<typeof ConnectionsChangedParams>;
/** A connection was created, changed, deleted, made default, or its key changed. */
export const ConnectionsChanged = notification('connections/changed', ConnectionsChangedParams);

/** Params of `connections/tested`. */
export const ConnectionsTestedParams = z.looseObject({ id: z.string(), result: TestResult });
/** Params of `connections/tested`. */
export type ConnectionsTestedParams = z.infer<typeof ConnectionsTestedParams>;
/** A saved connection was tested (on request or on schedule). */
export const ConnectionsTested = notification('connections/tested', ConnectionsTestedParams);
