/**
 * Bedrock Converse answers → the neutral answer: a whole `ConverseResponse`, the stop reasons and
 * the usage (whose `inputTokens` leaves out cache reads and writes, as Anthropic's does: the
 * neutral `inputTokens` counts all input). The SDK hands bytes (`redactedContent`) as Uint8Array;
 * the neutral model carries them as base64.
 */
import type { AssistantPart, ToolCall, Usage } from '../../shared/protocol';
import { isObject } from './errors';
import type { FinishReason, NeutralAnswer } from './neutral';

const FROM_CONVERSE: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/** A Converse stop reason in neutral words (unknown ones, e.g. `malformed_tool_use`, pass through). */
export function finishFromConverse(stopReason: unknown): FinishReason | string {
  if (typeof stopReason !== 'string' || stopReason === '') return 'stop';
  return FROM_CONVERSE[stopReason] ?? stopReason;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Converse `usage` → neutral: cache reads and writes are input too. */
export function usageFromConverse(u: unknown): Usage | undefined {
  if (!isObject(u)) return undefined;
  const read = num(u.cacheReadInputTokens) ?? 0;
  const written = num(u.cacheWriteInputTokens) ?? 0;
  const usage: Usage = {
    inputTokens: (num(u.inputTokens) ?? 0) + read + written,
    outputTokens: num(u.outputTokens) ?? 0,
  };
  if (read) usage.cachedInputTokens = read;
  if (written) usage.cacheCreationInputTokens = written;
  return usage;
}

/** Bytes (Uint8Array from the SDK, or base64 text) as base64. */
export function base64Of(bytes: unknown): string {
  if (typeof bytes === 'string') return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes).toString('base64');
  return '';
}

/** A whole Converse answer as a neutral one; `responseTool` names the forced tool of a structured answer. */
export function fromConverseResponse(json: unknown, responseTool?: string): NeutralAnswer {
  const message =
    isObject(json) && isObject(json.output) && isObject(json.output.message) ? json.output.message : undefined;
  const blocks = Array.isArray(message?.content) ? message.content : [];
  const content: AssistantPart[] = [];
  const toolCalls: ToolCall[] = [];
  let jsonAnswer = false;
  for (const b of blocks) {
    if (!isObject(b)) continue;
    if (typeof b.text === 'string') content.push({ type: 'text', text: b.text });
    else if (isObject(b.reasoningContent)) {
      const r = b.reasoningContent;
      if (isObject(r.reasoningText) && typeof r.reasoningText.text === 'string') {
        content.push({
          type: 'reasoning',
          text: r.reasoningText.text,
          ...(typeof r.reasoningText.signature === 'string' && { signature: r.reasoningText.signature }),
        });
      } else if (r.redactedContent !== undefined)
        content.push({ type: 'redactedReasoning', data: base64Of(r.redactedContent) });
    } else if (isObject(b.toolUse)) {
      const t = b.toolUse;
      if (responseTool !== undefined && t.name === responseTool) {
        jsonAnswer = true;
        content.push({ type: 'text', text: JSON.stringify(t.input ?? {}) });
      } else
        toolCalls.push({
          id: String(t.toolUseId ?? ''),
          name: String(t.name ?? ''),
          arguments: JSON.stringify(t.input ?? {}),
        });
    }
  }
  const stop = isObject(json) ? json.stopReason : undefined;
  const usage = isObject(json) ? usageFromConverse(json.usage) : undefined;
  return {
    content,
    toolCalls,
    finishReason: jsonAnswer && stop === 'tool_use' && toolCalls.length === 0 ? 'stop' : finishFromConverse(stop),
    ...(usage && { usage }),
  };
}
