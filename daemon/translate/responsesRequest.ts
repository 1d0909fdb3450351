/**
 * OpenAI Responses API request body → neutral request. Used when a Responses client (Codex, the
 * OpenAI Agents SDK) sends to a connection whose provider does not serve the Responses API
 * (Anthropic, chat-completions-only servers): the flat list of input items becomes chat turns.
 * Every field is mapped, refused with a 400 naming it, or on the documented list of fields that do
 * not change the answer (docs/translation.md). The daemon keeps no responses, so
 * `previous_response_id`, `conversation` and item references are refused: send the whole history.
 */
import type {
  AssistantPart,
  ChatMessage,
  ChatOptions,
  ImagePart,
  ReasoningOptions,
  ToolCall,
  ToolDefinition,
  UserPart,
} from '../../shared/protocol';
import { invalid, isObject, refuseUnknown, untranslatable } from './errors';
import type { NeutralRequest } from './neutral';
import { reasoningFromItem } from './responsesReasoning';

/** Fields that do not change the answer: accepted and not sent on (docs/translation.md). */
export const RESPONSES_HARMLESS_FIELDS = [
  'store',
  'metadata',
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'include',
  'stream_options',
  'truncation',
] as const;

const KNOWN = new Set([
  'model',
  'input',
  'instructions',
  'stream',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'text',
  'reasoning',
  'max_output_tokens',
  'temperature',
  'top_p',
  'user',
  'safety_identifier',
  'previous_response_id',
  'conversation',
  'background',
  'top_logprobs',
  'max_tool_calls',
  'prompt',
  ...RESPONSES_HARMLESS_FIELDS,
]);

const STORED = 'Switchboard keeps no responses when it translates them for this connection.';
const SEND_ALL =
  'Send the whole conversation in `input` (as Codex does with store = false), or use a connection that serves the Responses API.';

/** Reads a Responses body into the neutral model; throws VALIDATION naming the field it cannot carry. */
export function fromResponsesRequest(body: unknown): NeutralRequest {
  if (!isObject(body)) throw invalid('body', 'must be a JSON object');
  refuseUnknown(body, KNOWN);
  refuseAnswerChangers(body);
  if (typeof body.model !== 'string' || body.model === '') throw invalid('model', 'is required');
  const messages: ChatMessage[] = [];
  if (body.instructions != null) {
    if (typeof body.instructions !== 'string')
      throw untranslatable('instructions', 'only text instructions can be translated.');
    if (body.instructions !== '') messages.push({ role: 'system', content: body.instructions });
  }
  if (typeof body.input === 'string') messages.push({ role: 'user', content: body.input });
  else if (Array.isArray(body.input)) readItems(body.input, messages);
  else throw invalid('input', 'must be a string or a list of input items');
  if (!messages.some((m) => m.role !== 'system')) throw invalid('input', 'must hold at least one message');
  return { model: body.model, messages, options: readOptions(body), stream: body.stream === true };
}

function refuseAnswerChangers(body: Record<string, unknown>): void {
  if (body.previous_response_id != null)
    throw untranslatable('previous_response_id', `continuing a stored response is not possible: ${STORED}`, SEND_ALL);
  if (body.conversation != null)
    throw untranslatable('conversation', `stored conversations are not possible: ${STORED}`, SEND_ALL);
  if (body.prompt != null)
    throw untranslatable(
      'prompt',
      "stored prompt templates live on OpenAI's platform and have no counterpart in the connection's API.",
      "Send the prompt's text as instructions.",
    );
  if (body.background === true)
    throw untranslatable(
      'background',
      `background responses are not possible: ${STORED}`,
      'Send background = false (stream the answer instead).',
    );
  if (body.top_logprobs != null && body.top_logprobs !== 0)
    throw untranslatable('top_logprobs', "log probabilities have no counterpart in the connection's API.");
  if (body.max_tool_calls != null)
    throw untranslatable('max_tool_calls', "a cap on built-in tool calls has no counterpart in the connection's API.");
  if (Array.isArray(body.include) && body.include.includes('message.output_text.logprobs')) {
    throw untranslatable(
      'include',
      '"message.output_text.logprobs": log probabilities have no counterpart in the connection\'s API.',
    );
  }
}

/**
 * Input items → chat turns. An assistant turn is a run of assistant messages, reasoning items and
 * function calls; function call outputs become tool messages.
 */
function readItems(items: unknown[], out: ChatMessage[]): void {
  let turn: { content: AssistantPart[]; toolCalls: ToolCall[] } | undefined;
  const endTurn = () => {
    if (!turn) return;
    const onlyText = turn.content.every((p) => p.type === 'text');
    const content = onlyText ? turn.content.map((p) => (p.type === 'text' ? p.text : '')).join('') : turn.content;
    out.push({ role: 'assistant', content, ...(turn.toolCalls.length > 0 && { toolCalls: turn.toolCalls }) });
    turn = undefined;
  };
  const assistant = () => (turn ??= { content: [], toolCalls: [] });
  items.forEach((item, i) => {
    const at = `input[${i}]`;
    if (!isObject(item)) throw invalid(at, 'must be an input item (an object)');
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message':
        if (item.role === 'assistant') {
          assistant().content.push(...assistantContent(item, at));
          return;
        }
        endTurn();
        out.push(readMessage(item, at));
        return;
      case 'reasoning':
        refuseUnknown(item, new Set(['type', 'id', 'summary', 'content', 'encrypted_content', 'status']), at);
        {
          const part = reasoningFromItem(item, at);
          if (part) assistant().content.push(part);
        }
        return;
      case 'function_call':
        // `parsed_arguments`: what the openai SDK's stream helper adds to the items it returns, sent back with them.
        refuseUnknown(item, new Set(['type', 'id', 'call_id', 'name', 'arguments', 'status', 'parsed_arguments']), at);
        if (typeof item.call_id !== 'string' || item.call_id === '') throw invalid(`${at}.call_id`, 'is required');
        if (typeof item.name !== 'string' || item.name === '') throw invalid(`${at}.name`, 'is required');
        assistant().toolCalls.push({
          id: item.call_id,
          name: item.name,
          arguments: typeof item.arguments === 'string' ? item.arguments : '{}',
        });
        return;
      case 'function_call_output':
        refuseUnknown(item, new Set(['type', 'id', 'call_id', 'output', 'status']), at);
        endTurn();
        if (typeof item.call_id !== 'string' || item.call_id === '') throw invalid(`${at}.call_id`, 'is required');
        out.push({ role: 'tool', toolCallId: item.call_id, content: outputContent(item.output, `${at}.output`) });
        return;
      case 'item_reference':
        throw untranslatable(`${at}.type`, `item references point at stored items: ${STORED}`, SEND_ALL);
      default:
        throw untranslatable(
          `${at}.type`,
          `"${String(type)}" items (built-in tools, custom tools) have no counterpart in the connection's API; messages, reasoning, function calls and their outputs are translated.`,
        );
    }
  });
  endTurn();
}

function readMessage(item: Record<string, unknown>, at: string): ChatMessage {
  refuseUnknown(item, new Set(['type', 'id', 'role', 'content', 'status']), at);
  switch (item.role) {
    case 'system':
    case 'developer': {
      const parts = userContent(item.content, `${at}.content`);
      if (typeof parts !== 'string' && parts.some((p) => p.type !== 'text'))
        throw untranslatable(`${at}.content`, `images cannot be translated in ${item.role} messages.`);
      return {
        role: 'system',
        content: parts as string | Array<{ type: 'text'; text: string }>,
        ...(item.role === 'developer' && { developer: true }),
      };
    }
    case 'user':
      return { role: 'user', content: userContent(item.content, `${at}.content`) };
    default:
      throw invalid(`${at}.role`, 'must be user, assistant, system or developer');
  }
}

function assistantContent(item: Record<string, unknown>, at: string): AssistantPart[] {
  refuseUnknown(item, new Set(['type', 'id', 'role', 'content', 'status']), at);
  const content = item.content;
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalid(`${at}.content`, 'must be a string or a list of content parts');
  return content.map((p, j) => {
    const where = `${at}.content[${j}]`;
    if (isObject(p) && (p.type === 'output_text' || p.type === 'input_text') && typeof p.text === 'string')
      return { type: 'text', text: p.text };
    if (isObject(p) && p.type === 'refusal' && typeof p.refusal === 'string') return { type: 'text', text: p.refusal };
    throw untranslatable(
      `${where}.type`,
      `"${isObject(p) ? String(p.type) : typeof p}" parts cannot be translated in assistant messages; output_text and refusal are.`,
    );
  });
}

function userContent(content: unknown, at: string): string | UserPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(at, 'must be a string or a list of content parts');
  return content.map((p, j) => userPart(p, `${at}[${j}]`));
}

function userPart(p: unknown, at: string): UserPart {
  if (!isObject(p)) throw invalid(at, 'must be a content part (an object)');
  if (p.type === 'input_text' && typeof p.text === 'string') return { type: 'text', text: p.text };
  if (p.type === 'input_image') {
    if (p.file_id != null)
      throw untranslatable(
        `${at}.file_id`,
        "OpenAI Files have no counterpart in the connection's API.",
        'Send the image as image_url (an https URL or a data: URL).',
      );
    if (typeof p.image_url !== 'string' || p.image_url === '') throw invalid(`${at}.image_url`, 'is required');
    const part: ImagePart = { type: 'image', url: p.image_url };
    if (p.detail === 'low' || p.detail === 'high' || p.detail === 'auto') part.detail = p.detail;
    return part;
  }
  throw untranslatable(
    `${at}.type`,
    `"${String(p.type)}" parts (files, audio) have no counterpart in the connection's API; input_text and input_image are translated.`,
  );
}

/** A function call's output: text, or input_text / input_image parts. */
function outputContent(output: unknown, at: string): string | UserPart[] {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) throw invalid(at, 'must be a string or a list of content parts');
  return output.map((p, j) => userPart(p, `${at}[${j}]`));
}

function readOptions(body: Record<string, unknown>): ChatOptions {
  const o: ChatOptions = {};
  if (typeof body.temperature === 'number') o.temperature = body.temperature;
  if (typeof body.top_p === 'number') o.topP = body.top_p;
  if (typeof body.max_output_tokens === 'number') o.maxTokens = body.max_output_tokens;
  const user = body.safety_identifier ?? body.user;
  if (typeof user === 'string' && user !== '') o.user = user;
  if (body.tools != null) {
    const tools = readTools(body.tools);
    if (tools.length > 0) o.tools = tools;
  }
  // Codex sends tool_choice "auto" even with no tools; chat completions refuse a tool_choice without tools.
  if (body.tool_choice != null) {
    const choice = readToolChoice(body.tool_choice);
    if (o.tools) o.toolChoice = choice;
  }
  if (typeof body.parallel_tool_calls === 'boolean' && o.tools) o.parallelToolCalls = body.parallel_tool_calls;
  readText(body.text, o);
  const reasoning = readReasoning(body.reasoning);
  if (reasoning) o.reasoning = reasoning;
  return o;
}

function readTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) throw invalid('tools', 'must be a list');
  return tools.map((t, i) => {
    const at = `tools[${i}]`;
    if (!isObject(t) || t.type !== 'function') {
      throw untranslatable(
        `${at}.type`,
        `"${isObject(t) ? String(t.type) : typeof t}" tools (built-in or custom tools) have no counterpart in the connection's API; function tools are translated.`,
      );
    }
    refuseUnknown(t, new Set(['type', 'name', 'description', 'parameters', 'strict']), at);
    if (typeof t.name !== 'string') throw invalid(`${at}.name`, 'is required');
    const def: ToolDefinition = { name: t.name };
    if (typeof t.description === 'string') def.description = t.description;
    if (isObject(t.parameters)) def.parameters = t.parameters;
    if (typeof t.strict === 'boolean') def.strict = t.strict;
    return def;
  });
}

function readToolChoice(choice: unknown): ChatOptions['toolChoice'] {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isObject(choice) && choice.type === 'function' && typeof choice.name === 'string') return { name: choice.name };
  throw untranslatable(
    'tool_choice',
    'only auto, none, required or one named function ({type: "function", name}) can be translated.',
  );
}

function readText(text: unknown, o: ChatOptions): void {
  if (text == null) return;
  if (!isObject(text)) throw invalid('text', 'must be an object');
  refuseUnknown(text, new Set(['format', 'verbosity']), 'text');
  if (text.verbosity != null && text.verbosity !== 'medium')
    throw untranslatable(
      'text.verbosity',
      "answer verbosity has no counterpart in the connection's API.",
      'Send verbosity "medium" or leave it out.',
    );
  const f = text.format;
  if (f == null) return;
  if (!isObject(f)) throw invalid('text.format', 'must be an object');
  if (f.type === 'text') return;
  if (f.type === 'json_object') {
    o.responseFormat = { type: 'json_object' };
    return;
  }
  if (f.type === 'json_schema') {
    refuseUnknown(f, new Set(['type', 'name', 'schema', 'description', 'strict']), 'text.format');
    if (typeof f.name !== 'string') throw invalid('text.format.name', 'is required');
    if (!isObject(f.schema)) throw invalid('text.format.schema', 'is required (a JSON Schema object)');
    o.responseFormat = {
      type: 'json_schema',
      name: f.name,
      schema: f.schema,
      ...(typeof f.description === 'string' && { description: f.description }),
      ...(typeof f.strict === 'boolean' && { strict: f.strict }),
    };
    return;
  }
  throw untranslatable('text.format.type', 'must be text, json_object or json_schema.');
}

function readReasoning(reasoning: unknown): ReasoningOptions | undefined {
  if (reasoning == null) return undefined;
  if (!isObject(reasoning)) throw invalid('reasoning', 'must be an object');
  // `summary` / `generate_summary` ask for a summary of the reasoning: the translated answer's reasoning is shown as its summary.
  refuseUnknown(reasoning, new Set(['effort', 'summary', 'generate_summary']), 'reasoning');
  const effort = reasoning.effort;
  if (effort == null) return undefined;
  if (
    effort !== 'none' &&
    effort !== 'minimal' &&
    effort !== 'low' &&
    effort !== 'medium' &&
    effort !== 'high' &&
    effort !== 'xhigh'
  ) {
    throw invalid('reasoning.effort', 'must be none, minimal, low, medium, high or xhigh');
  }
  return { effort };
}
