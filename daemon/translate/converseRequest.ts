/**
 * Neutral request → AWS Bedrock Converse input (`ConverseCommand` / `ConverseStreamCommand` without
 * `modelId`, which the adapter adds). Converse's rules shape it: system prompts are a top-level
 * `system` list; turns alternate user / assistant, so consecutive turns of one role merge; tool
 * results are `toolResult` blocks of the next user turn; images go as bytes (Converse takes no
 * URLs); reasoning goes back with its signature. Options Converse has no field for travel in
 * `additionalModelRequestFields` in the form Claude on Bedrock reads (`top_k`, `thinking`).
 * Structured output is a forced tool, as for Anthropic (see anthropicBody.ts).
 */
import type {
  AssistantPart,
  ChatMessage,
  ChatOptions,
  ImagePart,
  ToolCall,
  ToolChoice,
  UserPart,
} from '../../shared/protocol';
import { DEFAULT_MAX_TOKENS, RESPONSE_TOOL, responseToolName } from './anthropicBody';
import { invalid, isObject, untranslatable } from './errors';
import { budgetFor } from './reasoningBudget';

/** A Converse content block, as the SDK takes it (bytes as Uint8Array). */
export type ConverseBlock = Record<string, unknown>;
/** A Converse message. */
export interface ConverseMessage {
  role: 'user' | 'assistant';
  content: ConverseBlock[];
}
/** The Converse input the adapter sends, `modelId` aside. */
export interface ConverseInput {
  messages: ConverseMessage[];
  system?: Array<{ text: string }>;
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: {
    tools: Array<{ toolSpec: { name: string; description?: string; inputSchema: { json: unknown } } }>;
    toolChoice?: Record<string, unknown>;
  };
  additionalModelRequestFields?: Record<string, unknown>;
}

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);
const HINT = 'Remove it, or use a connection of another provider.';

/** Builds the Converse input; throws VALIDATION naming what Converse cannot carry. */
export function toConverseRequest(req: {
  model: string;
  messages: ChatMessage[];
  options?: ChatOptions;
}): ConverseInput {
  const o = req.options ?? {};
  refuseOptions(o);
  const system: string[] = o.system ? [o.system] : [];
  const messages: ConverseMessage[] = [];
  let toolBlocks = false;
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
    if (m.role === 'tool' || (m.role === 'assistant' && (m.toolCalls?.length ?? 0) > 0)) toolBlocks = true;
    // Converse refuses empty content and requires alternation: nothing to send adds no turn, one role's turns merge.
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  });
  const input: ConverseInput = { messages };
  const systemText = system.filter((s) => s !== '');
  if (systemText.length > 0) input.system = systemText.map((text) => ({ text }));

  const budget = o.reasoning ? budgetFor(o.reasoning) : undefined;
  const maxTokens = o.maxTokens ?? (budget !== undefined ? budget + DEFAULT_MAX_TOKENS : undefined);
  if (budget !== undefined && maxTokens !== undefined && maxTokens <= budget) {
    throw invalid(
      'options.maxTokens',
      `must be more than the reasoning budget (${budget} tokens) on Bedrock connections: thinking counts against the answer's tokens.`,
    );
  }
  const inference: NonNullable<ConverseInput['inferenceConfig']> = {};
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (o.temperature !== undefined) inference.temperature = o.temperature;
  if (o.topP !== undefined) inference.topP = o.topP;
  if (o.stop !== undefined && o.stop.length > 0) inference.stopSequences = o.stop;
  if (Object.keys(inference).length > 0) input.inferenceConfig = inference;

  const extra: Record<string, unknown> = {};
  if (o.topK !== undefined) extra.top_k = o.topK;
  if (budget !== undefined) extra.thinking = { type: 'enabled', budget_tokens: budget };
  if (Object.keys(extra).length > 0) input.additionalModelRequestFields = extra;
  addTools(input, o, budget !== undefined, toolBlocks);
  return input;
}

function refuseOptions(o: ChatOptions): void {
  const why = 'has no counterpart in the Bedrock Converse API.';
  if (o.seed !== undefined) throw untranslatable('seed', why, HINT);
  if (o.frequencyPenalty !== undefined) throw untranslatable('frequency_penalty', why, HINT);
  if (o.presencePenalty !== undefined) throw untranslatable('presence_penalty', why, HINT);
  if (o.parallelToolCalls === false)
    throw untranslatable(
      'parallel_tool_calls',
      'false has no counterpart in the Bedrock Converse API (the model may call several tools at once).',
      'Remove it, or ask for one call at a time in the prompt.',
    );
}

function addTools(input: ConverseInput, o: ChatOptions, thinking: boolean, historyHasTools: boolean): void {
  const tools = (o.tools ?? []).map((t) => ({
    toolSpec: {
      name: t.name,
      ...(t.description !== undefined && { description: t.description }),
      inputSchema: { json: t.parameters ?? { type: 'object', properties: {} } },
    },
  }));
  let choice = o.toolChoice !== undefined ? converseToolChoice(o.toolChoice) : undefined;
  if (o.toolChoice === 'none') {
    // Converse has no "none": without tools the model cannot call one, but a history with tool
    // blocks needs the tools declared, and then nothing stops a call.
    if (historyHasTools)
      throw untranslatable(
        'tool_choice',
        '"none" has no counterpart in the Bedrock Converse API when the conversation holds tool calls.',
        'Use "auto", or leave the tools out of a conversation without tool calls.',
      );
    return;
  }
  const responseTool = responseToolName(o);
  if (responseTool !== undefined) {
    const f = o.responseFormat!;
    if (tools.length > 0)
      throw untranslatable(
        'response_format',
        'cannot be combined with tools on a Bedrock connection: structured output is sent as a forced tool call there.',
        'Drop response_format (describe the JSON in the prompt), or drop the tools.',
      );
    if (thinking)
      throw untranslatable(
        'response_format',
        'cannot be combined with reasoning on a Bedrock connection: a forced tool call is not allowed while thinking.',
        'Drop reasoning or response_format.',
      );
    const schema = f.type === 'json_schema' ? f.schema : { type: 'object', additionalProperties: true };
    tools.push({
      toolSpec: {
        name: responseTool,
        description: (f.type === 'json_schema' && f.description) || RESPONSE_TOOL.description,
        inputSchema: { json: schema },
      },
    });
    choice = { tool: { name: responseTool } };
  }
  if (tools.length === 0) return;
  input.toolConfig = { tools, ...(choice && { toolChoice: choice }) };
}

function converseToolChoice(choice: ToolChoice): Record<string, unknown> | undefined {
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  if (choice === 'none') return undefined;
  return { tool: { name: choice.name } };
}

function userBlocks(content: string | UserPart[], at: string): ConverseBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.flatMap((p, j) =>
    p.type === 'text' ? (p.text === '' ? [] : [{ text: p.text }]) : [imageBlock(p, `${at}.content[${j}]`)],
  );
}

/** An image as Converse bytes: base64 data or a `data:` URL (Converse fetches no URLs). */
function imageBlock(p: ImagePart, at: string): ConverseBlock {
  let mediaType = p.mediaType;
  let data = p.data;
  if (data === undefined) {
    const dataUrl = /^data:(image\/[a-z0-9.+-]+);base64,(.*)$/is.exec(p.url ?? '');
    if (!dataUrl)
      throw untranslatable(
        `${at}.url`,
        'Bedrock takes images as bytes, not URLs.',
        'Send the image inline as base64 (a data:image/…;base64,… URL).',
      );
    mediaType = dataUrl[1]!.toLowerCase();
    data = dataUrl[2]!;
  }
  const format = (mediaType ?? '').replace(/^image\//, '').replace(/^jpg$/, 'jpeg');
  if (!IMAGE_FORMATS.has(format))
    throw untranslatable(
      `${at}.mediaType`,
      `"${mediaType}" images cannot be sent to Bedrock: it takes png, jpeg, gif and webp.`,
      'Convert the image to PNG or JPEG.',
    );
  return { image: { format, source: { bytes: new Uint8Array(Buffer.from(data, 'base64')) } } };
}

function assistantBlocks(
  content: string | AssistantPart[],
  toolCalls: ToolCall[] | undefined,
  at: string,
): ConverseBlock[] {
  const blocks: ConverseBlock[] = [];
  for (const p of typeof content === 'string' ? [{ type: 'text' as const, text: content }] : content) {
    if (p.type === 'text') {
      if (p.text !== '') blocks.push({ text: p.text });
    } else if (p.type === 'reasoning') {
      // Bedrock verifies Claude's reasoning by its signature; reasoning without one (another provider's) cannot go back.
      if (p.signature) blocks.push({ reasoningContent: { reasoningText: { text: p.text, signature: p.signature } } });
    } else blocks.push({ reasoningContent: { redactedContent: new Uint8Array(Buffer.from(p.data, 'base64')) } });
  }
  (toolCalls ?? []).forEach((c, j) =>
    blocks.push({
      toolUse: { toolUseId: c.id, name: c.name, input: parseArguments(c.arguments, `${at}.toolCalls[${j}].arguments`) },
    }),
  );
  return blocks;
}

function parseArguments(text: string, at: string): unknown {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value)) return value;
  } catch {
    // fall through
  }
  throw invalid(at, 'must be a JSON object (Bedrock takes tool input as an object)');
}

function toolResult(m: Extract<ChatMessage, { role: 'tool' }>, at: string): ConverseBlock {
  const parts = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content;
  const content = parts.map((p, j) => (p.type === 'text' ? { text: p.text } : imageBlock(p, `${at}.content[${j}]`)));
  // Converse refuses a tool result without content.
  if (content.length === 0) content.push({ text: '' });
  return { toolResult: { toolUseId: m.toolCallId, content, ...(m.isError && { status: 'error' }) } };
}
