/** `events/subscribe` and the notifications it turns on, so every client stays in sync. */
import { z } from 'zod';
import { Connection, TestResult } from './connections';

/** Event names a client may subscribe to. */
export const EventName = z.enum([
  'connections/changed',
  'connections/tested',
  'connections/statusChanged',
  'usage/budgetWarning',
  'connections/quotaWarning',
]);
/** Event names a client may subscribe to. */
export type EventName = z.infer<typeof EventName>;

/** Params of `events/subscribe`. */
export const EventsSubscribeParams = z.strictObject({ events: z.array(EventName).optional() }).optional();

/** Params of `connections/changed`. */
export const ConnectionsChangedParams = z.looseObject({
  kind: z.enum(['created', 'updated', 'deleted', 'defaultChanged', 'keyChanged']),
  id: z.string(),
  /** The connection after the change (before it, for `deleted`). */
  connection: Connection,
});
/** Params of `connections/changed`. */
export type ConnectionsChangedParams = z.infer<typeof ConnectionsChangedParams>;

/** Params of `connections/tested`. */
export const ConnectionsTestedParams = z.looseObject({
  id: z.string(),
  result: TestResult,
  /** What ran the test (absent from daemons before test history). */
  trigger: z.enum(['manual', 'scheduled', 'chat']).optional(),
});
/** Params of `connections/tested`. */
export type ConnectionsTestedParams = z.infer<typeof ConnectionsTestedParams>;
