/**
 * The subset of OpenAI's chat completions request the daemon serves, validated. Unknown fields are
 * ignored (clients send many optional knobs); fields that would change the answer's shape and that
 * the daemon cannot honour (several choices, tools) are refused with a clear 400.
 */
import { z } from 'zod';
import type { ChatMessage, ChatOptions } from '../../shared/protocol';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const Message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(TextPart)]).nullable(),
});

export const ChatCompletionsBody = z.object({
  model: z.string().min(1, 'is required'),
  messages: z.array(Message).min(1, 'must hold at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.int().min(1).nullish(),
  max_completion_tokens: z.int().min(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(8)]).nullish(),
  n: z.literal(1, 'only n = 1 is supported').nullish(),
  tools: z.undefined({ error: 'tools are not supported by Switchboard yet; send a plain chat request' }).optional(),
});
export type ChatCompletionsBody = z.infer<typeof ChatCompletionsBody>;

export interface TranslatedRequest {
  messages: ChatMessage[];
  options: ChatOptions;
}

export function translate(body: ChatCompletionsBody): TranslatedRequest {
  const messages: ChatMessage[] = body.messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text).join(''),
  }));
  const options: ChatOptions = {};
  if (body.temperature != null) options.temperature = body.temperature;
  if (body.top_p != null) options.topP = body.top_p;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) options.maxTokens = maxTokens;
  if (body.stop != null) options.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  return { messages, options };
}
