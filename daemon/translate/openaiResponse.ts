/** Non-streamed answers in OpenAI's `chat.completion` shape ⇄ the neutral answer. */
import type { AssistantPart, ToolCall } from '../../shared/protocol';
import { invalid, isObject } from './errors';
import { finishFromOpenAI } from './finishReasons';
import { geminiToolCall, thoughtSignatureOf } from './geminiDialect';
import type { NeutralAnswer } from './neutral';
import type { OpenAIChunkIdentity } from './openaiStreamEncoder';
import { usageFromOpenAI, usageToOpenAI } from './usageMapping';

/** A neutral answer as an OpenAI `chat.completion` (reasoning as `reasoning_content` + `thinking_blocks`). */
export function toOpenAICompletion(answer: NeutralAnswer, who: OpenAIChunkIdentity): Record<string, unknown> {
  let text = '';
  let reasoning = '';
  const blocks: unknown[] = [];
  for (const p of answer.content) {
    if (p.type === 'text') text += p.text;
    else if (p.type === 'reasoning') {
      reasoning += p.text;
      blocks.push({ type: 'thinking', thinking: p.text, ...(p.signature !== undefined && { signature: p.signature }) });
    } else blocks.push({ type: 'redacted_thinking', data: p.data });
  }
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: text === '' && answer.toolCalls.length > 0 ? null : text,
    refusal: null,
  };
  // A call's thought signature (from Gemini) goes out as Gemini writes it, for the client to send back.
  if (answer.toolCalls.length > 0) message.tool_calls = answer.toolCalls.map(geminiToolCall);
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (blocks.length > 0) message.thinking_blocks = blocks;
  return {
    id: who.id,
    object: 'chat.completion',
    created: who.created,
    model: who.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finishReason }],
    usage: usageToOpenAI(answer.usage),
    system_fingerprint: null,
  };
}

/** An OpenAI `chat.completion` as a neutral answer. */
export function fromOpenAICompletion(json: unknown): NeutralAnswer {
  if (!isObject(json) || !Array.isArray(json.choices)) throw invalid('choices', 'the upstream answer has no choices');
  const choice = json.choices[0];
  const message = isObject(choice) && isObject(choice.message) ? choice.message : {};
  const content: AssistantPart[] = [];
  if (Array.isArray(message.thinking_blocks)) {
    for (const b of message.thinking_blocks) {
      if (!isObject(b)) continue;
      if (b.type === 'redacted_thinking' && typeof b.data === 'string')
        content.push({ type: 'redactedReasoning', data: b.data });
      else if (typeof b.thinking === 'string')
        content.push({
          type: 'reasoning',
          text: b.thinking,
          ...(typeof b.signature === 'string' && { signature: b.signature }),
        });
    }
  } else {
    const reasoning = message.reasoning_content ?? message.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
  }
  if (typeof message.content === 'string' && message.content !== '')
    content.push({ type: 'text', text: message.content });
  else if (typeof message.refusal === 'string' && message.refusal !== '')
    content.push({ type: 'text', text: message.refusal });
  const toolCalls: ToolCall[] = [];
  if (Array.isArray(message.tool_calls)) {
    for (const c of message.tool_calls) {
      if (!isObject(c) || !isObject(c.function)) continue;
      const signature = thoughtSignatureOf(c);
      toolCalls.push({
        id: String(c.id ?? ''),
        name: String(c.function.name ?? ''),
        arguments: typeof c.function.arguments === 'string' ? c.function.arguments : '{}',
        ...(signature !== undefined && { signature }),
      });
    }
  }
  const usage = usageFromOpenAI(json.usage);
  return {
    content,
    toolCalls,
    finishReason: finishFromOpenAI(isObject(choice) ? (choice.finish_reason as string | null) : null),
    ...(usage && { usage }),
  };
}
