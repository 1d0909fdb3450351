/**
 * Typed method dispatch. Handlers register against the shared descriptors; params are validated with
 * the method's schema (shared/protocol/paramsSchemas.ts) before the handler runs (-32602 naming the field), and every error leaves
 * through one mapping: a SwitchboardError keeps its code, data and (redacted) message; anything else
 * becomes a bare internal error with no stack or cause on the wire.
 *
 * Dispatch itself is json-rpc-2.0's JSONRPCServer; the envelope checks the spec demands and the
 * library does not make (batches, id types, params shape) happen before, in `envelope.ts`.
 */
import { JSONRPCErrorException, JSONRPCServer, type JSONRPCRequest, type JSONRPCResponse } from 'json-rpc-2.0';
import type { z } from 'zod';
import { APPLICATION_ERROR, JsonRpcCode, SwitchboardError } from '../../shared/errors';
import { paramsSchemaOf, type NotificationType, type RequestType } from '../../shared/protocol';
import { redactor } from '../redactor';
import type { Logger } from '../log';
import { assertMethodAllowed } from '../tokens/caller';
import type { ClientSession } from './session';

export interface CallContext {
  readonly session: ClientSession;
}

export type RequestHandler<P, R> = (params: P, ctx: CallContext) => Promise<R> | R;
export type NotificationHandler<P> = (params: P, ctx: CallContext) => void | Promise<void>;

export class Router {
  private readonly server: JSONRPCServer<CallContext>;

  constructor(private readonly log: Logger) {
    this.server = new JSONRPCServer<CallContext>({ errorListener: () => undefined });
    this.server.mapErrorToJSONRPCErrorResponse = (id, error: unknown) => ({
      jsonrpc: '2.0',
      id,
      error: this.toWireError(error),
    });
  }

  /**
   * Registers the handler of a request method. A tool token may call only the inference methods
   * (tokens/caller.ts). `schema` is the protocol's own for the method; only a method outside the
   * protocol (a test's) gives one. Looked up here, so a method without a schema fails at start.
   */
  on<P, R>(
    descriptor: RequestType<P, R>,
    handler: RequestHandler<P, R>,
    schema = paramsSchemaOf(descriptor) as z.ZodType<P>,
  ): void {
    this.server.addMethod(descriptor.method, async (params, ctx) => {
      assertMethodAllowed(ctx.session.caller, descriptor.method);
      return handler(validate(schema, params), ctx);
    });
  }

  /** Registers the handler of a notification the client may send. */
  onNotification<P>(
    descriptor: NotificationType<P>,
    handler: NotificationHandler<P>,
    schema = paramsSchemaOf(descriptor) as z.ZodType<P>,
  ): void {
    this.server.addMethod(descriptor.method, async (params, ctx) => {
      assertMethodAllowed(ctx.session.caller, descriptor.method);
      await handler(validate(schema, params), ctx);
    });
  }

  hasMethod(method: string): boolean {
    return this.server.hasMethod(method);
  }

  /** Handles one request whose envelope is already valid. Resolves to null for a notification. */
  async handle(request: JSONRPCRequest, ctx: CallContext): Promise<JSONRPCResponse | null> {
    return this.server.receive(request, ctx);
  }

  private toWireError(error: unknown): { code: number; message: string; data?: unknown } {
    if (error instanceof SwitchboardError) {
      return {
        code: APPLICATION_ERROR,
        message: redactor.redact(error.message),
        data: redactor.redactDeep(error.toData()),
      };
    }
    if (error instanceof JSONRPCErrorException) {
      return {
        code: error.code,
        message: redactor.redact(error.message),
        ...(error.data === undefined ? {} : { data: redactor.redactDeep(error.data) }),
      };
    }
    this.log.error('internal error in a handler', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return {
      code: JsonRpcCode.InternalError,
      message: 'Internal error. The daemon log (daemon.log in the Switchboard home) has details.',
    };
  }
}

/**
 * Validates params against a descriptor's schema. A failure is -32602 whose message names the first
 * bad field, e.g. `Invalid params: name: must not be empty`, with every issue in `data.issues`.
 */
export function validate<P>(schema: z.ZodType<P>, params: unknown): P {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field:
      [...issue.path, ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])].map(String).join('.') ||
      '(params)',
    message: issue.message,
  }));
  const first = issues[0]!;
  throw new JSONRPCErrorException(`Invalid params: ${first.field}: ${first.message}`, JsonRpcCode.InvalidParams, {
    field: first.field,
    issues,
  });
}
