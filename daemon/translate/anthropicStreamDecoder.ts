/**
 * Anthropic Messages stream events → neutral deltas: content blocks (text, thinking with its
 * signature, redacted thinking, tool_use with input_json_delta pieces) in order, usage from
 * message_start and message_delta, the stop reason, and whether message_stop came.
 *
 * A structured answer (responseFormat) comes back as a call of the forced tool (anthropicBody.ts):
 * that call's JSON is turned into answer text, and its `tool_use` stop into `stop`.
 */
import type { StreamDelta, Usage } from '../../shared/protocol';
import { isObject } from './errors';
import { finishFromAnthropic } from './finishReasons';
import { usageFromAnthropic } from './usageMapping';

type BlockKind = { kind: 'text' | 'thinking' | 'other' } | { kind: 'tool'; toolCall: number } | { kind: 'json' };

export class AnthropicStreamDecoder {
  stopReason: string | undefined;
  stopSequence: string | undefined;
  usage: Usage | undefined;
  /** message_stop arrived. */
  stopped = false;
  private readonly blocks = new Map<number, BlockKind>();
  private toolCalls = 0;
  private jsonAnswer = false;

  /** @param responseTool the forced tool carrying a structured answer, when the request asked for one. */
  constructor(private readonly responseTool?: string) {}

  /** The neutral finish reason. */
  get finishReason(): string {
    if (this.jsonAnswer && this.stopReason === 'tool_use' && this.toolCalls === 0) return 'stop';
    return finishFromAnthropic(this.stopReason);
  }

  /** Reads one parsed event, appending its deltas to `out`. */
  push(event: unknown, out: StreamDelta[]): void {
    if (!isObject(event)) return;
    switch (event.type) {
      case 'content_block_delta':
        return this.delta(event, out);
      case 'content_block_start':
        return this.start(event, out);
      case 'message_start':
        if (isObject(event.message)) this.usage = usageFromAnthropic(event.message.usage, this.usage);
        return;
      case 'message_delta':
        if (isObject(event.delta)) {
          if (typeof event.delta.stop_reason === 'string') this.stopReason = event.delta.stop_reason;
          if (typeof event.delta.stop_sequence === 'string') this.stopSequence = event.delta.stop_sequence;
        }
        this.usage = usageFromAnthropic(event.usage, this.usage);
        return;
      case 'message_stop':
        this.stopped = true;
        return;
      default:
        return; // content_block_stop, ping
    }
  }

  private start(event: Record<string, unknown>, out: StreamDelta[]): void {
    const index = typeof event.index === 'number' ? event.index : this.blocks.size;
    const block = isObject(event.content_block) ? event.content_block : {};
    switch (block.type) {
      case 'text':
        this.blocks.set(index, { kind: 'text' });
        if (typeof block.text === 'string' && block.text !== '') out.push({ type: 'text', text: block.text });
        return;
      case 'thinking':
        this.blocks.set(index, { kind: 'thinking' });
        if (typeof block.thinking === 'string' && block.thinking !== '')
          out.push({ type: 'reasoning', reasoning: block.thinking });
        return;
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'other' });
        if (typeof block.data === 'string') out.push({ type: 'redactedReasoning', data: block.data });
        return;
      case 'tool_use': {
        if (this.responseTool !== undefined && block.name === this.responseTool) {
          this.blocks.set(index, { kind: 'json' });
          this.jsonAnswer = true;
          return;
        }
        const toolCall = this.toolCalls++;
        this.blocks.set(index, { kind: 'tool', toolCall });
        out.push({
          type: 'toolCall',
          toolCall,
          id: typeof block.id === 'string' ? block.id : `toolu_${index}`,
          name: typeof block.name === 'string' ? block.name : '',
        });
        // A tool_use that starts with its whole input (no input_json_delta follows) carries it here.
        if (isObject(block.input) && Object.keys(block.input).length > 0)
          out.push({ type: 'toolArguments', toolCall, arguments: JSON.stringify(block.input) });
        return;
      }
      default:
        this.blocks.set(index, { kind: 'other' });
    }
  }

  private delta(event: Record<string, unknown>, out: StreamDelta[]): void {
    const d = event.delta;
    if (!isObject(d)) return;
    switch (d.type) {
      case 'text_delta':
        if (typeof d.text === 'string' && d.text !== '') out.push({ type: 'text', text: d.text });
        return;
      case 'thinking_delta':
        if (typeof d.thinking === 'string' && d.thinking !== '') out.push({ type: 'reasoning', reasoning: d.thinking });
        return;
      case 'signature_delta':
        if (typeof d.signature === 'string') out.push({ type: 'reasoningSignature', signature: d.signature });
        return;
      case 'input_json_delta': {
        const block = this.blocks.get(typeof event.index === 'number' ? event.index : -1);
        if (typeof d.partial_json !== 'string' || d.partial_json === '' || !block) return;
        if (block.kind === 'json') out.push({ type: 'text', text: d.partial_json });
        else if (block.kind === 'tool')
          out.push({ type: 'toolArguments', toolCall: block.toolCall, arguments: d.partial_json });
        return;
      }
      default:
        return; // citations_delta and future kinds carry nothing the neutral model holds
    }
  }
}
