/**
 * Who is asking: the owner (the owner token from `daemon.json`, or anyone on the 0700 Unix socket)
 * or a tool holding a tool token. Decided once per HTTP request and per WebSocket (in
 * `server/access.ts`), carried with the request, and checked here — one place for each rule a tool
 * token is held to: which JSON-RPC methods it may call and which connections it may use.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import { ChatCancel, ChatStream, ConnectionsList, DaemonHello, ModelsList, type Budget } from '../../shared/protocol';

/** A request made with a tool token, as the token was when the request was authenticated. */
export interface ToolCaller {
  readonly kind: 'tool';
  readonly tokenId: string;
  readonly name: string;
  /** Ids of the connections it may use; undefined: every connection. */
  readonly connections?: readonly string[];
  readonly budget?: Budget;
}

export type Caller = { readonly kind: 'owner' } | ToolCaller;

/** The owner: everything is allowed. */
export const OWNER: Caller = Object.freeze({ kind: 'owner' as const });

/**
 * The JSON-RPC methods a tool token may call: inference and what a tool needs to offer a model
 * picker. `daemon/hello` is how every client introduces itself. Everything else (changing
 * connections, keys, providers, prices, tokens, settings, reading usage or the audit log, shutting
 * the daemon down) needs the owner token.
 */
const TOOL_METHODS: ReadonlySet<string> = new Set([
  DaemonHello.method,
  ChatStream.method,
  ChatCancel.method,
  ModelsList.method,
  ConnectionsList.method,
]);

const OWNER_HINT =
  'Use the owner token (`token` in daemon.json in the Switchboard home), or the Switchboard CLI or VS Code extension, for anything but inference.';

/** Throws FORBIDDEN when a tool token calls a method that needs the owner token. */
export function assertMethodAllowed(caller: Caller, method: string): void {
  if (caller.kind === 'owner' || TOOL_METHODS.has(method)) return;
  throw new SwitchboardError(
    ErrorCode.FORBIDDEN,
    `Tool token "${caller.name}" cannot call ${method}: tool tokens only run inference (chat/stream, chat/cancel, models/list, connections/list); ${method} needs the owner token.`,
    {
      hint: OWNER_HINT,
      tokenId: caller.tokenId,
    },
  );
}

/** Whether the caller may use the connection with this id. */
export function mayUseConnection(caller: Caller, connectionId: string): boolean {
  return caller.kind === 'owner' || caller.connections === undefined || caller.connections.includes(connectionId);
}

/**
 * Throws FORBIDDEN when a tool token's scope does not include the connection. A request routed to it
 * by a fallback is refused the same way, so a fallback outside the scope is skipped.
 */
export function assertConnectionAllowed(caller: Caller, connection: { id: string; name: string }): void {
  if (mayUseConnection(caller, connection.id)) return;
  throw new SwitchboardError(
    ErrorCode.FORBIDDEN,
    `Tool token "${(caller as ToolCaller).name}" may not use connection "${connection.name}".`,
    {
      hint: 'Use a connection the token names (GET /v1/models lists them), or create a tool token for this connection: switchboard tokens create --name NAME --connections NAME.',
      connectionId: connection.id,
      tokenId: (caller as ToolCaller).tokenId,
    },
  );
}
