/**
 * One answer for VS Code's language-model API, streamed through the daemon's `chat/stream` with typed
 * deltas, so limits, budgets, usage and cost, fallbacks and key custody apply as for every client.
 * No `vscode` import: unit-tested with a scripted daemon.
 *
 * - Text is reported as it arrives, in delta order.
 * - Tool calls are reported once their arguments are complete (VS Code's tool-call part carries the
 *   parsed input, not pieces), in the order the model made them, when the answer ends.
 * - Reasoning is not reported: VS Code 1.104's stable API has no part for it.
 * - Cancelling sends `chat/cancel`; the daemon stops the upstream and the request ends CANCELLED.
 */
import { randomUUID } from 'node:crypto';
import type { Disposable } from '../../shared/client';
import { ChatCancel, ChatDelta, ChatStream, type ChatDeltaParams, type ChatStreamParams, type ChatStreamResult, type NotificationType, type RequestType } from '../../shared/protocol';

/** The request timeout of `chat/stream`: the daemon bounds a stream itself (idle timeout, cancel). */
const STREAM_REQUEST_TIMEOUT_MS = 60 * 60_000;

export interface LmStreamDeps {
  request<P, R>(descriptor: RequestType<P, R>, params: P, opts?: { timeoutMs?: number }): Promise<R>;
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): Disposable;
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

export async function streamAnswer(deps: LmStreamDeps, params: Omit<ChatStreamParams, 'streamId' | 'deltas'>, sink: LmSink, token: LmCancellation): Promise<ChatStreamResult> {
  const streamId = `lm-${randomUUID()}`;
  let next = 0;
  const early = new Map<number, ChatDeltaParams>();
  const deliver = (d: ChatDeltaParams) => {
    if ('text' in d && d.text !== '') sink.text(d.text);
  };
  const subscription = deps.onNotification(ChatDelta, (d) => {
    if (d.streamId !== streamId) return;
    if (d.index !== next) {
      early.set(d.index, d);
      return;
    }
    deliver(d);
    next++;
    for (let e = early.get(next); e !== undefined; e = early.get(next)) {
      early.delete(next);
      deliver(e);
      next++;
    }
  });
  const cancel = () => void deps.request(ChatCancel, { streamId }).catch(() => undefined);
  const cancellation = token.onCancellationRequested(cancel);
  try {
    if (token.isCancellationRequested) throw new CancelledBeforeStart();
    const result = await deps.request(ChatStream, { ...params, streamId, deltas: 'typed' }, { timeoutMs: STREAM_REQUEST_TIMEOUT_MS });
    for (const call of result.toolCalls ?? []) sink.toolCall(call.id, call.name, parseArguments(call.name, call.arguments));
    return result;
  } finally {
    cancellation.dispose();
    subscription.dispose();
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
