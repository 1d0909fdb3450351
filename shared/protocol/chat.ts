/**
 * `chat/*`: streamed completions. The client names the stream; `chat/delta` notifications carry the
 * answer as it arrives; the response to `chat/stream` closes it (LSP's partial-result pattern).
 * Messages, tools, images, reasoning and structured output use the neutral chat model (chatModel.ts).
 */
import { z } from 'zod';
import {
  ChatMessage,
  ReasoningOptions,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
  type AssistantMessage,
  type AssistantPart,
  type ToolCall,
} from './chatModel';
import { Id, ModelId } from './fields';
import type { Usage } from './types';

/** Generation options, mapped to each wire format by the daemon (docs/translation.md). */
export const ChatOptions = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.int().min(1).max(1_000_000).optional(),
  topP: z.number().min(0).max(1).optional(),
  /** Anthropic's `top_k`; refused on OpenAI-format connections (they have none). */
  topK: z.int().min(1).max(1_000_000).optional(),
  stop: z.array(z.string().min(1).max(200)).max(8).optional(),
  /** A system prompt, sent as the provider expects (a system message, or Anthropic's `system`). */
  system: z.string().max(1_000_000).optional(),
  /** Tools the model may call; its calls arrive as `toolCall`/`toolArguments` deltas and in the result's `toolCalls`. */
  tools: z.array(ToolDefinition).max(1000).optional(),
  toolChoice: ToolChoice.optional(),
  /** `false`: at most one tool call per answer (OpenAI `parallel_tool_calls`, Anthropic `disable_parallel_tool_use`). */
  parallelToolCalls: z.boolean().optional(),
  responseFormat: ResponseFormat.optional(),
  reasoning: ReasoningOptions.optional(),
  /** OpenAI's `seed`; refused on Anthropic connections (no counterpart). */
  seed: z.int().optional(),
  /** OpenAI's penalties (-2…2); refused on Anthropic connections. */
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  /** An end-user id for the provider's abuse monitoring (OpenAI `user`, Anthropic `metadata.user_id`). */
  user: z.string().max(256).optional(),
});
/** Generation options. */
export type ChatOptions = z.infer<typeof ChatOptions>;

/**
 * Which `chat/delta` notifications a stream sends. `text` (the default, what every client before
 * typed deltas understood): only `{streamId, index, text}` for answer text. `typed`: every delta,
 * each with a `type` — text, reasoning, signatures, tool calls and their argument pieces.
 */
export const DeltaMode = z.enum(['text', 'typed']);
/** Which deltas a stream sends. */
export type DeltaMode = z.infer<typeof DeltaMode>;

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
  /** `typed` to receive reasoning and tool-call deltas too (see {@link DeltaMode}); default `text`. */
  deltas: DeltaMode.optional(),
  /**
   * Who is asking, for the usage ledger's `client` column (e.g. "VS Code chat" for requests from
   * VS Code's own chat through the model picker). Absent: the usage is not split by client.
   */
  client: z.string().trim().min(1).max(80).optional(),
});
/** Params of `chat/stream`. */
export type ChatStreamParams = z.infer<typeof ChatStreamParams>;

/** Result of `chat/stream`. */
export interface ChatStreamResult {
  /** The whole answer's text, equal to the concatenated text deltas. */
  text: string;
  /** The tools the model called, in order, arguments complete (finishReason is then `tool_calls`). */
  toolCalls?: ToolCall[];
  /** The reasoning text, concatenated, when the model streamed some. */
  reasoning?: string;
  /** The answer in order — reasoning blocks with their signatures, then text — when it holds more than text. */
  content?: AssistantPart[];
  /**
   * The assistant turn to append to `messages` for the next request: content (reasoning and its
   * signatures kept, as providers require in tool loops) and tool calls. Sent by every daemon since typed deltas.
   */
  message?: AssistantMessage;
  /** `stop`, `length`, `content_filter`, `tool_calls`, … as the provider said, normalised to OpenAI's words. */
  finishReason: string;
  /** The stop sequence that ended the answer, when the provider says which (Anthropic). */
  stopSequence?: string;
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

const deltaBase = { streamId: z.string(), index: z.int().min(0) };
/** A piece of answer text, as every client reads it (`deltas: "text"`, the default). */
export const TextDeltaParams = z.strictObject({ ...deltaBase, text: z.string() });
/** A piece of answer text. */
export type TextDeltaParams = z.infer<typeof TextDeltaParams>;
/**
 * Deltas of `deltas: "typed"` streams. Only text deltas carry a `text` key, so a reader that looks
 * for `text` never takes reasoning or tool arguments for answer text.
 */
export const TypedDeltaParams = z.discriminatedUnion('type', [
  z.strictObject({ ...deltaBase, type: z.literal('text'), text: z.string() }),
  z.strictObject({ ...deltaBase, type: z.literal('reasoning'), reasoning: z.string() }),
  /** The signature ending the reasoning block just streamed. */
  z.strictObject({ ...deltaBase, type: z.literal('reasoningSignature'), signature: z.string() }),
  z.strictObject({ ...deltaBase, type: z.literal('redactedReasoning'), data: z.string() }),
  /**
   * A tool call starts; `toolCall` numbers the answer's calls from 0. `signature`: the provider's
   * proof of the reasoning behind the call (Gemini's thought signature), kept in the result's
   * `toolCalls`/`message` — send it back with the call on the next turn.
   */
  z.strictObject({
    ...deltaBase,
    type: z.literal('toolCall'),
    toolCall: z.int().min(0),
    id: z.string(),
    name: z.string(),
    signature: z.string().optional(),
  }),
  /** A piece of tool call `toolCall`'s arguments (JSON text: concatenate the pieces). */
  z.strictObject({ ...deltaBase, type: z.literal('toolArguments'), toolCall: z.int().min(0), arguments: z.string() }),
]);
/** A typed delta. */
export type TypedDeltaParams = z.infer<typeof TypedDeltaParams>;

/** Params of `chat/delta`: a text delta, or (for `deltas: "typed"` streams) a typed one. */
export const ChatDeltaParams = z.union([TextDeltaParams, TypedDeltaParams]);
/** Params of `chat/delta`. */
export type ChatDeltaParams = z.infer<typeof ChatDeltaParams>;

/** The answer text a delta carries, or undefined for reasoning and tool-call deltas. */
export function deltaText(delta: ChatDeltaParams): string | undefined {
  return 'text' in delta ? delta.text : undefined;
}

/** Params of `chat/cancel`. */
export const ChatCancelParams = z.strictObject({ streamId: z.string().min(1).max(128) });
