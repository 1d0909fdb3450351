/** `chat/stream` and `chat/cancel`: streamed completions over JSON-RPC, one AbortController per stream. */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import { ChatCancel, ChatDelta, ChatStream } from '../../shared/protocol';
import type { ChatService, ChatSink } from '../chat/chatService';
import type { AbortCause, StreamRegistry } from '../chat/streamRegistry';
import { onAbort } from '../abortHooks';
import type { Router } from './router';
import { textDeltaSerializer } from './textDeltas';

const CANCEL_MESSAGES: Record<AbortCause, string> = {
  cancelled: 'The stream was cancelled by chat/cancel.',
  disconnected: 'The stream was cancelled because the client disconnected.',
  shutdown: 'The stream was cancelled because the daemon is shutting down.',
};

export interface ChatHandlerDeps {
  chat: ChatService;
  streams: StreamRegistry;
}

export function registerChatHandlers(router: Router, { chat, streams }: ChatHandlerDeps): void {
  router.on(ChatStream, async (params, { session }) => {
    const prepared = chat.prepare({
      ...params,
      caller: session.caller,
      origin: { surface: 'chat/stream', client: session.clientName },
    });
    const running = streams.open(session.id, params.streamId);
    if ('refused' in running) {
      if (running.refused === 'exists') {
        throw new SwitchboardError(
          ErrorCode.STREAM_EXISTS,
          `A stream with id "${params.streamId}" is already running on this connection.`,
          { hint: 'Use a fresh streamId for every chat/stream request (e.g. a UUID).' },
        );
      }
      const scope =
        running.refused === 'perClient' ? 'on this connection to the daemon' : 'in the daemon (all clients together)';
      throw new SwitchboardError(
        ErrorCode.RATE_LIMITED,
        `Too many chat streams at once: ${running.limit} are already running ${scope}.`,
        {
          hint: 'Wait for some to finish (or cancel them with chat/cancel), then send this one again.',
          retryAfterMs: 1000,
          limit: running.limit,
        },
      );
    }
    // The session's signal sees every stream of the session: see abortHooks.ts.
    const offClosed = onAbort(session.closed, () => streams.cancel(session.id, params.streamId, 'disconnected'));
    const streamId = params.streamId;
    const textDelta = textDeltaSerializer(streamId);
    // The first delta leaves at once (`now`); the rest in one write per turn (wsSession.ts).
    const sink: ChatSink = {
      text: (index, text) => {
        session.send(textDelta(index, text), index === 0);
        // Stop reading from upstream while the client is slow: the socket buffer must not grow without bound.
        return session.drained();
      },
    };
    // Typed deltas only for clients that asked: a client of the first protocol reads every
    // chat/delta as text (see DeltaMode), so it is sent nothing else.
    if (params.deltas === 'typed') {
      sink.text = (index, text) => {
        session.notify(ChatDelta, { streamId, index, type: 'text', text }, index === 0);
        return session.drained();
      };
      sink.delta = (index, delta) => {
        session.notify(ChatDelta, { streamId, index, ...delta }, index === 0);
        return session.drained();
      };
    }
    try {
      return await chat.run(prepared, sink, running.signal);
    } catch (error) {
      const cause = running.cause();
      if (cause && error instanceof SwitchboardError && error.code === ErrorCode.CANCELLED) {
        throw new SwitchboardError(ErrorCode.CANCELLED, CANCEL_MESSAGES[cause], {
          ...error.data,
          hint: 'Send the request again to get a full answer.',
        });
      }
      throw error;
    } finally {
      offClosed();
      running.close();
    }
  });

  router.on(ChatCancel, ({ streamId }, { session }) => ({ cancelled: streams.cancel(session.id, streamId) }));
}
