/**
 * Neutral deltas → OpenAI `chat.completion.chunk` SSE frames, for an OpenAI-format client whose
 * answer comes from a connection of another format. Reasoning goes out as `reasoning_content`, and
 * each signature as a `thinking_blocks` entry holding the whole block (LiteLLM's convention), so a
 * client can send the block back on its next turn (docs/translation.md).
 */
import type { StreamDelta, Usage } from '../../shared/protocol';
import { usageToOpenAI } from './usageMapping';

export interface OpenAIChunkIdentity {
  id: string;
  /** The model id the client asked for. */
  model: string;
  /** Unix seconds. */
  created: number;
}

export class OpenAIStreamEncoder {
  private readonly head: string;
  /** Reasoning text of the open block, repeated with its signature. */
  private reasoning = '';

  constructor(who: OpenAIChunkIdentity) {
    this.head = `data: {"id":${JSON.stringify(who.id)},"object":"chat.completion.chunk","created":${who.created},"model":${JSON.stringify(who.model)},"system_fingerprint":null,"choices":[`;
  }

  /** The first frame: the assistant role. */
  start(): string {
    return this.frame('{"role":"assistant","content":""}', 'null');
  }

  /** The frame(s) of one delta. */
  delta(d: StreamDelta): string {
    switch (d.type) {
      case 'text':
        return this.frame(`{"content":${JSON.stringify(d.text)}}`, 'null');
      case 'reasoning':
        this.reasoning += d.reasoning;
        return this.frame(`{"reasoning_content":${JSON.stringify(d.reasoning)}}`, 'null');
      case 'reasoningSignature': {
        const block = { type: 'thinking', thinking: this.reasoning, signature: d.signature };
        this.reasoning = '';
        return this.frame(`{"thinking_blocks":[${JSON.stringify(block)}]}`, 'null');
      }
      case 'redactedReasoning':
        return this.frame(
          `{"thinking_blocks":[${JSON.stringify({ type: 'redacted_thinking', data: d.data })}]}`,
          'null',
        );
      case 'toolCall': {
        // A thought signature (from Gemini) as Gemini streams it, for the client to send back with the call.
        const extra =
          d.signature === undefined
            ? ''
            : `,"extra_content":{"google":{"thought_signature":${JSON.stringify(d.signature)}}}`;
        return this.frame(
          `{"tool_calls":[{"index":${d.toolCall},"id":${JSON.stringify(d.id)},"type":"function","function":{"name":${JSON.stringify(d.name)},"arguments":""}${extra}}]}`,
          'null',
        );
      }
      case 'toolArguments':
        return this.frame(
          `{"tool_calls":[{"index":${d.toolCall},"function":{"arguments":${JSON.stringify(d.arguments)}}}]}`,
          'null',
        );
    }
  }

  /** The closing frames: finish reason, the usage chunk when asked for, and `[DONE]`. */
  end(finishReason: string, usage: Usage | undefined, includeUsage: boolean): string {
    let out = this.frame('{}', JSON.stringify(finishReason));
    if (includeUsage) out += `${this.head}],"usage":${JSON.stringify(usageToOpenAI(usage))}}\n\n`;
    return `${out}data: [DONE]\n\n`;
  }

  private frame(delta: string, finish: string): string {
    return `${this.head}{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
  }
}
