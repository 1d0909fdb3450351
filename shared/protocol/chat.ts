/**
 * `chat/*`: streamed completions. The client names the stream; `chat/delta` notifications carry the
 * text as it arrives; the response to `chat/stream` closes it (LSP's partial-result pattern).
 */
import { z } from 'zod';
import { ChatMessage, Id, ModelId } from './fields';
import { notification, request, result } from './rpc';
import type { Usage } from './types';

/** Generation options, mapped to each wire format by the daemon. */
export const ChatOptions = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.int().min(1).max(1_000_000).optional(),
  topP: z.number().min(0).max(1).optional(),
  stop: z.array(z.string().min(1).max(200)).max(8).optional(),
  /** A system prompt, sent as the provider expects (a system message, or Anthropic's `system`). */
  system: z.string().max(1_000_000).optional(),
});
/** Generation options. */
export type ChatOptions = z.infer<typeof ChatOptions>;

/** Params of `chat/stream`. */
export const ChatStreamParams = z.strictObject({
  /** Chosen by the client, unique among its running streams; deltas and cancel refer to it. */
  streamId: z.string().min(1).max(128),
  connectionId: Id.optional(),
  /** The workspace's choice, used when `connectionId` is absent. */
  workspaceConnectionId: Id.optional(),
  /** Defaults to the connection's `defaultModel`. */
  model: ModelId.optional(),
  messages: z.array(ChatMessage).min(1, 'must hold at least one message').max(10_000),
  options: ChatOptions.optional(),
});
/** Params of `chat/stream`. */
export type ChatStreamParams = z.infer<typeof ChatStreamParams>;

/** Result of `chat/stream`. */
export interface ChatStreamResult {
  /** The whole answer, equal to the concatenated deltas. */
  text: string;
  /** `stop`, `length`, `content_filter`, `tool_calls`, … as the provider said, normalised to OpenAI's words. */
  finishReason: string;
  usage?: Usage;
  /** The connection that answered (a fallback when the ones before it were skipped). */
  connectionId: string;
  connectionName: string;
  model: string;
  latency: { firstTokenMs: number | null; totalMs: number };
  /** US dollars, from the catalog's price; `null` when the model's price is unknown; absent without usage. */
  costUsd?: number | null;
  /** Connections tried before the one that answered, and why each was skipped. */
  skipped?: SkippedConnection[];
}

/** A connection a request fell back from. */
export interface SkippedConnection {
  connectionId: string;
  name: string;
  model: string;
  /** The error code it failed with (`RATE_LIMITED`, `UNREACHABLE`, `TIMEOUT`, `UPSTREAM_ERROR`). */
  code: string;
  message: string;
}
/** Streams a completion. */
export const ChatStream = request('chat/stream', ChatStreamParams, result<ChatStreamResult>());

/** Params of `chat/delta`. */
export const ChatDeltaParams = z.strictObject({ streamId: z.string(), index: z.int().min(0), text: z.string() });
/** A piece of streamed text; `index` counts from 0 with no gaps. */
export const ChatDelta = notification('chat/delta', ChatDeltaParams);

/** Cancels a running stream; its `chat/stream` request then fails with `CANCELLED`. */
export const ChatCancel = request('chat/cancel', z.strictObject({ streamId: z.string().min(1).max(128) }), result<{ cancelled: boolean }>());
