/**
 * ConverseStream events (as the AWS SDK decodes them from the binary event stream) → neutral
 * deltas: reasoning pieces ended by their signature, redacted reasoning, text, tool uses with their
 * input pieces; the stop reason from `messageStop`, usage from `metadata`. A structured answer
 * (the forced response tool, converseRequest.ts) is turned back into answer text.
 */
import type { StreamDelta, Usage } from '../../shared/protocol';
import { base64Of, finishFromConverse, usageFromConverse } from './converseResponse';
import { isObject } from './errors';

type BlockKind = { kind: 'tool'; toolCall: number } | { kind: 'json' };

export class ConverseStreamDecoder {
  stopReason: string | undefined;
  usage: Usage | undefined;
  /** `messageStop` arrived: the answer is whole (`metadata` with usage follows it). */
  stopped = false;
  private readonly blocks = new Map<number, BlockKind>();
  private toolCalls = 0;
  private jsonAnswer = false;

  /** @param responseTool the forced tool carrying a structured answer, when the request asked for one. */
  constructor(private readonly responseTool?: string) {}

  /** The neutral finish reason. */
  get finishReason(): string {
    if (this.jsonAnswer && this.stopReason === 'tool_use' && this.toolCalls === 0) return 'stop';
    return finishFromConverse(this.stopReason);
  }

  /** Reads one event (`{contentBlockDelta: {...}}` and the like), appending its deltas to `out`. */
  push(event: unknown, out: StreamDelta[]): void {
    if (!isObject(event)) return;
    if (isObject(event.contentBlockDelta)) return this.delta(event.contentBlockDelta, out);
    if (isObject(event.contentBlockStart)) return this.start(event.contentBlockStart, out);
    if (isObject(event.messageStop)) {
      this.stopped = true;
      if (typeof event.messageStop.stopReason === 'string') this.stopReason = event.messageStop.stopReason;
      return;
    }
    if (isObject(event.metadata)) this.usage = usageFromConverse(event.metadata.usage) ?? this.usage;
    // messageStart and contentBlockStop carry nothing the neutral model holds.
  }

  private start(e: Record<string, unknown>, out: StreamDelta[]): void {
    const index = typeof e.contentBlockIndex === 'number' ? e.contentBlockIndex : this.blocks.size;
    const toolUse = isObject(e.start) && isObject(e.start.toolUse) ? e.start.toolUse : undefined;
    if (!toolUse) return;
    if (this.responseTool !== undefined && toolUse.name === this.responseTool) {
      this.blocks.set(index, { kind: 'json' });
      this.jsonAnswer = true;
      return;
    }
    const toolCall = this.toolCalls++;
    this.blocks.set(index, { kind: 'tool', toolCall });
    out.push({
      type: 'toolCall',
      toolCall,
      id: typeof toolUse.toolUseId === 'string' ? toolUse.toolUseId : `tooluse_${index}`,
      name: typeof toolUse.name === 'string' ? toolUse.name : '',
    });
  }

  private delta(e: Record<string, unknown>, out: StreamDelta[]): void {
    const d = e.delta;
    if (!isObject(d)) return;
    if (typeof d.text === 'string') {
      if (d.text !== '') out.push({ type: 'text', text: d.text });
      return;
    }
    if (isObject(d.toolUse)) {
      const block = this.blocks.get(typeof e.contentBlockIndex === 'number' ? e.contentBlockIndex : -1);
      const piece = d.toolUse.input;
      if (typeof piece !== 'string' || piece === '' || !block) return;
      if (block.kind === 'json') out.push({ type: 'text', text: piece });
      else out.push({ type: 'toolArguments', toolCall: block.toolCall, arguments: piece });
      return;
    }
    if (isObject(d.reasoningContent)) {
      const r = d.reasoningContent;
      if (typeof r.text === 'string' && r.text !== '') out.push({ type: 'reasoning', reasoning: r.text });
      else if (typeof r.signature === 'string') out.push({ type: 'reasoningSignature', signature: r.signature });
      else if (r.redactedContent !== undefined)
        out.push({ type: 'redactedReasoning', data: base64Of(r.redactedContent) });
    }
  }
}
