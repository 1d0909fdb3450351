/**
 * One answer for VS Code's language-model API, streamed through the daemon's `chat/stream` with typed
 * deltas, so limits, budgets, usage and cost, fallbacks and key custody apply as for every client.
 * No `vscode` import: unit-tested with a scripted daemon.
 *
 * The stream is `shared/client`'s (`chatEvents()`): it orders the deltas, cancels and fails a silent
 * stream, as for every client. Here:
 *
 * - Text is reported as it arrives, in delta order.
 * - Tool calls are reported once their arguments are complete (VS Code's tool-call part carries the
 *   parsed input, not pieces), in the order the model made them, when the answer ends.
 * - Reasoning is not reported: VS Code 1.104's stable API has no part for it.
 * - Cancelling ends the stream with CANCELLED and sends `chat/cancel`; the daemon stops the upstream.
 */
import { randomUUID } from 'node:crypto';
import type { ChatCallOptions, ChatEventReply, ChatRequest, Disposable } from '../../shared/client';
import type { ChatStreamParams, ChatStreamResult } from '../../shared/protocol';
import { STREAM_IDLE_TIMEOUT_MS } from '../daemon/streamIdle';

export interface LmStreamDeps {
  /** Starts a `chat/stream` with typed deltas once the daemon is connected: `SwitchboardClient.chatEvents()`. */
  chatEvents(params: ChatRequest, opts: ChatCallOptions): Promise<ChatEventReply>;
}

/** Where the answer goes, as VS Code's progress parts. */
export interface LmSink {
  text(text: string): void;
  toolCall(id: string, name: string, input: object): void;
}

export interface LmCancellation {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): Disposable;
}

/** A tool call whose arguments are not a JSON object: VS Code's part needs one. */
export class ToolArgumentsError extends Error {}

export async function streamAnswer(
  deps: LmStreamDeps,
  params: Omit<ChatStreamParams, 'streamId' | 'deltas'>,
  sink: LmSink,
  token: LmCancellation,
): Promise<ChatStreamResult> {
  if (token.isCancellationRequested) throw new CancelledBeforeStart();
  let reply: ChatEventReply | undefined;
  let cancelled = false;
  const cancellation = token.onCancellationRequested(() => {
    cancelled = true;
    reply?.cancel();
  });
  try {
    reply = await deps.chatEvents(
      { ...params, streamId: `lm-${randomUUID()}` },
      { idleTimeoutMs: STREAM_IDLE_TIMEOUT_MS },
    );
    // Cancelled while the daemon connection was awaited.
    if (cancelled || token.isCancellationRequested) reply.cancel();
    for await (const delta of reply) if (delta.type === 'text' && delta.text !== '') sink.text(delta.text);
    const result = await reply.result;
    for (const call of result.toolCalls ?? [])
      sink.toolCall(call.id, call.name, parseArguments(call.name, call.arguments));
    return result;
  } finally {
    cancellation.dispose();
  }
}

/** VS Code cancelled before the request was sent. */
export class CancelledBeforeStart extends Error {
  constructor() {
    super('The request was cancelled before it started.');
  }
}

function parseArguments(name: string, text: string): object {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // reported below
  }
  throw new ToolArgumentsError(`The model called the tool ${name} with arguments that are not a JSON object.`);
}
