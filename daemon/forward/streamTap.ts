/**
 * Watches a relayed event stream without re-encoding it: bytes go to the client as the upstream
 * sent them, cut only at event boundaries (a partial event waits for its end, so every write is
 * whole events). The tap reads just enough to record usage, see the stop reason and the
 * terminator, and catch an error event:
 *
 * - each read is searched (native `Buffer.indexOf`) for a few JSON keys and SSE lines; only the
 *   rare event that holds one of them (usage, an error) is parsed;
 * - a key is matched with its quotes and the `:` after it, which text inside a JSON string cannot
 *   produce (its quotes are escaped there), so a model writing about "usage" is not mistaken for it;
 * - the OpenAI usage chunk the daemon asked for (`stream_options.include_usage`, when the client
 *   did not) is cut out of what the client receives; an error event is passed on with keys scrubbed.
 */
import type { Usage } from '../../shared/protocol';
import { anthropicUsage, openaiUsage } from './usageOf';

const LFLF = Buffer.from('\n\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');
const USAGE_KEY = Buffer.from('"usage"');
const ERROR_KEY = Buffer.from('"error"');
const FINISH_KEY = Buffer.from('"finish_reason"');
const STOP_KEY = Buffer.from('"stop_reason"');
const DONE = Buffer.from('[DONE]');
const MESSAGE_STOP = Buffer.from('"message_stop"');
const EVENT_ERROR = Buffer.from('event: error');

export type Json = Record<string, unknown>;

export abstract class StreamTap {
  usage: Usage | undefined;
  finishReason: string | undefined;
  /** The stream's terminator (`data: [DONE]`, `message_stop`) went by. */
  terminated = false;
  /** The body of an error event, if one came. */
  error: Json | undefined;
  private carry: Buffer | undefined;

  /** `scrub` removes keys from an error event's text before the client sees it. */
  constructor(protected readonly scrub: (text: string) => string) {}

  /** The next bytes from the upstream; returns the whole events to send on (undefined: none yet). */
  push(chunk: Buffer): Buffer | undefined {
    const buf = this.carry === undefined ? chunk : Buffer.concat([this.carry, chunk]);
    const cut = lastBoundary(buf);
    if (cut === 0) {
      this.carry = buf;
      return undefined;
    }
    this.carry = cut < buf.length ? buf.subarray(cut) : undefined;
    return this.inspect(cut === buf.length ? buf : buf.subarray(0, cut));
  }

  /** What is left when the body ends: an event without its blank line, passed on as it is. */
  rest(): Buffer | undefined {
    const rest = this.carry;
    this.carry = undefined;
    if (rest === undefined) return undefined;
    return this.inspect(rest);
  }

  /** Looks at whole events; returns the bytes to send for them. */
  protected abstract inspect(events: Buffer): Buffer;

  /** Replaces an error event's bytes with its scrubbed text (the same bytes when nothing was scrubbed). */
  protected scrubbed(events: Buffer, start: number, end: number, edits: Edit[]): void {
    const text = events.toString('utf8', start, end);
    const clean = this.scrub(text);
    if (clean !== text) edits.push({ start, end, bytes: Buffer.from(clean) });
  }
}

export interface Edit {
  start: number;
  end: number;
  /** Undefined: cut the range out. */
  bytes?: Buffer;
}

/** OpenAI chat completion chunks (`data: {…}` … `data: [DONE]`). */
export class OpenAIStreamTap extends StreamTap {
  /** `hideUsageChunk`: the daemon added `include_usage`, so the usage-only chunk is not the client's. */
  constructor(
    scrub: (text: string) => string,
    private readonly hideUsageChunk: boolean,
  ) {
    super(scrub);
  }

  protected inspect(b: Buffer): Buffer {
    let edits: Edit[] | undefined;
    for (let at = b.indexOf(FINISH_KEY); at !== -1; at = b.indexOf(FINISH_KEY, at + FINISH_KEY.length)) {
      const value = stringAfterKey(b, at + FINISH_KEY.length);
      if (value !== undefined) this.finishReason = value;
    }
    for (let at = b.indexOf(USAGE_KEY); at !== -1; at = b.indexOf(USAGE_KEY, at + USAGE_KEY.length)) {
      if (charAfterKey(b, at + USAGE_KEY.length) !== 123 /* { */) continue;
      const [start, end] = eventAround(b, at);
      const data = eventData(b, start, end);
      const usage = openaiUsage(data?.['usage']);
      if (usage) this.usage = usage;
      if (this.hideUsageChunk && Array.isArray(data?.['choices']) && (data['choices'] as unknown[]).length === 0) (edits ??= []).push({ start, end });
      at = end - USAGE_KEY.length;
    }
    for (let at = b.indexOf(ERROR_KEY); at !== -1; at = b.indexOf(ERROR_KEY, at + ERROR_KEY.length)) {
      const next = charAfterKey(b, at + ERROR_KEY.length);
      if (next !== 123 && next !== 34) continue; // null, or not a key
      const [start, end] = eventAround(b, at);
      const data = eventData(b, start, end);
      if (data?.['error'] == null) continue;
      this.error = data;
      this.scrubbed(b, start, end, (edits ??= []));
      at = end - ERROR_KEY.length;
    }
    if (!this.terminated) {
      for (let at = b.indexOf(DONE); at !== -1; at = b.indexOf(DONE, at + DONE.length)) {
        if (isDataLine(b, at)) {
          this.terminated = true;
          break;
        }
      }
    }
    return edits ? applyEdits(b, edits) : b;
  }
}

/** Anthropic Messages events (`event: message_start` … `event: message_stop`). */
export class AnthropicStreamTap extends StreamTap {
  protected inspect(b: Buffer): Buffer {
    let edits: Edit[] | undefined;
    for (let at = b.indexOf(USAGE_KEY); at !== -1; at = b.indexOf(USAGE_KEY, at + USAGE_KEY.length)) {
      if (charAfterKey(b, at + USAGE_KEY.length) !== 123) continue;
      const [start, end] = eventAround(b, at);
      const data = eventData(b, start, end);
      if (data?.['type'] === 'message_start') {
        const message = data['message'] as Json | undefined;
        this.usage = anthropicUsage(message?.['usage'], this.usage);
      } else if (data?.['type'] === 'message_delta') {
        this.usage = anthropicUsage(data['usage'], this.usage);
      }
      at = end - USAGE_KEY.length;
    }
    for (let at = b.indexOf(STOP_KEY); at !== -1; at = b.indexOf(STOP_KEY, at + STOP_KEY.length)) {
      const value = stringAfterKey(b, at + STOP_KEY.length);
      if (value !== undefined) this.finishReason = value;
    }
    for (let at = b.indexOf(EVENT_ERROR); at !== -1; at = b.indexOf(EVENT_ERROR, at + EVENT_ERROR.length)) {
      if (!(at === 0 || b[at - 1] === 10) || !(b[at + EVENT_ERROR.length] === 10 || b[at + EVENT_ERROR.length] === 13)) continue;
      const [start, end] = eventAround(b, at);
      this.error = eventData(b, start, end) ?? { type: 'error', error: { type: 'api_error', message: 'malformed error event' } };
      this.scrubbed(b, start, end, (edits ??= []));
      at = end - EVENT_ERROR.length;
    }
    if (!this.terminated) {
      for (let at = b.indexOf(MESSAGE_STOP); at !== -1; at = b.indexOf(MESSAGE_STOP, at + 1)) {
        if (isTypeValue(b, at)) {
          this.terminated = true;
          break;
        }
      }
    }
    return edits ? applyEdits(b, edits) : b;
  }
}

/** Index just past the last event boundary (blank line) in `b`; 0 when there is none. */
function lastBoundary(b: Buffer): number {
  const lf = b.lastIndexOf(LFLF);
  if (lf !== -1) return lf + 2;
  const crlf = b.lastIndexOf(CRLFCRLF);
  return crlf === -1 ? 0 : crlf + 4;
}

/** `[start, end)` of the event holding position `pos`, its blank line included. */
export function eventAround(b: Buffer, pos: number): [number, number] {
  const lf = b.lastIndexOf(LFLF, pos);
  const crlf = b.lastIndexOf(CRLFCRLF, pos);
  const start = Math.max(lf === -1 ? 0 : lf + 2, crlf === -1 ? 0 : crlf + 4);
  const lfEnd = b.indexOf(LFLF, pos);
  const crlfEnd = b.indexOf(CRLFCRLF, pos);
  const ends = [lfEnd === -1 ? Infinity : lfEnd + 2, crlfEnd === -1 ? Infinity : crlfEnd + 4];
  const end = Math.min(...ends);
  return [start, end === Infinity ? b.length : end];
}

/** The JSON of an event's `data:` lines, or undefined when it is not JSON. */
export function eventData(b: Buffer, start: number, end: number): Json | undefined {
  const lines = b.toString('utf8', start, end).split(/\r\n|\r|\n/);
  let data: string | undefined;
  for (const line of lines) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  if (data === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** The first character code after `"key"`, its `:` and the spaces around it; -1 when no `:` follows (not a key). */
function charAfterKey(b: Buffer, i: number): number {
  while (b[i] === 32) i++;
  if (b[i] !== 58 /* : */) return -1;
  i++;
  while (b[i] === 32) i++;
  return b[i] ?? -1;
}

/** The string value after `"key":`, undefined when it is null or not a key. Stop reasons hold no escapes. */
function stringAfterKey(b: Buffer, i: number): string | undefined {
  while (b[i] === 32) i++;
  if (b[i] !== 58) return undefined;
  i++;
  while (b[i] === 32) i++;
  if (b[i] !== 34) return undefined;
  const close = b.indexOf(34, i + 1);
  return close === -1 ? undefined : b.toString('latin1', i + 1, close);
}

/** `[DONE]` at `at` is the value of a `data:` line that starts the line. */
function isDataLine(b: Buffer, at: number): boolean {
  let i = at - 1;
  if (b[i] === 32) i--;
  if (i < 4 || b.toString('latin1', i - 4, i + 1) !== 'data:') return false;
  return i - 4 === 0 || b[i - 5] === 10 || b[i - 5] === 13;
}

/** `"message_stop"` at `at` is the value of a `"type"` key. */
function isTypeValue(b: Buffer, at: number): boolean {
  let i = at - 1;
  while (b[i] === 32) i--;
  if (b[i] !== 58) return false;
  i--;
  while (b[i] === 32) i--;
  return i >= 5 && b.toString('latin1', i - 5, i + 1) === '"type"';
}

export function applyEdits(b: Buffer, edits: Edit[]): Buffer {
  edits.sort((x, y) => x.start - y.start);
  const parts: Buffer[] = [];
  let at = 0;
  for (const edit of edits) {
    if (edit.start < at) continue; // overlapping edits of one event: the first wins
    parts.push(b.subarray(at, edit.start));
    if (edit.bytes) parts.push(edit.bytes);
    at = edit.end;
  }
  parts.push(b.subarray(at));
  return Buffer.concat(parts);
}
