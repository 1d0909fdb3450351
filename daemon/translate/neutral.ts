/**
 * The daemon's side of the neutral chat model (shared/protocol/chatModel.ts): a request and a whole
 * answer as the translators produce and consume them. Pure data; nothing here does I/O.
 */
import type { AssistantPart, ChatMessage, ChatOptions, StreamDelta, ToolCall, Usage } from '../../shared/protocol';

/** A chat request in the neutral model, as read from a client's body or built for a provider. */
export interface NeutralRequest {
  model: string;
  messages: ChatMessage[];
  options: ChatOptions;
  /** The client asked for a streamed answer. */
  stream: boolean;
  /** OpenAI clients: `stream_options.include_usage` (a last chunk with usage). */
  includeUsage?: boolean;
}

/** Finish reasons in OpenAI's words, the neutral model's vocabulary. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** A whole answer: what a non-streamed response holds, or what a stream adds up to. */
export interface NeutralAnswer {
  /** Reasoning blocks (with signatures), redacted reasoning and text, in the order produced. */
  content: AssistantPart[];
  toolCalls: ToolCall[];
  finishReason: FinishReason | string;
  /** The stop sequence that ended the answer, when the provider says (Anthropic). */
  stopSequence?: string;
  usage?: Usage;
}

/** The neutral end of a stream: what comes after the last delta. */
export interface StreamEnd {
  finishReason: FinishReason | string;
  stopSequence?: string;
  usage?: Usage;
}

export type { StreamDelta };
