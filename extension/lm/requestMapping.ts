/**
 * VS Code's language-model request → the protocol's neutral chat model (`chat/stream` params).
 * No `vscode` import: parts are told apart by their shape, so this is unit-tested without VS Code,
 * and a part class another VS Code version adds (or a proposed one) is recognised by what it holds.
 *
 * - A user message's tool results become `tool` messages, before what else the message says (they
 *   answer the calls of the assistant turn just before it).
 * - Images (`LanguageModelDataPart` with an `image/*` type) become image parts, base64.
 * - Data parts that are hints, not content (Copilot's `cache_control`), are left out; other text
 *   data (`text/*`, JSON) becomes text.
 * - `modelOptions` keys Switchboard knows (temperature, max_tokens, top_p, stop) are applied; others
 *   are specific to another vendor's models and are not sent (see extension/README.md).
 */
import type { ChatMessage, ChatOptions, ToolChoice, ToolDefinition, UserPart } from '../../shared/protocol';

/** VS Code's `LanguageModelChatMessageRole` (System is 3 where VS Code sends it). */
export const Role = { User: 1, Assistant: 2, System: 3 } as const;
/** VS Code's `LanguageModelChatToolMode`. */
export const ToolMode = { Auto: 1, Required: 2 } as const;

export interface LmMessage {
  readonly role: number;
  readonly content: ReadonlyArray<unknown>;
  readonly name?: string | undefined;
}

export interface LmTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema?: object | undefined;
}

export interface LmRequestOptions {
  readonly modelOptions?: { readonly [name: string]: unknown } | undefined;
  readonly tools?: readonly LmTool[] | undefined;
  readonly toolMode?: number | undefined;
  /** The extension that made the request (VS Code passes it to providers; absent on some versions). */
  readonly requestInitiator?: string | undefined;
}

/** What the usage ledger calls requests from VS Code's chat, with the asking extension when VS Code names it. */
export const VS_CODE_CHAT_CLIENT = 'VS Code chat';

/** The `client` a request from VS Code's language-model API is recorded under in the usage ledger. */
export function usageClientOf(options: LmRequestOptions): string {
  const initiator = typeof options.requestInitiator === 'string' ? options.requestInitiator.trim() : '';
  // Bounded like the protocol's field (80 characters).
  return initiator ? `${VS_CODE_CHAT_CLIENT} (${initiator.slice(0, 60)})` : VS_CODE_CHAT_CLIENT;
}

/** A request VS Code made that cannot be sent as it is; the message says which part and why. */
export class LmRequestError extends Error {}

export function toChatRequest(
  messages: readonly LmMessage[],
  options: LmRequestOptions,
): { messages: ChatMessage[]; options: ChatOptions } {
  const out: ChatMessage[] = [];
  for (const [i, m] of messages.entries()) out.push(...toMessages(m, i));
  if (out.length === 0) throw new LmRequestError('The request holds no message with content.');
  return { messages: out, options: toOptions(options) };
}

function toMessages(m: LmMessage, index: number): ChatMessage[] {
  switch (m.role) {
    case Role.System:
      return [{ role: 'system', content: textOf(m.content) }];
    case Role.Assistant: {
      const text = m.content
        .filter(isText)
        .map((p) => p.value)
        .join('');
      const toolCalls = m.content
        .filter(isToolCall)
        .map((p) => ({ id: p.callId, name: p.name, arguments: JSON.stringify(p.input ?? {}) }));
      return [{ role: 'assistant', content: text, ...(toolCalls.length > 0 && { toolCalls }) }];
    }
    case Role.User: {
      const tools: ChatMessage[] = m.content
        .filter(isToolResult)
        .map((r) => ({ role: 'tool', toolCallId: r.callId, content: resultContent(r.content) }));
      const parts = m.content.filter((p) => !isToolResult(p)).flatMap(userParts);
      return parts.length === 0 ? tools : [...tools, { role: 'user', content: simplify(parts) }];
    }
    default:
      throw new LmRequestError(`Message ${index + 1} has a role (${m.role}) Switchboard does not know.`);
  }
}

function toOptions(o: LmRequestOptions): ChatOptions {
  const options: ChatOptions = {};
  const tools: ToolDefinition[] = (o.tools ?? []).map((t) => ({
    name: t.name,
    ...(t.description && { description: t.description }),
    parameters: (t.inputSchema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
  }));
  if (tools.length > 0) {
    options.tools = tools;
    if (o.toolMode === ToolMode.Required)
      options.toolChoice = (tools.length === 1 ? { name: tools[0]!.name } : 'required') satisfies ToolChoice;
  }
  const mo = o.modelOptions ?? {};
  const temperature = numberOf(mo.temperature);
  if (temperature !== undefined) options.temperature = temperature;
  const maxTokens = numberOf(mo.max_tokens ?? mo.maxTokens ?? mo.max_completion_tokens);
  if (maxTokens !== undefined) options.maxTokens = Math.trunc(maxTokens);
  const topP = numberOf(mo.top_p ?? mo.topP);
  if (topP !== undefined) options.topP = topP;
  if (Array.isArray(mo.stop) && mo.stop.every((s) => typeof s === 'string')) options.stop = mo.stop as string[];
  return options;
}

// --- parts, by shape -------------------------------------------------------------------------

interface TextLike {
  value: string;
}
interface ToolCallLike {
  callId: string;
  name: string;
  input: unknown;
}
interface ToolResultLike {
  callId: string;
  content: readonly unknown[];
}
interface DataLike {
  mimeType: string;
  data: Uint8Array;
}

const isObject = (p: unknown): p is Record<string, unknown> => typeof p === 'object' && p !== null;
const isText = (p: unknown): p is TextLike => isObject(p) && typeof p.value === 'string' && !('callId' in p);
const isToolCall = (p: unknown): p is ToolCallLike =>
  isObject(p) && typeof p.callId === 'string' && typeof p.name === 'string' && 'input' in p;
const isToolResult = (p: unknown): p is ToolResultLike =>
  isObject(p) && typeof p.callId === 'string' && Array.isArray(p.content);
const isData = (p: unknown): p is DataLike =>
  isObject(p) && typeof p.mimeType === 'string' && p.data instanceof Uint8Array;

/** Data parts that steer VS Code's own prompt handling rather than say anything to the model. */
const HINT_TYPES = new Set(['cache_control', 'stateful_marker']);

function userParts(p: unknown): UserPart[] {
  if (isText(p)) return p.value === '' ? [] : [{ type: 'text', text: p.value }];
  if (isData(p)) {
    if (p.mimeType.startsWith('image/'))
      return [{ type: 'image', data: Buffer.from(p.data).toString('base64'), mediaType: p.mimeType }];
    if (HINT_TYPES.has(p.mimeType)) return [];
    if (p.mimeType.startsWith('text/') || p.mimeType.includes('json'))
      return [{ type: 'text', text: Buffer.from(p.data).toString('utf8') }];
    throw new LmRequestError(`A message holds data of type ${p.mimeType}, which Switchboard cannot send to a model.`);
  }
  if (isToolCall(p))
    throw new LmRequestError('A user message holds a tool call; tool calls belong to assistant messages.');
  // A prompt element VS Code rendered (LanguageModelPromptTsxPart): its value, as text.
  if (isObject(p) && 'value' in p) return [{ type: 'text', text: JSON.stringify(p.value) }];
  return [];
}

function resultContent(content: readonly unknown[]): string | UserPart[] {
  return simplify(content.flatMap(userParts));
}

/** Text-only content as one string (what every provider takes), else the parts. */
function simplify(parts: UserPart[]): string | UserPart[] {
  return parts.every((p) => p.type === 'text') ? parts.map((p) => (p.type === 'text' ? p.text : '')).join('') : parts;
}

function textOf(content: readonly unknown[]): string {
  return content
    .flatMap(userParts)
    .map((p) => (p.type === 'text' ? p.text : ''))
    .join('');
}

function numberOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
