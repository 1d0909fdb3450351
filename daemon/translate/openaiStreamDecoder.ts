/**
 * OpenAI `chat.completion.chunk` objects → neutral deltas. Tool calls arrive as pieces keyed by
 * `index` (parallel calls may interleave); the first piece of a call carries its id and name.
 * Reasoning arrives as `reasoning_content` (DeepSeek, vLLM, LiteLLM) or `reasoning` (OpenRouter,
 * Ollama); `thinking_blocks` (LiteLLM's and this daemon's extension) carry signatures. Gemini sends
 * each call's thought signature as `extra_content.google.thought_signature` on its first piece.
 */
import type { StreamDelta, Usage } from '../../shared/protocol';
import { isObject } from './errors';
import { finishFromOpenAI } from './finishReasons';
import { thoughtSignatureOf } from './geminiDialect';
import { usageFromOpenAI } from './usageMapping';

export class OpenAIStreamDecoder {
  finishReason: string | undefined;
  usage: Usage | undefined;
  /** OpenAI's tool call index → the neutral `toolCall` number (calls numbered in order of appearance). */
  private readonly calls = new Map<number, number>();

  /** Reads one parsed chunk, appending its deltas to `out`. An `error` member is the caller's to raise. */
  push(chunk: unknown, out: StreamDelta[]): void {
    if (!isObject(chunk)) return;
    // Some servers repeat (cumulative) usage on several chunks: the last one wins.
    if (chunk.usage != null) this.usage = usageFromOpenAI(chunk.usage) ?? this.usage;
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isObject(choice)) return;
    const delta = choice.delta;
    if (isObject(delta)) this.readDelta(delta, out);
    if (typeof choice.finish_reason === 'string') this.finishReason = finishFromOpenAI(choice.finish_reason);
  }

  private readDelta(delta: Record<string, unknown>, out: StreamDelta[]): void {
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') out.push({ type: 'reasoning', reasoning });
    if (Array.isArray(delta.thinking_blocks)) {
      for (const b of delta.thinking_blocks) {
        if (!isObject(b)) continue;
        if (b.type === 'redacted_thinking' && typeof b.data === 'string')
          out.push({ type: 'redactedReasoning', data: b.data });
        else if (typeof b.signature === 'string' && b.signature !== '')
          out.push({ type: 'reasoningSignature', signature: b.signature });
      }
    }
    if (typeof delta.content === 'string' && delta.content !== '') out.push({ type: 'text', text: delta.content });
    if (typeof delta.refusal === 'string' && delta.refusal !== '') out.push({ type: 'text', text: delta.refusal });
    if (Array.isArray(delta.tool_calls)) {
      delta.tool_calls.forEach((c, position) => {
        if (!isObject(c)) return;
        const index = typeof c.index === 'number' ? c.index : position;
        const fn = isObject(c.function) ? c.function : {};
        let n = this.calls.get(index);
        if (n === undefined) {
          n = this.calls.size;
          this.calls.set(index, n);
          const signature = thoughtSignatureOf(c);
          out.push({
            type: 'toolCall',
            toolCall: n,
            id: typeof c.id === 'string' && c.id ? c.id : `call_${index}`,
            name: typeof fn.name === 'string' ? fn.name : '',
            ...(signature !== undefined && { signature }),
          });
        }
        if (typeof fn.arguments === 'string' && fn.arguments !== '')
          out.push({ type: 'toolArguments', toolCall: n, arguments: fn.arguments });
      });
    }
  }
}
