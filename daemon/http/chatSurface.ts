/**
 * What the chat HTTP surfaces share (OpenAI `POST /v1/chat/completions`, Anthropic
 * `POST /v1/messages`): read the client's JSON body, route its `model` to a connection
 * (modelRouting.ts), run it through the ChatService with the attempt each connection calls for —
 * forwarding the bytes to a connection of the client's own format, translating to another — and
 * answer every failure in the client's own error shape: before the answer's head as an error reply
 * (the upstream's own 4xx when it can be relayed), after it as the stream's error event. The client
 * going away aborts the upstream request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { Attempt, ChatService, PreparedChat } from '../chat/chatService';
import type { StreamRegistry } from '../chat/streamRegistry';
import type { ConnectionService } from '../connections/service';
import { relayableReply } from '../forward/forwarder';
import { estimateFromBody } from '../chat/tokenEstimate';
import type { Logger } from '../log';
import type { Caller } from '../tokens/caller';
import type { RequestOrigin } from '../audit/activityAudit';
import { routeModel } from './modelRouting';
import { readJsonBody } from './readBody';

export interface ChatSurfaceDeps {
  chat: ChatService;
  connections: ConnectionService;
  log: Logger;
  /**
   * The daemon's running answers, shared with JSON-RPC's `chat/stream`: an HTTP answer takes a slot
   * of its caller (the owner, or one tool token) and of the daemon, under the same caps.
   */
  streams: StreamRegistry;
}

let httpStreamSeq = 0;

/** The HTTP callers' slots in the stream registry: one "client" per tool token, one for the owner. */
const httpClientOf = (caller: Caller): string =>
  caller.kind === 'tool' ? `http:tool:${caller.tokenId}` : 'http:owner';

/** The client's body: its JSON object, and the bytes it came as (forwarded byte for byte) and their text. */
export interface ClientBody {
  value: Record<string, unknown>;
  text: string;
  bytes: Buffer;
}

/** The route and the caller, as the audit log names them: `POST /v1/chat/completions`, `tool token "ci"`. */
function httpOrigin(req: IncomingMessage, caller: Caller): RequestOrigin {
  // The path only (a query may carry anything), and bounded: the route is ours, the rest is the caller's.
  const path = (req.url ?? '/').split('?')[0]!.slice(0, 200);
  return {
    surface: `${req.method ?? 'POST'} ${path}`,
    client: caller.kind === 'tool' ? `tool token "${caller.name}"` : 'http',
  };
}

/** How one surface speaks errors. */
export interface SurfaceErrors {
  /** Answers with the error, nothing having been sent yet. `status` overrides the one the code maps to. */
  send(res: ServerResponse, error: SwitchboardError, status?: number): void;
  /** The event that ends a stream cut by `error` (the client's SDK raises it). */
  streamEvent(error: SwitchboardError): string;
}

export interface ChatSurface {
  errors: SurfaceErrors;
  /**
   * What must hold before anything goes upstream (e.g. `messages` is a list): the rest is the
   * upstream's to judge on a forward, the translator's on a translation.
   */
  check(body: Record<string, unknown>): SwitchboardError | undefined;
  /** The output tokens the request may use (`max_tokens`…), for admission's estimate. */
  maxTokens(body: Record<string, unknown>): number | undefined;
  /**
   * The attempt for one connection: forward when it speaks the client's format, translate
   * otherwise. May throw a VALIDATION SwitchboardError (the body cannot be translated for this
   * connection): that ends the request with a 400 naming the field.
   */
  attemptFor(body: ClientBody, prepared: PreparedChat, res: ServerResponse): Attempt<unknown>;
}

/** Serves one chat request for `caller` (a tool token is held to its connections and budget). */
export async function serveChat(
  deps: ChatSurfaceDeps,
  req: IncomingMessage,
  res: ServerResponse,
  caller: Caller,
  surface: ChatSurface,
): Promise<void> {
  const raw = await readJsonBody(req);
  if (!raw.ok) {
    const error = new SwitchboardError(ErrorCode.VALIDATION, raw.message, { hint: 'Send a JSON object as the body.' });
    // A refused body may still be arriving: close the connection rather than leave it unread on a keep-alive socket.
    if (raw.status === 413) res.setHeader('connection', 'close');
    surface.errors.send(res, error, raw.status);
    return;
  }
  const value = raw.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    surface.errors.send(res, invalid('body', 'must be a JSON object.'));
    return;
  }
  const body: ClientBody = { value: value as Record<string, unknown>, text: raw.text, bytes: raw.bytes };
  const model = body.value['model'];
  if (typeof model !== 'string' || model === '') {
    surface.errors.send(
      res,
      invalid(
        'model',
        typeof model === 'string'
          ? 'must not be empty.'
          : 'is required: name a connection, `<connection>/<model>`, or a model of the default connection.',
      ),
    );
    return;
  }

  const refused = surface.check(body.value);
  if (refused) {
    surface.errors.send(res, refused);
    return;
  }

  const slot = deps.streams.open(httpClientOf(caller), String(++httpStreamSeq));
  if ('refused' in slot) {
    // Ids are unique per request, so only a cap can refuse.
    const limit = slot.refused === 'exists' ? 0 : slot.limit;
    const scope =
      slot.refused === 'perClient'
        ? caller.kind === 'tool'
          ? `for the tool token "${caller.name}"`
          : 'for the owner over HTTP'
        : 'in the daemon (all clients together)';
    surface.errors.send(
      res,
      new SwitchboardError(ErrorCode.RATE_LIMITED, `Too many answers at once: ${limit} are already running ${scope}.`, {
        hint: 'Wait for some to finish, then send this one again.',
        retryAfterMs: 1000,
        limit,
      }),
    );
    return;
  }
  // The client hanging up mid-answer must stop the upstream request too; so must the daemon stopping
  // (the registry aborts the slot's signal then). One signal per request: it is on the hot path.
  const signal = slot.signal;
  res.once('close', () => {
    if (!res.writableFinished) slot.abort('disconnected');
    slot.close();
  });
  try {
    const route = routeModel(model, deps.connections.names());
    // Every member present (undefined when absent): one shape for every request (see usageEvent in chatService.ts).
    const prepared = deps.chat.prepare({
      connectionId: route.connectionId,
      model: route.model,
      messages: [],
      estimate: estimateFromBody(raw.text.length, surface.maxTokens(body.value)),
      caller,
      origin: httpOrigin(req, caller),
    });
    await deps.chat.runWith(prepared, (attempt) => surface.attemptFor(body, attempt, res), signal);
  } catch (error) {
    const mapped =
      error instanceof SwitchboardError
        ? error
        : new SwitchboardError(ErrorCode.UPSTREAM_ERROR, 'The request failed inside the daemon.', {
            hint: 'See daemon.log in the Switchboard home.',
          });
    if (!(error instanceof SwitchboardError)) deps.log.error('chat request failed', { error });
    if (res.headersSent) {
      // Mid-stream: no terminator follows the error event, so nobody mistakes it for a whole answer.
      if (!res.writableEnded) res.end(surface.errors.streamEvent(mapped));
    } else if (!res.writableEnded && !signal.aborted) {
      const reply = relayableReply(mapped);
      if (reply) {
        res.writeHead(reply.status, {
          'content-type': reply.contentType,
          'content-length': Buffer.byteLength(reply.body),
        });
        res.end(reply.body);
      } else surface.errors.send(res, mapped);
    }
  } finally {
    // Freed when the answer is over, whether or not the client has closed the socket yet.
    slot.close();
  }
}

/** A 400 naming the field. */
export function invalid(field: string, problem: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.VALIDATION, `${field}: ${problem}`, {
    hint: `Fix \`${field}\` in the request body.`,
    field,
  });
}

export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `messages` must be a non-empty list (both APIs say so; refused here, it costs the upstream nothing). */
export function checkMessages(body: Record<string, unknown>): SwitchboardError | undefined {
  const messages = body['messages'];
  if (messages === undefined) return invalid('messages', 'is required.');
  if (!Array.isArray(messages)) return invalid('messages', 'must be a list of messages.');
  if (messages.length === 0) return invalid('messages', 'must hold at least one message.');
  return undefined;
}

/**
 * Reads the client's body for translation to `prepared`'s connection; a field that cannot be
 * carried there is a 400 naming it and the connection (thrown before anything goes upstream).
 */
export function readForTranslation<T>(read: () => T, prepared: PreparedChat): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SwitchboardError && error.code === ErrorCode.VALIDATION) {
      error.data.connectionId ??= prepared.stored.id;
      error.data.hint = `${error.data.hint} (The request goes to "${prepared.stored.name}", a ${prepared.conn.provider.name} connection, so it is translated.)`;
    }
    throw error;
  }
}
