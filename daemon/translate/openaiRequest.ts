/**
 * OpenAI chat completions request body → neutral request. Used when an OpenAI-format client's
 * request goes to a connection of another format: every field is either mapped, refused with a
 * VALIDATION error naming it (it would change the answer and has no counterpart), or on the short
 * documented list of fields that do not change the answer (docs/translation.md).
 */
import type {
  ChatMessage,
  ChatOptions,
  ImagePart,
  ReasoningOptions,
  ToolDefinition,
  UserPart,
} from '../../shared/protocol';
import { invalid, isObject, refuseUnknown, untranslatable } from './errors';
import { thoughtSignatureOf } from './geminiDialect';
import type { NeutralRequest } from './neutral';

/** Fields that do not change the answer: accepted and not sent on (docs/translation.md). */
export const OPENAI_HARMLESS_FIELDS = [
  'store',
  'metadata',
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'stream_options',
] as const;

const KNOWN = new Set([
  'model',
  'messages',
  'stream',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'n',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'seed',
  'frequency_penalty',
  'presence_penalty',
  'user',
  'safety_identifier',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'modalities',
  'audio',
  'prediction',
  'web_search_options',
  'functions',
  'function_call',
  'verbosity',
  // Extensions (LiteLLM's names): Anthropic's thinking budget and `top_k`.
  'thinking',
  'top_k',
  ...OPENAI_HARMLESS_FIELDS,
]);

/** Reads an OpenAI chat completions body into the neutral model; throws VALIDATION naming the field it cannot carry. */
export function fromOpenAIRequest(body: unknown): NeutralRequest {
  if (!isObject(body)) throw invalid('body', 'must be a JSON object');
  refuseUnknown(body, KNOWN);
  refuseAnswerChangers(body);
  if (typeof body.model !== 'string' || body.model === '') throw invalid('model', 'is required');
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw invalid('messages', 'must hold at least one message');
  const messages = body.messages.map((m, i) => readMessage(m, `messages[${i}]`));
  const options = readOptions(body);
  const streamOptions = body.stream_options;
  const includeUsage = isObject(streamOptions) && streamOptions.include_usage === true;
  return { model: body.model, messages, options, stream: body.stream === true, ...(includeUsage && { includeUsage }) };
}

function refuseAnswerChangers(body: Record<string, unknown>): void {
  if (body.n != null && body.n !== 1)
    throw untranslatable(
      'n',
      'several choices per request exist only in the OpenAI API.',
      'Send n = 1 (or one request per answer).',
    );
  if (isObject(body.logit_bias) && Object.keys(body.logit_bias).length > 0)
    throw untranslatable('logit_bias', "token biases have no counterpart in the connection's API.");
  if (body.logprobs === true)
    throw untranslatable('logprobs', "log probabilities have no counterpart in the connection's API.");
  if (body.top_logprobs != null)
    throw untranslatable('top_logprobs', "log probabilities have no counterpart in the connection's API.");
  if (body.audio != null) throw untranslatable('audio', "audio output has no counterpart in the connection's API.");
  if (Array.isArray(body.modalities) && body.modalities.some((m) => m !== 'text'))
    throw untranslatable('modalities', 'only text output can be translated.');
  if (body.prediction != null)
    throw untranslatable('prediction', "predicted outputs have no counterpart in the connection's API.");
  if (body.web_search_options != null)
    throw untranslatable('web_search_options', "OpenAI's web search has no counterpart in the connection's API.");
  if (body.functions != null || body.function_call != null) {
    throw untranslatable(
      body.functions != null ? 'functions' : 'function_call',
      'the deprecated functions API is not translated.',
      'Use tools and tool_choice instead.',
    );
  }
  if (body.verbosity != null && body.verbosity !== 'medium')
    throw untranslatable('verbosity', "answer verbosity has no counterpart in the connection's API.");
}

function readMessage(m: unknown, at: string): ChatMessage {
  if (!isObject(m)) throw invalid(at, 'must be an object');
  switch (m.role) {
    case 'system':
    case 'developer':
      refuseUnknown(m, new Set(['role', 'content', 'name']), at);
      return {
        role: 'system',
        content: textContent(m.content, `${at}.content`),
        ...(m.role === 'developer' && { developer: true }),
      };
    case 'user':
      refuseUnknown(m, new Set(['role', 'content', 'name']), at);
      return { role: 'user', content: userContent(m.content, `${at}.content`) };
    case 'assistant':
      return readAssistant(m, at);
    case 'tool':
      refuseUnknown(m, new Set(['role', 'content', 'tool_call_id']), at);
      if (typeof m.tool_call_id !== 'string' || m.tool_call_id === '')
        throw invalid(`${at}.tool_call_id`, 'is required');
      return { role: 'tool', toolCallId: m.tool_call_id, content: textContent(m.content, `${at}.content`) };
    case 'function':
      throw untranslatable(
        `${at}.role`,
        'the deprecated "function" role is not translated.',
        'Use tool messages with tool_call_id.',
      );
    default:
      throw invalid(`${at}.role`, 'must be system, developer, user, assistant or tool');
  }
}

function readAssistant(m: Record<string, unknown>, at: string): ChatMessage {
  // reasoning_content / thinking_blocks: the extension an OpenAI-format client uses to send reasoning back (docs/translation.md).
  refuseUnknown(
    m,
    new Set([
      'role',
      'content',
      'name',
      'tool_calls',
      'refusal',
      'reasoning_content',
      'thinking_blocks',
      'annotations',
      'audio',
      'function_call',
    ]),
    at,
  );
  if (m.audio != null) throw untranslatable(`${at}.audio`, "audio has no counterpart in the connection's API.");
  if (m.function_call != null)
    throw untranslatable(`${at}.function_call`, 'the deprecated functions API is not translated.', 'Use tool_calls.');
  const parts: Array<
    | { type: 'text'; text: string }
    | { type: 'reasoning'; text: string; signature?: string }
    | { type: 'redactedReasoning'; data: string }
  > = [];
  if (Array.isArray(m.thinking_blocks)) {
    m.thinking_blocks.forEach((b, j) => {
      const where = `${at}.thinking_blocks[${j}]`;
      if (!isObject(b)) throw invalid(where, 'must be an object');
      if (b.type === 'thinking' && typeof b.thinking === 'string')
        parts.push({
          type: 'reasoning',
          text: b.thinking,
          ...(typeof b.signature === 'string' && { signature: b.signature }),
        });
      else if (b.type === 'redacted_thinking' && typeof b.data === 'string')
        parts.push({ type: 'redactedReasoning', data: b.data });
      else throw invalid(where, 'must be {type: "thinking", thinking, signature} or {type: "redacted_thinking", data}');
    });
  } else if (typeof m.reasoning_content === 'string' && m.reasoning_content !== '') {
    parts.push({ type: 'reasoning', text: m.reasoning_content });
  }
  if (m.content != null) {
    const text = textContent(m.content, `${at}.content`, true);
    const pieces = typeof text === 'string' ? (text === '' ? [] : [{ type: 'text' as const, text }]) : text;
    parts.push(...pieces);
  }
  const out: ChatMessage = {
    role: 'assistant',
    content: parts.length === 1 && parts[0]!.type === 'text' ? parts[0]!.text : parts.length === 0 ? '' : parts,
  };
  if (m.tool_calls != null) {
    if (!Array.isArray(m.tool_calls)) throw invalid(`${at}.tool_calls`, 'must be an array');
    out.toolCalls = m.tool_calls.map((c, j) => {
      const where = `${at}.tool_calls[${j}]`;
      if (!isObject(c) || c.type !== 'function' || !isObject(c.function))
        throw untranslatable(`${where}.type`, 'only function tool calls can be translated.');
      if (typeof c.id !== 'string' || typeof c.function.name !== 'string')
        throw invalid(where, 'needs id and function.name');
      const args = c.function.arguments;
      // Gemini's thought signature, as an OpenAI-format client got it (and must send it back).
      const signature = thoughtSignatureOf(c);
      return {
        id: c.id,
        name: c.function.name,
        arguments: typeof args === 'string' ? args : '{}',
        ...(signature !== undefined && { signature }),
      };
    });
  }
  return out;
}

/** Content that may only be text: a string, or text parts (refusal parts count as text in assistant turns). */
function textContent(
  content: unknown,
  at: string,
  allowRefusal = false,
): string | Array<{ type: 'text'; text: string }> {
  if (typeof content === 'string') return content;
  if (content == null) return '';
  if (!Array.isArray(content)) throw invalid(at, 'must be a string or an array of content parts');
  return content.map((p, j) => {
    if (isObject(p) && p.type === 'text' && typeof p.text === 'string') return { type: 'text' as const, text: p.text };
    if (allowRefusal && isObject(p) && p.type === 'refusal' && typeof p.refusal === 'string')
      return { type: 'text' as const, text: p.refusal };
    throw untranslatable(
      `${at}[${j}].type`,
      `${isObject(p) ? String(p.type) : 'this'} parts cannot appear here; only text is translated in this message.`,
    );
  });
}

function userContent(content: unknown, at: string): string | UserPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(at, 'must be a string or an array of content parts');
  return content.map((p, j): UserPart => {
    const where = `${at}[${j}]`;
    if (!isObject(p)) throw invalid(where, 'must be an object');
    if (p.type === 'text' && typeof p.text === 'string') return { type: 'text', text: p.text };
    if (p.type === 'image_url') {
      const image = p.image_url;
      const url = isObject(image) ? image.url : image;
      if (typeof url !== 'string' || url === '') throw invalid(`${where}.image_url.url`, 'is required');
      const part: ImagePart = { type: 'image', url };
      if (isObject(image) && (image.detail === 'auto' || image.detail === 'low' || image.detail === 'high'))
        part.detail = image.detail;
      return part;
    }
    throw untranslatable(
      `${where}.type`,
      `"${String(p.type)}" parts (audio, files) have no counterpart in the connection's API; text and images are translated.`,
    );
  });
}

function readOptions(body: Record<string, unknown>): ChatOptions {
  const o: ChatOptions = {};
  if (typeof body.temperature === 'number') o.temperature = body.temperature;
  if (typeof body.top_p === 'number') o.topP = body.top_p;
  if (typeof body.top_k === 'number') o.topK = body.top_k;
  const max = body.max_completion_tokens ?? body.max_tokens;
  if (typeof max === 'number') o.maxTokens = max;
  if (typeof body.stop === 'string') o.stop = [body.stop];
  else if (Array.isArray(body.stop)) o.stop = body.stop.filter((s): s is string => typeof s === 'string');
  if (typeof body.seed === 'number') o.seed = body.seed;
  if (typeof body.frequency_penalty === 'number' && body.frequency_penalty !== 0)
    o.frequencyPenalty = body.frequency_penalty;
  if (typeof body.presence_penalty === 'number' && body.presence_penalty !== 0)
    o.presencePenalty = body.presence_penalty;
  const user = body.user ?? body.safety_identifier;
  if (typeof user === 'string' && user !== '') o.user = user;
  if (body.tools != null) o.tools = readTools(body.tools);
  if (body.tool_choice != null) o.toolChoice = readToolChoice(body.tool_choice);
  if (typeof body.parallel_tool_calls === 'boolean') o.parallelToolCalls = body.parallel_tool_calls;
  if (body.response_format != null) o.responseFormat = readResponseFormat(body.response_format);
  const reasoning = readReasoning(body);
  if (reasoning) o.reasoning = reasoning;
  return o;
}

function readTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) throw invalid('tools', 'must be an array');
  return tools.map((t, i) => {
    if (!isObject(t) || t.type !== 'function' || !isObject(t.function))
      throw untranslatable(`tools[${i}].type`, 'only function tools can be translated.');
    const f = t.function;
    if (typeof f.name !== 'string') throw invalid(`tools[${i}].function.name`, 'is required');
    const def: ToolDefinition = { name: f.name };
    if (typeof f.description === 'string') def.description = f.description;
    if (isObject(f.parameters)) def.parameters = f.parameters;
    if (typeof f.strict === 'boolean') def.strict = f.strict;
    return def;
  });
}

function readToolChoice(choice: unknown): ChatOptions['toolChoice'] {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (
    isObject(choice) &&
    choice.type === 'function' &&
    isObject(choice.function) &&
    typeof choice.function.name === 'string'
  )
    return { name: choice.function.name };
  throw untranslatable('tool_choice', 'only auto, none, required or one named function can be translated.');
}

function readResponseFormat(format: unknown): ChatOptions['responseFormat'] {
  if (!isObject(format)) throw invalid('response_format', 'must be an object');
  if (format.type === 'text' || format.type === 'json_object') return { type: format.type };
  if (format.type === 'json_schema' && isObject(format.json_schema)) {
    const js = format.json_schema;
    if (typeof js.name !== 'string') throw invalid('response_format.json_schema.name', 'is required');
    return {
      type: 'json_schema',
      name: js.name,
      schema: isObject(js.schema) ? js.schema : { type: 'object' },
      ...(typeof js.description === 'string' && { description: js.description }),
      ...(typeof js.strict === 'boolean' && { strict: js.strict }),
    };
  }
  throw untranslatable('response_format.type', 'must be text, json_object or json_schema.');
}

function readReasoning(body: Record<string, unknown>): ReasoningOptions | undefined {
  const r: { effort?: ReasoningOptions['effort']; budgetTokens?: number } = {};
  const effort = body.reasoning_effort;
  if (effort != null) {
    if (
      effort !== 'none' &&
      effort !== 'minimal' &&
      effort !== 'low' &&
      effort !== 'medium' &&
      effort !== 'high' &&
      effort !== 'xhigh'
    ) {
      throw invalid('reasoning_effort', 'must be none, minimal, low, medium, high or xhigh');
    }
    r.effort = effort;
  }
  const thinking = body.thinking;
  if (isObject(thinking)) {
    if (thinking.type === 'enabled' && typeof thinking.budget_tokens === 'number')
      r.budgetTokens = thinking.budget_tokens;
    else if (thinking.type === 'disabled') r.effort = 'none';
    else throw invalid('thinking', 'must be {type: "enabled", budget_tokens} or {type: "disabled"}');
  }
  return r.effort !== undefined || r.budgetTokens !== undefined ? r : undefined;
}
