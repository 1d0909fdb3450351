/**
 * Anthropic Messages request body → neutral request. Used when an Anthropic-format client (Claude
 * Code, the anthropic SDKs) sends to a connection of another format. Every field is mapped, refused
 * naming it, or on the documented list of fields that do not change the answer.
 */
import type {
  AssistantPart,
  ChatMessage,
  ChatOptions,
  ImagePart,
  ToolCall,
  ToolDefinition,
  UserPart,
} from '../../shared/protocol';
import { invalid, isObject, refuseUnknown, untranslatable } from './errors';
import { fromToolUseId } from './toolUseIds';
import type { NeutralRequest } from './neutral';

/** Fields that do not change the answer: accepted and not sent on (docs/translation.md). */
export const ANTHROPIC_HARMLESS_FIELDS = ['service_tier', 'context_management'] as const;

const KNOWN = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'thinking',
  'container',
  'mcp_servers',
  'output_config',
  'output_format',
  ...ANTHROPIC_HARMLESS_FIELDS,
]);
/** Block fields that only steer caching or cite sources: dropped (docs/translation.md). */
const BLOCK_EXTRAS = ['cache_control', 'citations'];

/** Reads an Anthropic Messages body into the neutral model; throws VALIDATION naming the field it cannot carry. */
export function fromAnthropicRequest(body: unknown): NeutralRequest {
  if (!isObject(body)) throw invalid('body', 'must be a JSON object');
  refuseUnknown(body, KNOWN);
  if (body.container != null)
    throw untranslatable(
      'container',
      "Anthropic code-execution containers have no counterpart in the connection's API.",
    );
  if (body.mcp_servers != null)
    throw untranslatable('mcp_servers', "Anthropic's MCP connector has no counterpart in the connection's API.");
  if (typeof body.model !== 'string' || body.model === '') throw invalid('model', 'Field required');
  if (!Array.isArray(body.messages)) throw invalid('messages', 'Field required');
  const messages: ChatMessage[] = [];
  const system = body.system;
  if (typeof system === 'string' && system !== '') messages.push({ role: 'system', content: system });
  else if (Array.isArray(system)) {
    const parts = system.map((b, j) => {
      if (!isObject(b) || b.type !== 'text' || typeof b.text !== 'string')
        throw invalid(`system[${j}]`, 'must be a text block');
      refuseUnknown(b, new Set(['type', 'text', ...BLOCK_EXTRAS]), `system[${j}]`);
      return { type: 'text' as const, text: b.text };
    });
    if (parts.length > 0) messages.push({ role: 'system', content: parts });
  } else if (system != null && system !== '') throw invalid('system', 'must be a string or text blocks');
  body.messages.forEach((m, i) => messages.push(...readMessage(m, `messages[${i}]`)));
  return { model: body.model, messages, options: readOptions(body), stream: body.stream === true };
}

function readMessage(m: unknown, at: string): ChatMessage[] {
  if (!isObject(m)) throw invalid(at, 'must be an object');
  refuseUnknown(m, new Set(['role', 'content']), at);
  if (m.role === 'user') return readUser(m.content, at);
  if (m.role === 'assistant') return [readAssistant(m.content, at)];
  throw invalid(`${at}.role`, 'must be user or assistant');
}

/** A user turn: its tool results become tool messages (first, as Anthropic puts them), the rest a user message. */
function readUser(content: unknown, at: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  if (!Array.isArray(content)) throw invalid(`${at}.content`, 'must be a string or an array of blocks');
  const out: ChatMessage[] = [];
  const parts: UserPart[] = [];
  content.forEach((b, j) => {
    const where = `${at}.content[${j}]`;
    if (!isObject(b)) throw invalid(where, 'must be a block');
    if (b.type === 'tool_result') {
      refuseUnknown(b, new Set(['type', 'tool_use_id', 'content', 'is_error', ...BLOCK_EXTRAS]), where);
      if (typeof b.tool_use_id !== 'string') throw invalid(`${where}.tool_use_id`, 'Field required');
      out.push({
        role: 'tool',
        toolCallId: fromToolUseId(b.tool_use_id).id,
        content: resultContent(b.content, `${where}.content`),
        ...(b.is_error === true && { isError: true }),
      });
    } else parts.push(userPart(b, where));
  });
  if (parts.length > 0)
    out.push({ role: 'user', content: parts.length === 1 && parts[0]!.type === 'text' ? parts[0]!.text : parts });
  return out;
}

function resultContent(content: unknown, at: string): string | UserPart[] {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(at, 'must be a string or an array of blocks');
  return content.map((b, j) => userPart(b, `${at}[${j}]`));
}

function userPart(b: unknown, at: string): UserPart {
  if (!isObject(b)) throw invalid(at, 'must be a block');
  if (b.type === 'text' && typeof b.text === 'string') {
    refuseUnknown(b, new Set(['type', 'text', ...BLOCK_EXTRAS]), at);
    return { type: 'text', text: b.text };
  }
  if (b.type === 'image') {
    refuseUnknown(b, new Set(['type', 'source', ...BLOCK_EXTRAS]), at);
    const s = b.source;
    if (isObject(s) && s.type === 'base64' && typeof s.data === 'string' && typeof s.media_type === 'string')
      return { type: 'image', data: s.data, mediaType: s.media_type } satisfies ImagePart;
    if (isObject(s) && s.type === 'url' && typeof s.url === 'string') return { type: 'image', url: s.url };
    throw untranslatable(`${at}.source`, 'only base64 and url image sources can be translated (not Files API ids).');
  }
  throw untranslatable(
    `${at}.type`,
    `"${String(b.type)}" blocks (documents, search results, server tools) have no counterpart in the connection's API; text, images and tool results are translated.`,
  );
}

function readAssistant(content: unknown, at: string): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  if (!Array.isArray(content)) throw invalid(`${at}.content`, 'must be a string or an array of blocks');
  const parts: AssistantPart[] = [];
  const toolCalls: ToolCall[] = [];
  content.forEach((b, j) => {
    const where = `${at}.content[${j}]`;
    if (!isObject(b)) throw invalid(where, 'must be a block');
    switch (b.type) {
      case 'text':
        refuseUnknown(b, new Set(['type', 'text', ...BLOCK_EXTRAS]), where);
        if (typeof b.text !== 'string') throw invalid(`${where}.text`, 'Field required');
        parts.push({ type: 'text', text: b.text });
        return;
      case 'thinking':
        refuseUnknown(b, new Set(['type', 'thinking', 'signature', ...BLOCK_EXTRAS]), where);
        if (typeof b.thinking !== 'string') throw invalid(`${where}.thinking`, 'Field required');
        parts.push({
          type: 'reasoning',
          text: b.thinking,
          ...(typeof b.signature === 'string' && { signature: b.signature }),
        });
        return;
      case 'redacted_thinking':
        if (typeof b.data !== 'string') throw invalid(`${where}.data`, 'Field required');
        parts.push({ type: 'redactedReasoning', data: b.data });
        return;
      case 'tool_use':
        refuseUnknown(b, new Set(['type', 'id', 'name', 'input', ...BLOCK_EXTRAS]), where);
        if (typeof b.id !== 'string' || typeof b.name !== 'string') throw invalid(where, 'needs id and name');
        // An id this daemon gave a Gemini call holds its thought signature (toolUseIds.ts).
        toolCalls.push({ ...fromToolUseId(b.id), name: b.name, arguments: JSON.stringify(b.input ?? {}) });
        return;
      default:
        throw untranslatable(
          `${where}.type`,
          `"${String(b.type)}" blocks have no counterpart in the connection's API.`,
        );
    }
  });
  const text = parts.length === 1 && parts[0]!.type === 'text' ? parts[0]!.text : undefined;
  return { role: 'assistant', content: text ?? parts, ...(toolCalls.length > 0 && { toolCalls }) };
}

function readOptions(body: Record<string, unknown>): ChatOptions {
  const o: ChatOptions = {};
  if (typeof body.max_tokens !== 'number') throw invalid('max_tokens', 'Field required');
  o.maxTokens = body.max_tokens;
  if (typeof body.temperature === 'number') o.temperature = body.temperature;
  if (typeof body.top_p === 'number') o.topP = body.top_p;
  if (typeof body.top_k === 'number') o.topK = body.top_k;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0)
    o.stop = body.stop_sequences.filter((s): s is string => typeof s === 'string');
  if (isObject(body.metadata)) {
    refuseUnknown(body.metadata, new Set(['user_id']), 'metadata');
    if (typeof body.metadata.user_id === 'string') o.user = body.metadata.user_id;
  }
  if (body.tools != null) o.tools = readTools(body.tools);
  if (body.tool_choice != null) readToolChoice(body.tool_choice, o);
  const thinking = body.thinking;
  if (isObject(thinking)) {
    if (thinking.type === 'enabled' && typeof thinking.budget_tokens === 'number')
      o.reasoning = { budgetTokens: thinking.budget_tokens };
    else if (thinking.type === 'disabled') o.reasoning = { effort: 'none' };
    else if (thinking.type === 'adaptive') {
      // The model thinks as much as the effort asks (output_config.effort; Anthropic's default is high).
      // `display` only says whether the thinking text is shown: it does not change the answer.
      refuseUnknown(thinking, new Set(['type', 'display']), 'thinking');
      o.reasoning = { effort: 'high' };
    } else
      throw untranslatable(
        'thinking.type',
        'only enabled (with budget_tokens), adaptive and disabled can be translated.',
      );
  }
  readOutputConfig(body, o);
  return o;
}

/** Anthropic's effort levels that the neutral model (OpenAI's `reasoning_effort`) carries as they are. */
const EFFORTS = new Set(['low', 'medium', 'high', 'xhigh']);

/**
 * `output_config` (effort and structured output) and the beta's `output_format`: the effort joins
 * the reasoning options, the JSON schema becomes a json_schema response format (strict, as
 * Anthropic's structured outputs always are).
 */
function readOutputConfig(body: Record<string, unknown>, o: ChatOptions): void {
  const config = body.output_config;
  if (config != null) {
    if (!isObject(config)) throw invalid('output_config', 'must be an object');
    refuseUnknown(config, new Set(['effort', 'format']), 'output_config');
    if (config.effort != null) {
      if (config.effort === 'max')
        throw untranslatable(
          'output_config.effort',
          '"max" has no counterpart in the connection\'s API (its highest effort is "xhigh").',
          'Use effort "xhigh", or an Anthropic connection.',
        );
      if (typeof config.effort !== 'string' || !EFFORTS.has(config.effort))
        throw invalid('output_config.effort', 'must be low, medium, high, xhigh or max');
      if (o.reasoning?.effort === 'none')
        throw untranslatable(
          'output_config.effort',
          'cannot be combined with thinking disabled on a connection of another API: there the effort is how much the model reasons.',
          'Drop one of them.',
        );
      o.reasoning = { ...o.reasoning, effort: config.effort as 'low' | 'medium' | 'high' | 'xhigh' };
    }
    if (config.format != null) o.responseFormat = readOutputFormat(config.format, 'output_config.format');
  }
  if (body.output_format != null) {
    if (o.responseFormat !== undefined)
      throw invalid('output_format', 'give output_config.format or output_format, not both');
    o.responseFormat = readOutputFormat(body.output_format, 'output_format');
  }
}

function readOutputFormat(format: unknown, at: string): ChatOptions['responseFormat'] {
  if (!isObject(format)) throw invalid(at, 'must be an object');
  refuseUnknown(format, new Set(['type', 'schema']), at);
  if (format.type !== 'json_schema') throw invalid(`${at}.type`, 'must be json_schema');
  if (!isObject(format.schema)) throw invalid(`${at}.schema`, 'Field required');
  return { type: 'json_schema', name: 'output', schema: format.schema, strict: true };
}

function readTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) throw invalid('tools', 'must be an array');
  return tools.map((t, i) => {
    if (!isObject(t)) throw invalid(`tools[${i}]`, 'must be an object');
    if (t.type !== undefined && t.type !== 'custom') {
      throw untranslatable(
        `tools[${i}].type`,
        `Anthropic's "${String(t.type)}" tool runs on Anthropic's side and has no counterpart in the connection's API.`,
      );
    }
    refuseUnknown(t, new Set(['type', 'name', 'description', 'input_schema', ...BLOCK_EXTRAS]), `tools[${i}]`);
    if (typeof t.name !== 'string') throw invalid(`tools[${i}].name`, 'Field required');
    return {
      name: t.name,
      ...(typeof t.description === 'string' && { description: t.description }),
      ...(isObject(t.input_schema) && { parameters: t.input_schema }),
    };
  });
}

function readToolChoice(choice: unknown, o: ChatOptions): void {
  if (!isObject(choice)) throw invalid('tool_choice', 'must be an object');
  switch (choice.type) {
    case 'auto':
      o.toolChoice = 'auto';
      break;
    case 'any':
      o.toolChoice = 'required';
      break;
    case 'none':
      o.toolChoice = 'none';
      break;
    case 'tool':
      if (typeof choice.name !== 'string') throw invalid('tool_choice.name', 'Field required');
      o.toolChoice = { name: choice.name };
      break;
    default:
      throw invalid('tool_choice.type', 'must be auto, any, tool or none');
  }
  if (choice.disable_parallel_tool_use === true) o.parallelToolCalls = false;
}
