/**
 * Neutral request → OpenAI chat completions body: what the openai adapter sends to an
 * OpenAI-format connection (OpenAI, Azure, and every compatible server).
 */
import type { ChatMessage, ChatOptions, ProviderDialect, ToolChoice, UserPart } from '../../shared/protocol';
import { untranslatable } from './errors';
import { geminiReasoning, geminiToolCall } from './geminiDialect';
import { cleanGeminiSchema } from './geminiSchema';
import { effortFor } from './reasoningBudget';

/** How the target names its output limit: `max_completion_tokens` (OpenAI, Azure) or `max_tokens` (every other compatible server). */
export type MaxTokensField = 'max_completion_tokens' | 'max_tokens';

export interface OpenAIBodyOptions {
  maxTokensField: MaxTokensField;
  /** Ask for a streamed answer with usage in its last chunk. */
  stream: boolean;
  /** The connection's vendor rules (geminiDialect.ts): signatures, schemas and reasoning as Gemini takes them. */
  dialect?: ProviderDialect;
}

/** An OpenAI chat completions request body (JSON). */
export type OpenAIBody = Record<string, unknown> & { model: string; messages: unknown[] };

/** Builds the body; throws VALIDATION naming an option the OpenAI API has no counterpart for. */
export function toOpenAIRequest(
  req: { model: string; messages: ChatMessage[]; options?: ChatOptions },
  how: OpenAIBodyOptions,
): OpenAIBody {
  const o = req.options ?? {};
  const messages: unknown[] = o.system ? [{ role: 'system', content: o.system }] : [];
  const gemini = how.dialect === 'gemini';
  req.messages.forEach((m, i) => messages.push(...openaiMessages(m, `messages[${i}]`, gemini)));
  const body: OpenAIBody = { model: req.model, messages };
  if (how.stream) {
    body.stream = true;
    // Usage arrives in a last chunk only when asked for. OpenAI, Azure, Groq, vLLM and Ollama accept
    // this; should a compatible server reject it, make it a provider flag rather than dropping it.
    body.stream_options = { include_usage: true };
  }
  if (o.temperature !== undefined) body.temperature = o.temperature;
  if (o.topP !== undefined) body.top_p = o.topP;
  if (o.topK !== undefined)
    throw untranslatable(
      'options.topK',
      'top_k has no counterpart in the OpenAI chat completions API.',
      'Remove topK, or use an Anthropic connection.',
    );
  if (o.stop !== undefined && o.stop.length > 0) body.stop = o.stop;
  if (o.maxTokens !== undefined) body[how.maxTokensField] = o.maxTokens;
  if (o.seed !== undefined) body.seed = o.seed;
  if (o.frequencyPenalty !== undefined) body.frequency_penalty = o.frequencyPenalty;
  if (o.presencePenalty !== undefined) body.presence_penalty = o.presencePenalty;
  if (o.user !== undefined) body.user = o.user;
  if (o.tools !== undefined && o.tools.length > 0) {
    body.tools = o.tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description !== undefined && { description: t.description }),
        ...(t.parameters !== undefined && { parameters: gemini ? cleanGeminiSchema(t.parameters) : t.parameters }),
        ...(t.strict !== undefined && { strict: t.strict }),
      },
    }));
  }
  if (o.toolChoice !== undefined) body.tool_choice = openaiToolChoice(o.toolChoice);
  if (o.parallelToolCalls !== undefined && o.tools !== undefined && o.tools.length > 0)
    body.parallel_tool_calls = o.parallelToolCalls;
  if (o.responseFormat !== undefined) {
    const f = o.responseFormat;
    body.response_format =
      f.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: f.name,
              schema: f.schema,
              ...(f.description !== undefined && { description: f.description }),
              ...(f.strict !== undefined && { strict: f.strict }),
            },
          }
        : { type: f.type };
  }
  if (o.reasoning !== undefined) {
    if (gemini) Object.assign(body, geminiReasoning(req.model, o.reasoning));
    else body.reasoning_effort = effortFor(o.reasoning);
  }
  return body;
}

function openaiToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/** One neutral message as OpenAI messages (a message maps to exactly one, but kept a list for clarity at the call). */
function openaiMessages(m: ChatMessage, at: string, gemini: boolean): unknown[] {
  switch (m.role) {
    case 'system':
      return [{ role: m.developer ? 'developer' : 'system', content: m.content }];
    case 'user':
      return [
        {
          role: 'user',
          content:
            typeof m.content === 'string' ? m.content : m.content.map((p, j) => userPart(p, `${at}.content[${j}]`)),
        },
      ];
    case 'assistant': {
      // Reasoning is not sent back: the chat completions API takes no reasoning input (docs/translation.md).
      const text =
        typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
      const out: Record<string, unknown> = {
        role: 'assistant',
        content: text === '' && m.toolCalls?.length ? null : text,
      };
      // Thought signatures go back only to Gemini: other servers may refuse the unknown member.
      if (m.toolCalls?.length)
        out.tool_calls = m.toolCalls.map((c) =>
          gemini
            ? geminiToolCall(c)
            : { id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } },
        );
      return [out];
    }
    case 'tool': {
      let content: unknown;
      if (typeof m.content === 'string') content = m.content;
      else {
        content = m.content.map((p, j) => {
          if (p.type !== 'text')
            throw untranslatable(
              `${at}.content[${j}]`,
              'OpenAI tool messages hold text only; an image in a tool result cannot be sent.',
              'Send the image in a user message after the tool result.',
            );
          return { type: 'text', text: p.text };
        });
      }
      // OpenAI has no error flag on tool results: the text says it (docs/translation.md).
      if (m.isError)
        content =
          typeof content === 'string'
            ? `Error: ${content}`
            : [{ type: 'text', text: 'Error:' }, ...(content as unknown[])];
      return [{ role: 'tool', tool_call_id: m.toolCallId, content }];
    }
  }
}

function userPart(p: UserPart, at: string): unknown {
  if (p.type === 'text') return { type: 'text', text: p.text };
  const url = p.url ?? `data:${p.mediaType};base64,${p.data}`;
  if (!url) throw untranslatable(at, 'an image needs a url or base64 data.');
  return { type: 'image_url', image_url: { url, ...(p.detail !== undefined && { detail: p.detail }) } };
}
