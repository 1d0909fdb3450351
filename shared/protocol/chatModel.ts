/**
 * The neutral chat model: what a chat request and its answer hold, whatever wire format a client
 * or a provider speaks. JSON-RPC `chat/stream` speaks it directly; the daemon translates OpenAI chat
 * completions and Anthropic Messages to and from it (docs/translation.md has the table).
 *
 * Backward compatible with the first protocol: a message `{role, content: string}` and the options
 * `temperature`, `maxTokens`, `topP`, `stop`, `system` mean what they meant.
 */
import { z } from 'zod';

const MAX_TEXT = 4_000_000;
const Text = z.string().max(MAX_TEXT, 'must be at most 4,000,000 characters');

/** A piece of text. */
export const TextPart = z.strictObject({ type: z.literal('text'), text: Text });
/** A piece of text. */
export type TextPart = z.infer<typeof TextPart>;

/**
 * An image: by `url` (http(s), or a `data:` URL), or as base64 `data` with its `mediaType`
 * (`image/png`, `image/jpeg`, `image/gif`, `image/webp`). `detail` is OpenAI's resolution hint.
 */
export const ImagePart = z
  .strictObject({
    type: z.literal('image'),
    url: z.string().min(1).max(MAX_TEXT).optional(),
    data: z.string().min(1).max(20_000_000, 'an image must be at most 20,000,000 base64 characters').optional(),
    mediaType: z
      .string()
      .regex(/^image\/[a-z0-9.+-]+$/, 'must be an image media type such as image/png')
      .optional(),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  })
  .refine((p) => (p.url === undefined) !== (p.data === undefined), 'give either url or data (base64), not both')
  .refine((p) => p.data === undefined || p.mediaType !== undefined, 'base64 data needs its mediaType, e.g. image/png');
/** An image. */
export type ImagePart = z.infer<typeof ImagePart>;

/**
 * The model's reasoning ("thinking"). `signature` is the provider's proof of it: send the block
 * back unchanged, signature included, on the next turn (Anthropic requires it in tool loops).
 */
export const ReasoningPart = z.strictObject({
  type: z.literal('reasoning'),
  text: Text,
  signature: z.string().max(MAX_TEXT).optional(),
});
/** Reasoning text with its signature. */
export type ReasoningPart = z.infer<typeof ReasoningPart>;

/** Reasoning the provider returned encrypted (Anthropic `redacted_thinking`): send it back as it came. */
export const RedactedReasoningPart = z.strictObject({
  type: z.literal('redactedReasoning'),
  data: z.string().max(MAX_TEXT),
});
/** Encrypted reasoning. */
export type RedactedReasoningPart = z.infer<typeof RedactedReasoningPart>;

/** What a user (or a tool result) may hold. */
export const UserPart = z.union([TextPart, ImagePart]);
/** What a user (or a tool result) may hold. */
export type UserPart = z.infer<typeof UserPart>;

/** What an assistant's answer holds, in the order it was produced. */
export const AssistantPart = z.union([TextPart, ReasoningPart, RedactedReasoningPart]);
/** What an assistant's answer holds. */
export type AssistantPart = z.infer<typeof AssistantPart>;

/**
 * A tool call the model made: `arguments` is a JSON object as text, exactly as the model wrote it.
 * `signature` is the provider's opaque proof of the reasoning behind the call (Gemini's thought
 * signature): send the call back with it unchanged on the next turn, or Gemini 3 refuses the request.
 */
export const ToolCall = z.strictObject({
  id: z.string().min(1).max(256),
  name: z.string().min(1).max(256),
  arguments: z.string().max(MAX_TEXT),
  signature: z.string().max(MAX_TEXT).optional(),
});
/** A tool call. */
export type ToolCall = z.infer<typeof ToolCall>;

const Parts = <T extends z.ZodType>(part: T) => z.array(part).max(10_000);

/** Instructions. `developer: true` keeps that the client sent OpenAI's `developer` role (same meaning). */
export const SystemMessage = z.strictObject({
  role: z.literal('system'),
  content: z.union([Text, Parts(TextPart)]),
  developer: z.boolean().optional(),
});
/** A user's message: text, or parts (text and images). */
export const UserMessage = z.strictObject({ role: z.literal('user'), content: z.union([Text, Parts(UserPart)]) });
/** An assistant's turn: text or parts (reasoning first, as it came), and the tools it called. */
export const AssistantMessage = z.strictObject({
  role: z.literal('assistant'),
  content: z.union([Text, Parts(AssistantPart)]).default(''),
  toolCalls: z.array(ToolCall).max(1000).optional(),
});
/** The result of a tool call; `isError` says the tool failed (the content says how). */
export const ToolMessage = z.strictObject({
  role: z.literal('tool'),
  toolCallId: z.string().min(1).max(256),
  content: z.union([Text, Parts(UserPart)]),
  isError: z.boolean().optional(),
});

/** A message of a chat. `{role, content: string}` for system, user and assistant is the simplest form. */
export const ChatMessage = z.discriminatedUnion('role', [SystemMessage, UserMessage, AssistantMessage, ToolMessage]);
/** A message of a chat. */
export type ChatMessage = z.infer<typeof ChatMessage>;
/** A message as a client may write it (assistant `content` may be omitted when it only calls tools). */
export type ChatMessageInput = z.input<typeof ChatMessage>;
/** An assistant's turn. */
export type AssistantMessage = z.infer<typeof AssistantMessage>;

/** A tool the model may call; `parameters` is a JSON Schema of its arguments (an object schema). */
export const ToolDefinition = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'must be 1-128 letters, digits, _ . or -'),
  description: z.string().max(100_000).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  /** OpenAI's strict schema adherence. */
  strict: z.boolean().optional(),
});
/** A tool the model may call. */
export type ToolDefinition = z.infer<typeof ToolDefinition>;

/** `auto` (the model decides), `none`, `required` (some tool), or one named tool. */
export const ToolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ name: z.string().min(1).max(128) }),
]);
/** Which tool the model must call. */
export type ToolChoice = z.infer<typeof ToolChoice>;

/** The shape of the answer: free text, any JSON object, or JSON matching a schema. */
export const ResponseFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
    description: z.string().max(100_000).optional(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().optional(),
  }),
]);
/** The shape of the answer. */
export type ResponseFormat = z.infer<typeof ResponseFormat>;

/**
 * How much the model thinks before answering: an `effort` (OpenAI's `reasoning_effort`) and/or a
 * token `budgetTokens` (Anthropic's `thinking.budget_tokens`); the daemon maps one to the other
 * (docs/translation.md). `effort: "none"` turns reasoning off.
 */
export const ReasoningOptions = z
  .strictObject({
    effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).optional(),
    budgetTokens: z.int().min(1).max(1_000_000).optional(),
  })
  .refine((r) => r.effort !== undefined || r.budgetTokens !== undefined, 'give effort, budgetTokens or both');
/** Reasoning options. */
export type ReasoningOptions = z.infer<typeof ReasoningOptions>;

/** A delta of a streamed answer, as the daemon produces it (the wire form adds streamId and index). */
export type StreamDelta =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; reasoning: string }
  /** The signature of the reasoning block just streamed (it ends that block). */
  | { type: 'reasoningSignature'; signature: string }
  | { type: 'redactedReasoning'; data: string }
  /** A tool call starts; `toolCall` numbers the answer's calls from 0; `signature` as in {@link ToolCall}. */
  | { type: 'toolCall'; toolCall: number; id: string; name: string; signature?: string }
  /** A piece of a tool call's arguments (JSON text: concatenate the pieces). */
  | { type: 'toolArguments'; toolCall: number; arguments: string };
