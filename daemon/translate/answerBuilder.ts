/**
 * Adds streamed deltas up to a whole answer: text pieces joined, reasoning blocks with the signature
 * that closed each, tool calls with their argument pieces concatenated. One per stream.
 */
import type { AssistantMessage, AssistantPart, StreamDelta, ToolCall } from '../../shared/protocol';

export class AnswerBuilder {
  readonly content: AssistantPart[] = [];
  readonly toolCalls: ToolCall[] = [];
  /** Text pieces of the last text part, joined once it ends (one join instead of one concatenation per piece). */
  private textPieces: string[] | undefined;
  private reasoningPieces: string[] | undefined;

  add(d: StreamDelta): void {
    switch (d.type) {
      case 'text':
        this.endReasoning();
        (this.textPieces ??= []).push(d.text);
        return;
      case 'reasoning':
        this.endText();
        (this.reasoningPieces ??= []).push(d.reasoning);
        return;
      case 'reasoningSignature': {
        this.endText();
        const open = this.reasoningPieces;
        this.reasoningPieces = undefined;
        this.content.push({ type: 'reasoning', text: open ? open.join('') : '', signature: d.signature });
        return;
      }
      case 'redactedReasoning':
        this.endText();
        this.endReasoning();
        this.content.push({ type: 'redactedReasoning', data: d.data });
        return;
      case 'toolCall':
        this.endText();
        this.endReasoning();
        this.toolCalls[d.toolCall] = {
          id: d.id,
          name: d.name,
          arguments: '',
          ...(d.signature !== undefined && { signature: d.signature }),
        };
        return;
      case 'toolArguments': {
        const call = this.toolCalls[d.toolCall];
        if (call) call.arguments += d.arguments;
        return;
      }
    }
  }

  /** The answer so far: parts in order, text parts joined. */
  parts(): AssistantPart[] {
    this.endText();
    this.endReasoning();
    return this.content;
  }

  /** All answer text, joined. */
  text(): string {
    let out = '';
    for (const p of this.parts()) if (p.type === 'text') out += p.text;
    return out;
  }

  /** The assistant turn to send back on the next request. */
  message(): AssistantMessage {
    const parts = this.parts();
    const calls = this.toolCalls.filter(Boolean);
    const onlyText = parts.every((p) => p.type === 'text');
    return {
      role: 'assistant',
      content: onlyText ? this.text() : parts,
      ...(calls.length > 0 && { toolCalls: calls }),
    };
  }

  private endText(): void {
    if (this.textPieces === undefined) return;
    this.content.push({ type: 'text', text: this.textPieces.join('') });
    this.textPieces = undefined;
  }

  private endReasoning(): void {
    if (this.reasoningPieces === undefined) return;
    this.content.push({ type: 'reasoning', text: this.reasoningPieces.join('') });
    this.reasoningPieces = undefined;
  }
}
