/**
 * The one interface between the daemon and the providers for neutral chats. One adapter per wire
 * format, each using the official SDK where it serves (model lists, requests and errors); no SDK is
 * imported outside `daemon/providers/`. The forwarding path (`daemon/forward/`) relays bytes
 * instead, and the OpenAI adapter sends its chats with that path's HTTP code.
 *
 * Adapters throw only `SwitchboardError`s, already mapped by `upstreamErrors.ts` (the one boundary
 * that looks at SDK and network errors, and scrubs keys out of upstream messages).
 */
import type { RateLimitReport } from '../chat/ports';
import type {
  ChatMessage,
  ChatOptions,
  ModelInfo,
  Provider,
  RateLimitInfo,
  StreamDelta,
  Usage,
} from '../../shared/protocol';

/** A connection with everything needed to call its provider, key included. Never leaves the daemon. */
export interface ResolvedConnection {
  id: string;
  name: string;
  provider: Provider;
  baseUrl: string;
  /** Undefined for keyless local servers. */
  apiKey?: string;
  organization?: string;
  /** Azure OpenAI `api-version`. */
  apiVersion?: string;
  headers?: Record<string, string>;
  /**
   * AWS Bedrock: region and credential kind; `apiKey` is then the secret access key (`accessKeys`)
   * or the Bedrock API key (`apiKey`), and `sessionToken` the temporary credentials' token.
   */
  aws?: {
    region: string;
    auth: 'accessKeys' | 'apiKey' | 'profile';
    accessKeyId?: string;
    profile?: string;
    sessionToken?: string;
  };
  /** Idle timeout: the longest the upstream may stay silent (before headers or between chunks). */
  timeoutMs: number;
  maxRetries: number;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  options?: ChatOptions;
}

/** Rate-limit figures the upstream reported in its headers; declared in the protocol, where they are stored on the connection. */
export type { RateLimitInfo } from '../../shared/protocol';

/**
 * What a stream yields, in order: the answer's deltas (text, reasoning, tool-call pieces — several
 * per chunk, as one upstream read delivered them: one hop through the async iterator instead of one
 * each), then usage and the finish reason when the upstream sends them. Read text through
 * `textsOf()` (chunkText.ts).
 */
export type ChatChunk =
  | { type: 'deltas'; deltas: StreamDelta[] }
  | { type: 'usage'; usage: Usage }
  /** `stopSequence`: the stop sequence that ended the answer, when the provider says. */
  | { type: 'finish'; reason: string; stopSequence?: string }
  /** A report: the figures, or a function that reads them from the answer's headers when they are recorded. */
  | { type: 'rateLimits'; info: RateLimitReport };

export interface ProviderAdapter {
  listModels(conn: ResolvedConnection, signal: AbortSignal): Promise<ModelInfo[]>;
  /**
   * Streams a completion. The iterable ends normally only when the upstream sent its terminator
   * (`[DONE]` / `message_stop`, or at least a finish reason); otherwise it throws INCOMPLETE.
   * Aborting `signal` stops the upstream request (the socket is closed).
   */
  stream(conn: ResolvedConnection, request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatChunk>;
  /** Bedrock: whether the account may call `model` in the connection's region (never throws but for `signal`). */
  modelAccess?(
    conn: ResolvedConnection,
    model: string,
    signal: AbortSignal,
  ): Promise<{ granted: boolean; reason: string }>;
}
