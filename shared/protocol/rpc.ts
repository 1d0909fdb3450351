/**
 * Typed method descriptors: every JSON-RPC method and notification is declared once, in methods.ts,
 * as a value that the daemon, the extension, the CLI and the client library all import (the model is
 * LSP's `RequestType<P, R>`). A rename breaks the build on both sides, never the wire.
 *
 * A descriptor is a name and two types, and nothing that runs zod, so a client bundle stays small.
 * The daemon validates params with the schema paramsSchemas.ts ties to each descriptor, and answers
 * -32602 naming the offending field. A notification the daemon sends carries a light check of its
 * own (notificationChecks.ts), which a client applies before its handler sees the params.
 */

/** Marker carrying a type at compile time only. */
export interface Phantom<T> {
  readonly __phantom?: T;
}

/** Declares the result type of a request: `request('x/y', params<P>(), result<XYResult>())`. */
export function result<T>(): Phantom<T> {
  return {};
}

/** Declares the params type of a method: `params<z.output<typeof XYParams>>()`. */
export function params<T>(): Phantom<T> {
  return {};
}

/** A request: the client sends params and waits for exactly one result or error. */
export interface RequestType<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly __params?: P;
  readonly __result?: R;
}

/** A notification: fire-and-forget, either direction; never answered. */
export interface NotificationType<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly __params?: P;
  /** Whether a received value has the shape of P: a client drops one that does not. */
  readonly accepts: (value: unknown) => value is P;
}

/** Declares a request method. */
export function request<P, R>(method: string, _params: Phantom<P>, _result: Phantom<R>): RequestType<P, R> {
  return { kind: 'request', method };
}

/** Declares a notification method, with the check a receiver applies to its params. */
export function notification<P>(
  method: string,
  _params: Phantom<P>,
  accepts: (value: unknown) => value is P,
): NotificationType<P> {
  return { kind: 'notification', method, accepts };
}

/** The params type of a descriptor. */
export type ParamsOf<T> = T extends RequestType<infer P, unknown> ? P : T extends NotificationType<infer P> ? P : never;
/** The result type of a request descriptor. */
export type ResultOf<T> = T extends RequestType<unknown, infer R> ? R : never;
