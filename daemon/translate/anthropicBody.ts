/**
 * Neutral request → Anthropic Messages body: what the anthropic adapter sends. Anthropic's rules
 * shape it: the system prompt is a top-level field; tool results are `tool_result` blocks at the
 * start of the next user message; thinking blocks go back with their signatures; `max_tokens` is
 * required. Structured output is a forced tool (see {@link RESPONSE_TOOL}).
 */
import type { AssistantPart, ChatMessage, ChatOptions, ImagePart, ToolChoice, UserPart } from '../../shared/protocol';
import { invalid, untranslatable } from './errors';
import { budgetFor } from './reasoningBudget';

/** Anthropic requires `max_tokens`; used when the request sets none (every Claude model since 3.0 allows it). */
export const DEFAULT_MAX_TOKENS = 4096;

/**
 * Structured output on Anthropic: `responseFormat` json_schema / json_object is sent as one tool
 * whose input schema is the requested schema, with `tool_choice` forcing it; the answer's call of it
 * is turned back into text (the JSON) by the stream decoder. The tool's name is the schema's name.
 * Every Claude model can do that, but not beside other tools or while thinking: then a json_schema
 * goes as Anthropic's native `output_config.format` (structured outputs, the newer models), and the
 * answer is plain JSON text.
 */
export const RESPONSE_TOOL = {
  fallbackName: 'json_response',
  description: 'Answer with JSON matching this schema. Call this tool with your answer as its input.',
};

/** The name of the forced tool carrying a structured answer, when the request asks for one and it is sent as a tool. */
export function responseToolName(options: ChatOptions | undefined): string | undefined {
  const f = options?.responseFormat;
  if (!f || f.type === 'text') return undefined;
  return f.type === 'json_schema' ? f.name : RESPONSE_TOOL.fallbackName;
}

/**
 * The forced tool an Anthropic answer's structured output comes back through, or undefined — also
 * when it comes as native structured output (beside tools or thinking), so that a user's tool that
 * happens to share the schema's name stays a tool call.
 */
export function forcedResponseTool(options: ChatOptions | undefined): string | undefined {
  const name = responseToolName(options);
  if (name === undefined) return undefined;
  const thinking = options?.reasoning !== undefined && budgetFor(options.reasoning) !== undefined;
  return (options?.tools ?? []).length === 0 && !thinking ? name : undefined;
}

/** An Anthropic Messages request body (JSON). */
export type AnthropicBody = Record<string, unknown> & {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
};
type Block = Record<string, unknown> & { type: string };
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | Block[];
}

/** Builds the body; throws VALIDATION naming an option Anthropic has no counterpart for. */
export function toAnthropicRequest(
  req: { model: string; messages: ChatMessage[]; options?: ChatOptions },
  stream: boolean,
): AnthropicBody {
  const o = req.options ?? {};
  refuseOptions(o);
  // Compatible servers reject `role: 'system'` inside `messages`: system messages are lifted out, in order.
  const system: string[] = o.system ? [o.system] : [];
  const messages: AnthropicMessage[] = [];
  req.messages.forEach((m, i) => {
    const at = `messages[${i}]`;
    if (m.role === 'system') {
      system.push(typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join('\n\n'));
      return;
    }
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks =
      m.role === 'assistant'
        ? assistantBlocks(m.content, m.toolCalls, at)
        : m.role === 'tool'
          ? [toolResult(m, at)]
          : userBlocks(m.content, at);
    const last = messages[messages.length - 1];
    // Consecutive turns of one role merge (Anthropic wants alternation); tool results lead their user message.
    if (last && last.role === role) last.content = [...asBlocks(last.content), ...asBlocks(blocks)];
    else messages.push({ role, content: blocks });
  });
  const budget = o.reasoning ? budgetFor(o.reasoning) : undefined;
  const maxTokens = o.maxTokens ?? (budget !== undefined ? budget + DEFAULT_MAX_TOKENS : DEFAULT_MAX_TOKENS);
  if (budget !== undefined && maxTokens <= budget) {
    throw invalid(
      'options.maxTokens',
      `must be more than the reasoning budget (${budget} tokens) on Anthropic connections: thinking counts against max_tokens.`,
    );
  }
  const body: AnthropicBody = { model: req.model, max_tokens: maxTokens, messages };
  if (stream) body.stream = true;
  if (system.length > 0) body.system = system.join('\n\n');
  if (o.temperature !== undefined) body.temperature = o.temperature;
  if (o.topP !== undefined) body.top_p = o.topP;
  if (o.topK !== undefined) body.top_k = o.topK;
  if (o.stop !== undefined && o.stop.length > 0) body.stop_sequences = o.stop;
  if (o.user !== undefined) body.metadata = { user_id: o.user };
  if (budget !== undefined) body.thinking = { type: 'enabled', budget_tokens: budget };
  else if (o.reasoning?.effort === 'none') body.thinking = { type: 'disabled' };
  addTools(body, o, budget !== undefined);
  return body;
}

function refuseOptions(o: ChatOptions): void {
  const why = 'has no counterpart in the Anthropic Messages API.';
  const hint = 'Remove it, or use an OpenAI-format connection.';
  if (o.seed !== undefined) throw untranslatable('seed', why, hint);
  if (o.frequencyPenalty !== undefined) throw untranslatable('frequency_penalty', why, hint);
  if (o.presencePenalty !== undefined) throw untranslatable('presence_penalty', why, hint);
}

function addTools(body: AnthropicBody, o: ChatOptions, thinking: boolean): void {
  const tools: Block[] = (o.tools ?? []).map((t) => ({
    type: 'custom',
    name: t.name,
    ...(t.description !== undefined && { description: t.description }),
    input_schema: t.parameters ?? { type: 'object', properties: {} },
  }));
  let choice: Record<string, unknown> | undefined =
    o.toolChoice !== undefined ? anthropicToolChoice(o.toolChoice) : undefined;
  const responseTool = responseToolName(o);
  if (responseTool !== undefined) {
    const f = o.responseFormat!;
    if (tools.length > 0 || thinking) {
      if (f.type !== 'json_schema') {
        const beside = tools.length > 0 ? 'tools' : 'reasoning';
        throw untranslatable(
          'response_format',
          `json_object cannot be combined with ${beside} on an Anthropic connection: Anthropic's structured outputs need a schema.`,
          `Send a json_schema response_format, or drop the ${beside}.`,
        );
      }
      body.output_config = { format: { type: 'json_schema', schema: f.schema } };
    } else {
      const schema = f.type === 'json_schema' ? f.schema : { type: 'object', additionalProperties: true };
      tools.push({
        type: 'custom',
        name: responseTool,
        description: (f.type === 'json_schema' && f.description) || RESPONSE_TOOL.description,
        input_schema: schema,
      });
      choice = { type: 'tool', name: responseTool };
    }
  }
  if (tools.length === 0) return;
  body.tools = tools;
  if (o.parallelToolCalls === false) choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  if (choice) body.tool_choice = choice;
}

function anthropicToolChoice(choice: ToolChoice): Record<string, unknown> {
  if (choice === 'required') return { type: 'any' };
  if (typeof choice === 'string') return { type: choice };
  return { type: 'tool', name: choice.name };
}

function asBlocks(content: string | Block[]): Block[] {
  return typeof content === 'string' ? (content === '' ? [] : [{ type: 'text', text: content }]) : content;
}

function userBlocks(content: string | UserPart[], at: string): string | Block[] {
  if (typeof content === 'string') return content;
  return content.map((p, j) =>
    p.type === 'text' ? { type: 'text', text: p.text } : imageBlock(p, `${at}.content[${j}]`),
  );
}

/** An image as Anthropic's `source`: a URL, or base64 (a `data:` URL is taken apart into base64). */
function imageBlock(p: ImagePart, at: string): Block {
  if (p.data !== undefined) return { type: 'image', source: { type: 'base64', media_type: p.mediaType, data: p.data } };
  const url = p.url ?? '';
  const dataUrl = /^data:(image\/[a-z0-9.+-]+);base64,(.*)$/is.exec(url);
  if (dataUrl)
    return { type: 'image', source: { type: 'base64', media_type: dataUrl[1]!.toLowerCase(), data: dataUrl[2]! } };
  if (url.startsWith('data:'))
    throw untranslatable(`${at}.url`, 'only base64 image data URLs (data:image/…;base64,…) can be sent to Anthropic.');
  return { type: 'image', source: { type: 'url', url } };
}

function assistantBlocks(
  content: string | AssistantPart[],
  toolCalls: Array<{ id: string; name: string; arguments: string }> | undefined,
  at: string,
): string | Block[] {
  if (!toolCalls?.length && typeof content === 'string') return content;
  const blocks: Block[] = [];
  for (const p of typeof content === 'string' ? [{ type: 'text' as const, text: content }] : content) {
    if (p.type === 'text') {
      if (p.text !== '') blocks.push({ type: 'text', text: p.text });
    } else if (p.type === 'reasoning') {
      // Anthropic verifies thinking by its signature; one without (from another provider) cannot go back.
      if (p.signature) blocks.push({ type: 'thinking', thinking: p.text, signature: p.signature });
    } else blocks.push({ type: 'redacted_thinking', data: p.data });
  }
  (toolCalls ?? []).forEach((c, j) =>
    blocks.push({
      type: 'tool_use',
      id: c.id,
      name: c.name,
      input: parseArguments(c.arguments, `${at}.toolCalls[${j}].arguments`),
    }),
  );
  return blocks;
}

function parseArguments(text: string, at: string): unknown {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // fall through
  }
  throw invalid(at, 'must be a JSON object (Anthropic takes tool input as an object)');
}

function toolResult(m: Extract<ChatMessage, { role: 'tool' }>, at: string): Block {
  const content =
    typeof m.content === 'string'
      ? m.content
      : m.content.map((p, j) =>
          p.type === 'text' ? { type: 'text', text: p.text } : imageBlock(p, `${at}.content[${j}]`),
        );
  return { type: 'tool_result', tool_use_id: m.toolCallId, content, ...(m.isError && { is_error: true }) };
}
