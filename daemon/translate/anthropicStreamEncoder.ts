/**
 * Neutral deltas → Anthropic Messages SSE events, for an Anthropic-format client whose answer comes
 * from a connection of another format: one content block per run of text, reasoning (thinking, its
 * signature as signature_delta), redacted reasoning or tool call, with indexes counted from 0.
 *
 * Anthropic blocks never interleave, but OpenAI may interleave the argument pieces of parallel
 * calls. The first open tool call streams live; a call that starts while another tool call is open
 * is held (with its pieces) and sent whole, in order, when the open one ends.
 */
import type { StreamDelta, Usage } from '../../shared/protocol';
import { finishToAnthropic } from './finishReasons';
import { usageToAnthropic } from './usageMapping';
import { toolUseId } from './toolUseIds';

type Open = { kind: 'text' | 'thinking' } | { kind: 'tool'; toolCall: number } | undefined;

interface HeldCall {
  id: string;
  name: string;
  args: string[];
}

export interface AnthropicMessageIdentity {
  id: string;
  model: string;
}

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

export class AnthropicStreamEncoder {
  private index = -1;
  private open: Open;
  private readonly held = new Map<number, HeldCall>();

  constructor(private readonly who: AnthropicMessageIdentity) {}

  /** message_start (usage known so far: Anthropic reports input tokens here when it can). */
  start(usage?: Usage): string {
    const message = {
      id: this.who.id,
      type: 'message',
      role: 'assistant',
      model: this.who.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageToAnthropic(usage),
    };
    return event('message_start', { type: 'message_start', message });
  }

  delta(d: StreamDelta): string {
    switch (d.type) {
      case 'text':
        return (
          this.ensure({ kind: 'text' }, { type: 'text', text: '' }) +
          this.blockDelta({ type: 'text_delta', text: d.text })
        );
      case 'reasoning':
        return (
          this.ensure({ kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' }) +
          this.blockDelta({ type: 'thinking_delta', thinking: d.reasoning })
        );
      case 'reasoningSignature': {
        // The signature closes its thinking block; a lone one still gets a block to live in.
        const out =
          this.ensure({ kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' }) +
          this.blockDelta({ type: 'signature_delta', signature: d.signature });
        return out + this.close();
      }
      case 'redactedReasoning':
        return this.close() + this.startBlock({ type: 'redacted_thinking', data: d.data }) + this.close();
      case 'toolCall': {
        // A thought signature (Gemini's) rides in the tool_use id, which every client sends back (toolUseIds.ts).
        const id = toolUseId(d.id, d.signature);
        if (this.open?.kind === 'tool') {
          this.held.set(d.toolCall, { id, name: d.name, args: [] });
          return '';
        }
        return this.close() + this.startTool(d.toolCall, id, d.name);
      }
      case 'toolArguments': {
        const held = this.held.get(d.toolCall);
        if (held) {
          held.args.push(d.arguments);
          return '';
        }
        if (this.open?.kind !== 'tool' || this.open.toolCall !== d.toolCall) return ''; // a call never started: nothing to attach it to
        return this.blockDelta({ type: 'input_json_delta', partial_json: d.arguments });
      }
    }
  }

  /** Closes the last block, sends held tool calls, then message_delta (stop reason, usage) and message_stop. */
  end(finishReason: string, usage: Usage | undefined, stopSequence?: string): string {
    let out = this.close();
    for (const [toolCall, call] of [...this.held].sort((a, b) => a[0] - b[0])) {
      out += this.startTool(toolCall, call.id, call.name);
      for (const piece of call.args) out += this.blockDelta({ type: 'input_json_delta', partial_json: piece });
      out += this.close();
    }
    this.held.clear();
    const u = usageToAnthropic(usage);
    out += event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: finishToAnthropic(finishReason, stopSequence), stop_sequence: stopSequence ?? null },
      usage: u,
    });
    return out + event('message_stop', { type: 'message_stop' });
  }

  private startTool(toolCall: number, id: string, name: string): string {
    const out = this.startBlock({ type: 'tool_use', id, name, input: {} });
    this.open = { kind: 'tool', toolCall };
    return out;
  }

  /** Opens a block of `kind` unless one is open already. */
  private ensure(kind: Exclude<Open, undefined>, block: Record<string, unknown>): string {
    if (this.open?.kind === kind.kind) return '';
    const out = this.close() + this.startBlock(block);
    this.open = kind;
    return out;
  }

  private startBlock(block: Record<string, unknown>): string {
    this.index++;
    this.open = { kind: 'text' }; // replaced by the caller when it is another kind
    return event('content_block_start', { type: 'content_block_start', index: this.index, content_block: block });
  }

  private blockDelta(delta: Record<string, unknown>): string {
    return event('content_block_delta', { type: 'content_block_delta', index: this.index, delta });
  }

  private close(): string {
    if (this.open === undefined) return '';
    this.open = undefined;
    return event('content_block_stop', { type: 'content_block_stop', index: this.index });
  }
}
