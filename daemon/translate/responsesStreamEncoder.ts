/**
 * Neutral deltas → the Responses API's SSE events, for a Responses client (Codex) whose answer
 * comes from a connection of another format. The sequence is the API's own:
 * `response.created`, `response.in_progress`; per output item `response.output_item.added`, its
 * pieces (`content_part.added` + `output_text.delta` for text; `reasoning_summary_part.added` +
 * `reasoning_summary_text.delta` for reasoning; `function_call_arguments.delta` for a call), their
 * `.done` events and `response.output_item.done`; then `response.completed` (or
 * `response.incomplete`) with the whole response and its usage. Every event has its
 * `sequence_number`, counted from 0.
 *
 * A text or reasoning item closes when anything else starts. Function call items stay open until
 * the answer ends (OpenAI may interleave the argument pieces of parallel calls; each event names
 * its item, so nothing is held back) and close in order before the final event.
 */
import type { StreamDelta, Usage } from '../../shared/protocol';
import { encryptedContentOf } from './responsesReasoning';
import {
  functionCallItem,
  itemId,
  messageItem,
  outputText,
  reasoningItem,
  responseObject,
  responseStatusOf,
  usageToResponses,
  type ResponsesIdentity,
} from './responsesResponse';

type OpenItem =
  | { kind: 'message'; index: number; id: string; text: string }
  | { kind: 'reasoning'; index: number; id: string; text: string }
  | undefined;

interface OpenCall {
  index: number;
  id: string;
  callId: string;
  name: string;
  arguments: string;
}

export class ResponsesStreamEncoder {
  private seq = 0;
  private nextIndex = 0;
  private open: OpenItem;
  private readonly calls = new Map<number, OpenCall>();
  /** Finished items by output index, for the final response. */
  private readonly output: unknown[] = [];

  constructor(private readonly who: ResponsesIdentity) {}

  /** `response.created` and `response.in_progress`. */
  start(): string {
    const response = responseObject(this.who, [], { status: 'in_progress' });
    return this.event('response.created', { response }) + this.event('response.in_progress', { response });
  }

  delta(d: StreamDelta): string {
    switch (d.type) {
      case 'text': {
        let out = '';
        if (this.open?.kind !== 'message') {
          out += this.close();
          const index = this.nextIndex++;
          const open = { kind: 'message' as const, index, id: itemId(this.who, 'msg', index), text: '' };
          this.open = open;
          out += this.event('response.output_item.added', {
            output_index: open.index,
            item: messageItem(open.id, '', 'in_progress'),
          });
          out += this.event('response.content_part.added', {
            item_id: open.id,
            output_index: open.index,
            content_index: 0,
            part: outputText(''),
          });
        }
        const open = this.open!;
        open.text += d.text;
        return (
          out +
          this.event('response.output_text.delta', {
            item_id: open.id,
            output_index: open.index,
            content_index: 0,
            delta: d.text,
            logprobs: [],
          })
        );
      }
      case 'reasoning': {
        const out = this.openReasoning();
        const open = this.open!;
        open.text += d.reasoning;
        return (
          out +
          this.event('response.reasoning_summary_text.delta', {
            item_id: open.id,
            output_index: open.index,
            summary_index: 0,
            delta: d.reasoning,
          })
        );
      }
      case 'reasoningSignature':
        // The signature ends its reasoning block (a lone one still gets an item to live in).
        return (
          this.openReasoning() + this.close(encryptedContentOf({ type: 'reasoning', text: '', signature: d.signature }))
        );
      case 'redactedReasoning': {
        const index = this.nextIndex++;
        const item = reasoningItem(
          itemId(this.who, 'rs', index),
          undefined,
          encryptedContentOf({ type: 'redactedReasoning', data: d.data }),
        );
        this.output[index] = item;
        return (
          this.close() +
          this.event('response.output_item.added', {
            output_index: index,
            item: { ...item, encrypted_content: undefined },
          }) +
          this.event('response.output_item.done', { output_index: index, item })
        );
      }
      case 'toolCall': {
        const index = this.nextIndex++;
        const call: OpenCall = { index, id: itemId(this.who, 'fc', index), callId: d.id, name: d.name, arguments: '' };
        this.calls.set(d.toolCall, call);
        return (
          this.close() +
          this.event('response.output_item.added', {
            output_index: call.index,
            item: functionCallItem(call.id, { id: d.id, name: d.name, arguments: '' }, 'in_progress'),
          })
        );
      }
      case 'toolArguments': {
        const call = this.calls.get(d.toolCall);
        if (!call) return ''; // a call never started: nothing to attach it to
        call.arguments += d.arguments;
        return this.event('response.function_call_arguments.delta', {
          item_id: call.id,
          output_index: call.index,
          delta: d.arguments,
        });
      }
    }
  }

  /** Closes every open item, then `response.completed` (or `response.incomplete`) with the whole response and usage. */
  end(finishReason: string, usage: Usage | undefined): string {
    let out = this.close();
    for (const call of [...this.calls.values()].sort((a, b) => a.index - b.index)) {
      const item = functionCallItem(call.id, { id: call.callId, name: call.name, arguments: call.arguments });
      this.output[call.index] = item;
      out += this.event('response.function_call_arguments.done', {
        item_id: call.id,
        output_index: call.index,
        name: call.name,
        arguments: call.arguments,
      });
      out += this.event('response.output_item.done', { output_index: call.index, item });
    }
    this.calls.clear();
    const state = responseStatusOf(finishReason);
    const response = responseObject(this.who, this.output, { ...state, usage: usageToResponses(usage) });
    return out + this.event(state.status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }

  private openReasoning(): string {
    if (this.open?.kind === 'reasoning') return '';
    let out = this.close();
    const index = this.nextIndex++;
    const open = { kind: 'reasoning' as const, index, id: itemId(this.who, 'rs', index), text: '' };
    this.open = open;
    out += this.event('response.output_item.added', {
      output_index: open.index,
      item: reasoningItem(open.id, undefined, undefined),
    });
    out += this.event('response.reasoning_summary_part.added', {
      item_id: open.id,
      output_index: open.index,
      summary_index: 0,
      part: { type: 'summary_text', text: '' },
    });
    return out;
  }

  /** Closes the open text or reasoning item; `encrypted` is a reasoning item's replayable content. */
  private close(encrypted?: string): string {
    const open = this.open;
    if (open === undefined) return '';
    this.open = undefined;
    const base = { item_id: open.id, output_index: open.index };
    if (open.kind === 'message') {
      const item = messageItem(open.id, open.text);
      this.output[open.index] = item;
      return (
        this.event('response.output_text.done', { ...base, content_index: 0, text: open.text, logprobs: [] }) +
        this.event('response.content_part.done', { ...base, content_index: 0, part: outputText(open.text) }) +
        this.event('response.output_item.done', { output_index: open.index, item })
      );
    }
    const item = reasoningItem(open.id, open.text, encrypted);
    this.output[open.index] = item;
    const part = { type: 'summary_text', text: open.text };
    return (
      this.event('response.reasoning_summary_text.done', { ...base, summary_index: 0, text: open.text }) +
      this.event('response.reasoning_summary_part.done', { ...base, summary_index: 0, part }) +
      this.event('response.output_item.done', { output_index: open.index, item })
    );
  }

  private event(type: string, data: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.seq++, ...data })}\n\n`;
  }
}
