/** Non-streamed answers in Anthropic's `message` shape ⇄ the neutral answer. */
import type { AssistantPart, ToolCall } from '../../shared/protocol';
import { invalid, isObject } from './errors';
import { finishFromAnthropic, finishToAnthropic } from './finishReasons';
import type { NeutralAnswer } from './neutral';
import type { AnthropicMessageIdentity } from './anthropicStreamEncoder';
import { toolUseId } from './toolUseIds';
import { usageFromAnthropic, usageToAnthropic } from './usageMapping';

/** A neutral answer as an Anthropic `message`: thinking blocks, text, then tool_use blocks. */
export function toAnthropicMessage(answer: NeutralAnswer, who: AnthropicMessageIdentity): Record<string, unknown> {
  const content: unknown[] = [];
  for (const p of answer.content) {
    if (p.type === 'text') {
      if (p.text !== '') content.push({ type: 'text', text: p.text });
    } else if (p.type === 'reasoning')
      content.push({ type: 'thinking', thinking: p.text, signature: p.signature ?? '' });
    else content.push({ type: 'redacted_thinking', data: p.data });
  }
  for (const c of answer.toolCalls)
    content.push({ type: 'tool_use', id: toolUseId(c.id, c.signature), name: c.name, input: parseInput(c.arguments) });
  return {
    id: who.id,
    type: 'message',
    role: 'assistant',
    model: who.model,
    content,
    stop_reason: finishToAnthropic(answer.finishReason, answer.stopSequence),
    stop_sequence: answer.stopSequence ?? null,
    usage: usageToAnthropic(answer.usage),
  };
}

/** Tool arguments as Anthropic's `input` object; text that is not a JSON object is kept under `arguments`. */
function parseInput(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value)) return value;
  } catch {
    // fall through
  }
  return { arguments: text };
}

/** An Anthropic `message` as a neutral answer; `responseTool` names the forced tool of a structured answer. */
export function fromAnthropicMessage(json: unknown, responseTool?: string): NeutralAnswer {
  if (!isObject(json) || !Array.isArray(json.content)) throw invalid('content', 'the upstream answer has no content');
  const content: AssistantPart[] = [];
  const toolCalls: ToolCall[] = [];
  let jsonAnswer = false;
  for (const b of json.content) {
    if (!isObject(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') content.push({ type: 'text', text: b.text });
    else if (b.type === 'thinking' && typeof b.thinking === 'string')
      content.push({
        type: 'reasoning',
        text: b.thinking,
        ...(typeof b.signature === 'string' && { signature: b.signature }),
      });
    else if (b.type === 'redacted_thinking' && typeof b.data === 'string')
      content.push({ type: 'redactedReasoning', data: b.data });
    else if (b.type === 'tool_use') {
      if (responseTool !== undefined && b.name === responseTool) {
        jsonAnswer = true;
        content.push({ type: 'text', text: JSON.stringify(b.input ?? {}) });
      } else
        toolCalls.push({
          id: String(b.id ?? ''),
          name: String(b.name ?? ''),
          arguments: JSON.stringify(b.input ?? {}),
        });
    }
  }
  const stop = typeof json.stop_reason === 'string' ? json.stop_reason : null;
  const usage = usageFromAnthropic(json.usage);
  return {
    content,
    toolCalls,
    finishReason: jsonAnswer && stop === 'tool_use' && toolCalls.length === 0 ? 'stop' : finishFromAnthropic(stop),
    ...(typeof json.stop_sequence === 'string' && { stopSequence: json.stop_sequence }),
    ...(usage && { usage }),
  };
}
