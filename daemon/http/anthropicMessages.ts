/**
 * `POST /v1/messages` and `POST /v1/messages/count_tokens`: Anthropic's Messages API as Claude Code
 * and the Anthropic SDKs speak it, on every connection:
 * - to an Anthropic connection the client's body is forwarded as sent (only `model` replaced), with
 *   its `anthropic-version` and `anthropic-beta` headers, and the answer's events relayed as bytes;
 * - to an OpenAI-format connection the request is translated and the answer encoded back into
 *   Anthropic events (daemon/translate/).
 * Errors come in Anthropic's shape (anthropicErrors.ts). count_tokens is forwarded to Anthropic
 * connections; elsewhere it is an estimate, and says so.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import { AttemptProgress } from '../chat/chatService';
import { forwardAttempt, relayableReply, wireOf, type ForwardSpec } from '../forward/forwarder';
import { anthropicErrorEvent, sendAnthropicError } from './anthropicErrors';
import {
  checkMessages,
  invalid,
  num,
  serveChat,
  type ChatSurfaceDeps,
  type ClientBody,
  type SurfaceErrors,
} from './chatSurface';
import { routeModel } from './modelRouting';
import { sendJson } from './openaiErrors';
import { readJsonBody } from './readBody';
import { randomBytes } from 'node:crypto';
import type { Attempt } from '../chat/chatService';
import type { Caller } from '../tokens/caller';
import { AnthropicStreamEncoder, fromAnthropicRequest, toAnthropicMessage } from '../translate';
import { translatedAttempt } from './translatedAnswer';

export const anthropicErrors: SurfaceErrors = { send: sendAnthropicError, streamEvent: anthropicErrorEvent };

/** The header that marks a token count as the daemon's estimate rather than the provider's count. */
export const TOKEN_COUNT_HEADER = 'x-switchboard-token-count';

export function messages(
  deps: ChatSurfaceDeps,
  req: IncomingMessage,
  res: ServerResponse,
  caller: Caller,
): Promise<void> {
  let forward: ForwardSpec | undefined;
  return serveChat(deps, req, res, caller, {
    errors: anthropicErrors,
    check: checkMessages,
    maxTokens: (body) => num(body['max_tokens']),
    attemptFor: (body, prepared) =>
      wireOf(prepared.conn) === 'anthropic'
        ? forwardAttempt((forward ??= forwardSpec('messages', body, req, res)))
        : translatedMessages(deps, body, res),
  });
}

/** The translated path: the Messages body in the neutral model, answered as Anthropic events (or one message). */
function translatedMessages(deps: ChatSurfaceDeps, body: ClientBody, res: ServerResponse): Attempt<unknown> {
  return translatedAttempt(
    deps.chat,
    () => fromAnthropicRequest(body.value),
    res,
    (request) => {
      const who = { id: `msg_sb${randomBytes(12).toString('base64url')}`, model: request.model };
      const encoder = new AnthropicStreamEncoder(who);
      return {
        whole: (answer) => toAnthropicMessage(answer, who),
        start: (usage) => encoder.start(usage),
        delta: (d) => encoder.delta(d),
        end: (value, usage) => encoder.end(value.finishReason, usage, value.stopSequence),
      };
    },
  );
}

function forwardSpec(
  endpoint: ForwardSpec['endpoint'],
  body: ClientBody,
  req: IncomingMessage,
  res: ServerResponse,
): ForwardSpec {
  return { endpoint, body: body.bytes, hideUsageChunk: false, clientHeaders: req.headers, res };
}

/**
 * Counts a request's input tokens: the Anthropic connection's own count, forwarded; for another
 * connection an estimate from the text (about four characters a token), marked as such by the
 * `estimated` field and the {@link TOKEN_COUNT_HEADER} header. Not a chat: no admission, no usage.
 */
export async function countTokens(
  deps: ChatSurfaceDeps,
  req: IncomingMessage,
  res: ServerResponse,
  caller: Caller,
): Promise<void> {
  const raw = await readJsonBody(req);
  if (!raw.ok) {
    sendAnthropicError(
      res,
      new SwitchboardError(ErrorCode.VALIDATION, raw.message, { hint: 'Send a JSON object as the body.' }),
      raw.status,
    );
    return;
  }
  const value = raw.value;
  const model = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['model'] : undefined;
  if (typeof model !== 'string' || model === '') {
    sendAnthropicError(
      res,
      invalid('model', 'is required: name a connection, `<connection>/<model>`, or a model of the default connection.'),
    );
    return;
  }
  const refused = checkMessages(value as Record<string, unknown>);
  if (refused) {
    sendAnthropicError(res, refused);
    return;
  }
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  try {
    const route = routeModel(model, deps.connections.names());
    const prepared = deps.chat.prepare({
      ...(route.connectionId && { connectionId: route.connectionId }),
      ...(route.model && { model: route.model }),
      messages: [],
      caller,
    });
    if (wireOf(prepared.conn) === 'anthropic') {
      const attempt = forwardAttempt(
        forwardSpec(
          'messages/count_tokens',
          { value: value as Record<string, unknown>, text: raw.text, bytes: raw.bytes },
          req,
          res,
        ),
      );
      // Rate-limit figures of a count are not kept: it is no chat and spends no capacity.
      await attempt(prepared, new AttemptProgress(() => undefined), controller.signal);
      return;
    }
    sendJson(
      res,
      200,
      { input_tokens: estimateInputTokens(value as Record<string, unknown>), estimated: true },
      { [TOKEN_COUNT_HEADER]: 'estimate' },
    );
  } catch (error) {
    if (res.headersSent || controller.signal.aborted) return;
    const mapped =
      error instanceof SwitchboardError
        ? error
        : new SwitchboardError(ErrorCode.UPSTREAM_ERROR, 'Counting tokens failed inside the daemon.', {
            hint: 'See daemon.log in the Switchboard home.',
          });
    if (!(error instanceof SwitchboardError)) deps.log.error('count_tokens failed', { error });
    const reply = relayableReply(mapped);
    if (reply) {
      res.writeHead(reply.status, {
        'content-type': reply.contentType,
        'content-length': Buffer.byteLength(reply.body),
      });
      res.end(reply.body);
    } else sendAnthropicError(res, mapped);
  }
}

/**
 * About four characters a token over everything the model reads — system, messages, tool
 * definitions — as JSON text (an image counts as its base64, which errs high, the safe side).
 */
export function estimateInputTokens(body: Record<string, unknown>): number {
  let chars = 0;
  for (const key of ['system', 'messages', 'tools', 'tool_choice']) {
    const part = body[key];
    if (part !== undefined) chars += typeof part === 'string' ? part.length : JSON.stringify(part).length;
  }
  return Math.max(1, Math.ceil(chars / 4));
}
