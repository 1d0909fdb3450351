/** Finish reasons: OpenAI's words (the neutral vocabulary) and Anthropic's stop reasons, both ways. */
import type { FinishReason } from './neutral';

const FROM_ANTHROPIC: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** An Anthropic stop reason in neutral words (unknown ones pass through). */
export function finishFromAnthropic(stopReason: string | null | undefined): FinishReason | string {
  if (!stopReason) return 'stop';
  return FROM_ANTHROPIC[stopReason] ?? stopReason;
}

/** A neutral finish reason as Anthropic's stop reason; `stop` with a known stop sequence is `stop_sequence`. */
export function finishToAnthropic(reason: string, stopSequence?: string): string {
  switch (reason) {
    case 'stop':
      return stopSequence ? 'stop_sequence' : 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** An OpenAI finish reason in neutral words (`function_call`, the deprecated form, is `tool_calls`). */
export function finishFromOpenAI(reason: string | null | undefined): FinishReason | string {
  if (!reason) return 'stop';
  return reason === 'function_call' ? 'tool_calls' : reason;
}
