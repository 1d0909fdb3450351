/**
 * Typed method descriptors: every JSON-RPC method and notification is declared once as a value that
 * the daemon, the extension, the CLI and the client library all import (the model is LSP's
 * `RequestType<P, R>`). A rename breaks the build on both sides, never the wire.
 *
 * Each descriptor carries a zod schema for its params, so the daemon validates exactly what the type
 * promises and answers -32602 naming the offending field.
 */
import type { z } from 'zod';

/** Marker carrying a result type at compile time only. */
export interface Phantom<T> {
  readonly __phantom?: T;
}

/** Declares the result type of a request: `request('x/y', Params, result<XYResult>())`. */
export function result<T>(): Phantom<T> {
  return {};
}

/** A request: the client sends params and waits for exactly one result or error. */
export interface RequestType<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly params: z.ZodType<P>;
  readonly __result?: R;
}

/** A notification: fire-and-forget, either direction; never answered. */
export interface NotificationType<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly params: z.ZodType<P>;
}

/** Declares a request method. */
export function request<S extends z.ZodType, R>(method: string, params: S, _result: Phantom<R>): RequestType<z.output<S>, R> {
  return { kind: 'request', method, params: params as z.ZodType<z.output<S>> };
}

/** Declares a notification method. */
export function notification<S extends z.ZodType>(method: string, params: S): NotificationType<z.output<S>> {
  return { kind: 'notification', method, params: params as z.ZodType<z.output<S>> };
}

/** The params type of a descriptor. */
export type ParamsOf<T> = T extends RequestType<infer P, unknown> ? P : T extends NotificationType<infer P> ? P : never;
/** The result type of a request descriptor. */
export type ResultOf<T> = T extends RequestType<unknown, infer R> ? R : never;
