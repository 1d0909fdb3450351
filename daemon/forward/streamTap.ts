/**
 * Watches a relayed event stream without re-encoding it: bytes go to the client as the upstream
 * sent them, cut only at event boundaries (a partial event waits for its end, so every write is
 * whole events). The tap reads just enough to record usage, see the stop reason and the
 * terminator, count the answer's characters, and catch an error event:
 *
 * - each read of whole events is walked once, byte by byte, in JS ({@link StreamTap.scan}): JSON
 *   strings are skipped (escapes included), a string followed by `:` is a key, and only the few
 *   keys a tap names are looked at. One pass costs less than a native `Buffer.indexOf` per key
 *   and per match, and no text inside a JSON string can look like a key or a line (its quotes and
 *   newlines are escaped there), so a model writing about "usage" is not mistaken for it;
 * - only the rare event that holds usage or an error is parsed (JSON.parse of that event);
 * - the characters of answer text, reasoning and tool-call arguments are counted as they pass
 *   (`outputChars`): a stopped answer that never got its usage is recorded with an estimate;
 * - the OpenAI usage chunk the daemon asked for (`stream_options.include_usage`, when the client
 *   did not) is cut out of what the client receives; an error event is passed on with keys scrubbed.
 */
import type { Usage } from '../../shared/protocol';
import { parseJson } from './parseJson';
import { bytesAt } from './rawBytes';
import { anthropicUsage, openaiUsage } from './usageOf';
import { NOT_PLAIN, openaiUsageInPlace } from './usageInPlace';

const LFLF = Buffer.from('\n\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');
/** For {@link StreamTap.push}: no new bytes, only the whole events the tap kept. */
export const NO_BYTES = Buffer.alloc(0);

export type Json = Record<string, unknown>;

/** What a key's value means to a tap. */
export type KeyRole = 'usage' | 'error' | 'finish' | 'text' | 'type';

/** A JSON key a tap reads, found at any depth. */
export interface TapKey {
  name: string;
  role: KeyRole;
}

/** A line a tap reads (e.g. `data: [DONE]`), matched at the start of a line and up to its end. */
export interface TapLine {
  line: string;
  role: 'terminator' | 'error';
}

interface KeyEntry {
  bytes: Buffer;
  role: KeyRole;
}

/** What a scanning tap reads, compiled once per kind of tap (not per request). */
export interface TapSpec {
  /** The keys by length: the scan makes one array lookup per key it meets. */
  keys: Array<KeyEntry[] | undefined>;
  lines: Array<{ bytes: Buffer; role: TapLine['role'] }>;
  /** 1 at the first byte of each line, to pass over a line start at one lookup. */
  lineFirsts: Uint8Array;
}

export function tapSpec(keys: readonly TapKey[], lines: readonly TapLine[]): TapSpec {
  const table: Array<KeyEntry[] | undefined> = [];
  for (const k of keys)
    (table[k.name.length] ??= []).push({
      bytes: Buffer.from(k.name, 'latin1'),
      role: k.role,
    });
  const compiled = lines.map((l) => ({
    bytes: Buffer.from(l.line, 'latin1'),
    role: l.role,
  }));
  return {
    keys: table,
    lines: compiled,
    lineFirsts: compiled.reduce((table, l) => ((table[l.bytes[0]!] = 1), table), new Uint8Array(256)),
  };
}

export abstract class StreamTap {
  usage: Usage | undefined;
  /** `usage` is the answer's final count (false: none yet, or only the head's, as Anthropic's message_start). */
  usageFinal = false;
  finishReason: string | undefined;
  /** The stream's terminator (`data: [DONE]`, `message_stop`) went by. */
  terminated = false;
  /** The body of an error event, if one came. */
  error: Json | undefined;
  /** Characters of answer text, reasoning and tool-call arguments relayed so far (JSON escapes count as one). */
  outputChars = 0;
  private carry: Buffer | undefined;

  /** `scrub` removes keys from an error event's text before the client sees it. */
  constructor(protected readonly scrub: (text: string) => string) {}

  /**
   * The next bytes from the upstream; returns the whole events to send on (undefined: none yet).
   * No bytes (`NO_BYTES`): the whole events kept by {@link pushUntilText}.
   */
  push(chunk: Buffer): Buffer | undefined {
    const buf = this.carry === undefined ? chunk : chunk.length === 0 ? this.carry : Buffer.concat([this.carry, chunk]);
    const cut = lastBoundary(buf);
    if (cut === 0) {
      this.carry = buf;
      return undefined;
    }
    this.carry = cut < buf.length ? buf.subarray(cut) : undefined;
    return this.inspect(cut === buf.length ? buf : buf.subarray(0, cut));
  }

  /**
   * As {@link push}, but only up to the end of the first event that carries answer text (every whole
   * event when none does): the first token is sent before the rest of its read is looked at. The
   * events after it stay with the tap, for the next push.
   */
  pushUntilText(chunk: Buffer): Buffer | undefined {
    const buf = this.carry === undefined ? chunk : Buffer.concat([this.carry, chunk]);
    let at = 0;
    /** The events to send, once one of them was edited (until then, they are `buf`'s first `at` bytes). */
    let parts: Buffer[] | undefined;
    while (this.outputChars === 0) {
      const end = eventEnd(buf, at);
      if (end === -1) break;
      const event = buf.subarray(at, end);
      const sent = this.inspect(event);
      if (sent !== event || parts !== undefined) (parts ??= [buf.subarray(0, at)]).push(sent);
      at = end;
    }
    this.carry = at < buf.length ? buf.subarray(at) : undefined;
    if (at === 0) return undefined;
    return parts === undefined ? buf.subarray(0, at) : Buffer.concat(parts);
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

/**
 * A tap that reads its stream in one pass ({@link scan}): subclasses name their keys and lines,
 * and are told of the rare ones that need the whole event (usage, errors).
 */
export abstract class ScanningTap extends StreamTap {
  /**
   * The bytes of a line up to its first named key, as the last such line had them. The chunks of
   * one stream mostly open alike (`data: {"id":"chatcmpl-…","object":…,"choices":[{"index":0,"delta":{`):
   * a line that opens with these very bytes is scanned from there on, its opening compared natively
   * rather than walked byte by byte. Exact: the scan's state at a byte depends only on the bytes
   * before it on its line, and these held no line the tap reads, no newline and no named key but
   * `type` keys whose value changed nothing (Anthropic's `"type":"content_block_delta"` opens most
   * lines; only `message_stop` matters, and a line holding it does not become an opening).
   *
   * It and {@link closing} are views of the read they were learned from, not copies (copying them
   * took 8 µs per request at c=256 in a CPU profile): a read's bytes are never written again (node
   * gives each socket read its own memory; the tap's concatenations and edits are new buffers), and
   * a view keeps only that one read alive, while the tap lives.
   */
  private opening: Buffer | undefined;
  /** Lines in a row whose opening differed from the one kept: past a few, the stream's lines do not repeat. */
  private openingMisses = 0;
  /**
   * The bytes after a text value up to the next string value of a key the tap does not name, as the
   * last line that had them: OpenAI's chunks close alike after their delta's text
   * (`"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":`), up to a value that
   * changes on every line. Skipped as the opening is, and as exactly: after a text value the scan's
   * state is always the same, and these bytes held no newline and nothing the tap reads (a stop
   * reason, usage, an error or a `type` ends a line's candidate).
   */
  private closing: Buffer | undefined;
  /** Text values in a row not followed by the kept closing: past a few, the stream's lines do not repeat. */
  private closingMisses = 0;

  constructor(
    scrub: (text: string) => string,
    private readonly spec: TapSpec,
  ) {
    super(scrub);
  }

  /**
   * A key with role `usage` or `error` whose value starts at `valueAt` (an object, string…): the
   * event around it may be parsed. Returns where the scan goes on: just past `valueAt` to read the
   * rest of the event as any, or past the event when it was cut or replaced.
   */
  protected abstract onEventKey(b: Buffer, role: 'usage' | 'error', valueAt: number, edits: Edit[]): number;

  /**
   * A string value of a `type` key (e.g. Anthropic's `message_stop`), bytes `[start, end)`. Returns
   * whether it changed what the tap knows (a line whose opening did may not be skipped next time).
   */
  protected onType(_b: Buffer, _start: number, _end: number): boolean {
    return false;
  }

  /** A `role: 'error'` line (Anthropic's `event: error`) at `at`; returns where the scan goes on. */
  protected onErrorLine(_b: Buffer, at: number, _edits: Edit[]): number {
    return at + 1;
  }

  protected inspect(b: Buffer): Buffer {
    const edits: Edit[] = [];
    this.scan(b, edits);
    return edits.length > 0 ? applyEdits(b, edits) : b;
  }

  /**
   * The one pass over whole events. Outside strings it looks for the start of a string (`"`) and
   * of a line; a string is skipped to its closing quote, then is a key when `:` follows. A key the
   * tap named sets what its value means: a string value is read (stop reason, `type`) or counted
   * (text); `usage` and `error` go to {@link onEventKey}. A raw newline ends any string (JSON has
   * none inside one), so a malformed event cannot hide the lines after it.
   */
  private scan(b: Buffer, edits: Edit[]): void {
    const n = b.length;
    const { keys, lineFirsts } = this.spec;
    let role: KeyRole | undefined; // the role of the key whose value comes next
    let i = 0;
    let lineStart = true;
    /** Where this line starts, while no named key has been met on it (-1 after one, or when its opening is not kept). */
    let lineAt = -1;
    /** Just past this line's last text value, while nothing the tap reads came after it (-1: none). */
    let afterText = -1;
    /** The opening quote of the last string value of an unnamed key after `afterText` (-1: none yet). */
    let valueQuote = -1;
    while (i < n) {
      if (lineStart) {
        lineStart = false;
        afterText = -1;
        valueQuote = -1;
        const opening = this.opening;
        if (opening !== undefined && i + opening.length <= n && b[i] === opening[0]) {
          if (opening.compare(b, i, i + opening.length) === 0) {
            this.openingMisses = 0;
            i += opening.length;
            lineAt = -1;
            continue;
          }
          if (++this.openingMisses > MAX_OPENING_MISSES) this.opening = undefined;
        }
        if (lineFirsts[b[i]!] === 1) {
          const next = this.atLine(b, i, edits);
          if (next !== i) {
            i = next;
            lineStart = b[i - 1] === 10;
            lineAt = -1;
            continue;
          }
        }
        lineAt = this.openingMisses > MAX_OPENING_MISSES ? -1 : i;
      }
      const c = b[i]!;
      if (c === 10) {
        if (valueQuote !== -1 && valueQuote - afterText >= MIN_CLOSING) this.keepClosing(b, afterText, valueQuote);
        lineStart = true;
        role = undefined;
        i++;
        continue;
      }
      if (c !== 34 /* " */) {
        // A value that is not a string (null, a number, an object…) ends what the key asked for.
        if (role !== undefined && c !== 32 && c !== 58 /* : */) {
          role = undefined;
        }
        i++;
        continue;
      }
      // A string: [start, end) its bytes, chars its length as text.
      const start = i + 1;
      let j = start;
      let chars = 0;
      let ended = false;
      while (j < n) {
        const d = b[j]!;
        if (d === 34) {
          ended = true;
          break;
        }
        if (d === 10) break;
        if (d === 92 /* \ */) {
          // \uXXXX is one character, any other escape one too.
          j += b[j + 1] === 117 ? 6 : 2;
          chars++;
          continue;
        }
        if ((d & 0xc0) !== 0x80) chars++; // not a UTF-8 continuation byte
        j++;
      }
      const end = Math.min(j, n);
      if (!ended) {
        // Cut by a newline (malformed) or the end: nothing to read in it.
        role = undefined;
        i = end;
        continue;
      }
      i = end + 1;
      if (role !== undefined) {
        // A value string.
        if (role === 'text') {
          this.outputChars += chars;
          role = undefined;
          valueQuote = -1;
          if (this.skipClosing(b, i)) {
            i += this.closing!.length;
            afterText = -1;
          } else afterText = i;
          continue;
        }
        afterText = -1;
        if (role === 'finish') this.finishReason = b.toString('latin1', start, end);
        else if (role === 'type') {
          if (this.onType(b, start, end)) lineAt = -1;
        } else if (role === 'error') {
          i = this.onEventKey(b, role, start - 1, edits);
          lineStart = b[i - 1] === 10;
        }
        role = undefined;
        continue;
      }
      // A key when `:` follows.
      let k = i;
      while (b[k] === 32) k++;
      if (b[k] !== 58) {
        // A value the tap does not read: where a closing after a text value may end.
        if (afterText !== -1) valueQuote = start - 1;
        continue;
      }
      const entries = keys[end - start];
      if (entries === undefined) continue;
      for (let x = 0; x < entries.length; x++) {
        const e = entries[x]!;
        if (b[start] !== e.bytes[0] || b[end - 1] !== e.bytes[e.bytes.length - 1] || !bytesAt(b, start, e.bytes))
          continue;
        if (lineAt !== -1 && e.role !== 'type') {
          // The line's first named key (bar a `type`, see `opening`): what came before it on the line is the opening to look for next.
          if (start - 1 - lineAt >= MIN_OPENING) this.opening = b.subarray(lineAt, start - 1);
          lineAt = -1;
        }
        k++;
        while (b[k] === 32) k++;
        if (e.role === 'usage' || (e.role === 'error' && b[k] !== 34)) {
          const c2 = b[k];
          if (c2 === 123 /* { */) {
            i = this.onEventKey(b, e.role, k, edits);
            lineStart = b[i - 1] === 10;
            afterText = -1;
          } else i = k;
        } else {
          role = e.role;
          i = k;
        }
        break;
      }
    }
  }

  /** Whether the kept closing is at `i`, just past a text value (counted: past a few misses in a row, none is kept). */
  private skipClosing(b: Buffer, i: number): boolean {
    const closing = this.closing;
    if (closing === undefined) return false;
    if (b[i] === closing[0] && i + closing.length <= b.length && closing.compare(b, i, i + closing.length) === 0) {
      this.closingMisses = 0;
      return true;
    }
    if (++this.closingMisses > MAX_OPENING_MISSES) this.closing = undefined;
    return false;
  }

  /** Keeps `b[from, to)`, what followed a text value up to an unread value, as the closing to skip next. */
  private keepClosing(b: Buffer, from: number, to: number): void {
    if (this.closingMisses > MAX_OPENING_MISSES) return;
    this.closing = b.subarray(from, to);
  }

  /** A line the tap named at `i`; returns `i` when there is none. */
  private atLine(b: Buffer, i: number, edits: Edit[]): number {
    for (const l of this.spec.lines) {
      const len = l.bytes.length;
      if (!bytesAt(b, i, l.bytes)) continue;
      const after = b[i + len];
      if (after !== undefined && after !== 10 && after !== 13) continue; // the whole line, not a prefix
      if (l.role === 'terminator') {
        this.terminated = true;
        return i + len;
      }
      return this.onErrorLine(b, i, edits);
    }
    return i;
  }
}

/** An opening shorter than this is walked: comparing it would save little. */
const MIN_OPENING = 32;
/** A closing shorter than this is walked. */
const MIN_CLOSING = 16;
/** Lines in a row with another opening (or closing) before the tap stops keeping one. */
const MAX_OPENING_MISSES = 4;

const CHOICES = Buffer.from('"choices"');

/**
 * Just past the JSON object or array that opens at `at` (strings and their escapes skipped), or -1
 * when a newline or the end comes first (no JSON value spans a raw newline).
 */
function jsonValueEnd(b: Buffer, at: number): number {
  let depth = 0;
  for (let i = at; i < b.length; i++) {
    const c = b[i]!;
    if (c === 34) {
      for (i++; i < b.length && b[i] !== 34; i++) {
        if (b[i] === 10) return -1;
        if (b[i] === 92) i++;
      }
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth === 0) return i + 1;
    } else if (c === 10) return -1;
  }
  return -1;
}

/**
 * The event `[start, end)` has the key `name` (its quotes included) with an empty list as its value
 * (`"choices": []`). Matched on the bytes: a key's closing quote cannot be escaped, so no text
 * inside a JSON string looks like it.
 */
function hasEmptyList(b: Buffer, start: number, end: number, name: Buffer): boolean {
  for (let i = start; i + name.length <= end; i++) {
    if (b[i] !== 34 || !bytesAt(b, i, name)) continue;
    let k = i + name.length;
    while (b[k] === 32) k++;
    if (b[k++] !== 58) continue;
    while (b[k] === 32) k++;
    if (b[k++] !== 91) continue;
    while (b[k] === 32) k++;
    if (b[k] === 93) return true;
  }
  return false;
}

export interface Edit {
  start: number;
  end: number;
  /** Undefined: cut the range out. */
  bytes?: Buffer;
}

/** The keys of OpenAI chunks; `text` ones hold answer text (counted for a stopped answer's estimate). */
const OPENAI = tapSpec(
  [
    { name: 'finish_reason', role: 'finish' },
    { name: 'usage', role: 'usage' },
    { name: 'error', role: 'error' },
    { name: 'content', role: 'text' },
    { name: 'refusal', role: 'text' },
    { name: 'reasoning_content', role: 'text' },
    { name: 'reasoning', role: 'text' },
    { name: 'arguments', role: 'text' },
  ],
  [
    { line: 'data: [DONE]', role: 'terminator' },
    { line: 'data:[DONE]', role: 'terminator' },
  ],
);

/** OpenAI chat completion chunks (`data: {…}` … `data: [DONE]`). */
export class OpenAIStreamTap extends ScanningTap {
  /** `hideUsageChunk`: the daemon added `include_usage`, so the usage-only chunk is not the client's. */
  constructor(
    scrub: (text: string) => string,
    private readonly hideUsageChunk: boolean,
  ) {
    super(scrub, OPENAI);
  }

  protected onEventKey(b: Buffer, role: 'usage' | 'error', valueAt: number, edits: Edit[]): number {
    if (role === 'usage') {
      // Only the usage object is read, not its chunk, and in place when it is plain JSON (usageInPlace.ts).
      const valueEnd = jsonValueEnd(b, valueAt);
      if (valueEnd === -1) return valueAt + 1; // cut by a newline: malformed, nothing to read
      const read = openaiUsageInPlace(b, valueAt, valueEnd);
      const usage = read === NOT_PLAIN ? openaiUsage(parseJson(b.toString('utf8', valueAt, valueEnd))) : read;
      if (usage) {
        this.usage = usage;
        this.usageFinal = true;
      }
      if (this.hideUsageChunk) {
        const [start, end] = eventAround(b, valueAt);
        if (hasEmptyList(b, start, end, CHOICES)) {
          edits.push({ start, end });
          return end;
        }
      }
      // The rest of the event is scanned as any (a last chunk may hold text and the stop reason too).
      return valueEnd;
    }
    const [start, end] = eventAround(b, valueAt);
    const data = eventData(b, start, end);
    if (data?.['error'] == null) return valueAt + 1;
    this.error = data;
    this.scrubbed(b, start, end, edits);
    return end;
  }
}

const ANTHROPIC = tapSpec(
  [
    { name: 'stop_reason', role: 'finish' },
    { name: 'usage', role: 'usage' },
    { name: 'type', role: 'type' },
    { name: 'text', role: 'text' },
    { name: 'thinking', role: 'text' },
    { name: 'partial_json', role: 'text' },
  ],
  [{ line: 'event: error', role: 'error' }],
);
const MESSAGE_STOP = Buffer.from('message_stop');

/** Anthropic Messages events (`event: message_start` … `event: message_stop`). */
export class AnthropicStreamTap extends ScanningTap {
  constructor(scrub: (text: string) => string) {
    super(scrub, ANTHROPIC);
  }

  protected onEventKey(b: Buffer, role: 'usage' | 'error', valueAt: number): number {
    if (role !== 'usage') return valueAt + 1;
    const [start, end] = eventAround(b, valueAt);
    const data = eventData(b, start, end);
    if (data?.['type'] === 'message_start') {
      const message = data['message'] as Json | undefined;
      this.usage = anthropicUsage(message?.['usage'], this.usage);
    } else if (data?.['type'] === 'message_delta') {
      this.usage = anthropicUsage(data['usage'], this.usage);
      this.usageFinal = this.usage !== undefined;
    }
    return valueAt + 1; // the rest of the event is scanned as any
  }

  protected override onType(b: Buffer, start: number, end: number): boolean {
    if (end - start !== MESSAGE_STOP.length || !bytesAt(b, start, MESSAGE_STOP)) return false;
    this.terminated = true;
    return true;
  }

  protected override onErrorLine(b: Buffer, at: number, edits: Edit[]): number {
    const [start, end] = eventAround(b, at);
    this.error = eventData(b, start, end) ?? {
      type: 'error',
      error: { type: 'api_error', message: 'malformed error event' },
    };
    this.scrubbed(b, start, end, edits);
    return end;
  }
}

/** Index just past the last event boundary (blank line) in `b`; 0 when there is none. */
function lastBoundary(b: Buffer): number {
  const n = b.length;
  // Most reads end with an event: seen here, without a native search's call (a fifth of the tap's
  // time when every event comes in its own read, as at c=1).
  if (b[n - 1] === 10 && b[n - 2] === 10) return n;
  const lf = b.lastIndexOf(LFLF);
  if (lf !== -1) return lf + 2;
  const crlf = b.lastIndexOf(CRLFCRLF);
  return crlf === -1 ? 0 : crlf + 4;
}

/** Just past the first blank line (`\n\n` or `\r\n\r\n`) at or after `at`: the end of the event there; -1 when it is cut. */
function eventEnd(b: Buffer, at: number): number {
  const n = b.length;
  for (let i = at; i < n; i++) {
    if (b[i] !== 10) continue;
    if (b[i + 1] === 10) return i + 2;
    if (b[i + 1] === 13 && b[i + 2] === 10 && b[i - 1] === 13) return i + 3;
  }
  return -1;
}

/**
 * `[start, end)` of the event holding position `pos`, its blank line included. Walked in JS from
 * `pos` both ways, so it costs the event's length, not the buffer's: a native search for a blank
 * line of the other style (CRLF in an LF stream) would read the whole buffer every time.
 */
export function eventAround(b: Buffer, pos: number): [number, number] {
  let start = pos;
  // Back to just past the blank line before `pos` (`\n\n`, or `\r\n\r\n`, whose last three bytes are `\n\r\n`).
  while (start > 0) {
    if (b[start - 1] === 10 && (b[start - 2] === 10 || (b[start - 2] === 13 && b[start - 3] === 10))) break;
    start--;
  }
  const n = b.length;
  let end = pos;
  // On to just past the blank line that ends the event (or the buffer's end).
  while (end < n) {
    if (b[end] === 10 && (b[end + 1] === 10 || (b[end + 1] === 13 && b[end + 2] === 10))) {
      end += b[end + 1] === 10 ? 2 : 3;
      break;
    }
    end++;
  }
  return [start, end];
}

/** The JSON of an event's `data:` lines, or undefined when it is not JSON. */
export function eventData(b: Buffer, start: number, end: number): Json | undefined {
  const data = dataOf(b, start, end);
  if (data === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : undefined;
  } catch {
    return undefined;
  }
}

const DATA = Buffer.from('data:');

/** The text of an event's `data:` lines joined by newlines (SSE's rule); undefined when it has none. */
function dataOf(b: Buffer, start: number, end: number): string | undefined {
  // The usual event has one `data:` line, after an `event:` line or not (Anthropic's always have
  // one): read that line in place, without decoding and splitting the whole event.
  let from = -1;
  let to = -1;
  for (let line = start; line < end;) {
    let lineEnd = line;
    while (lineEnd < end && b[lineEnd] !== 10 && b[lineEnd] !== 13) lineEnd++;
    if (lineEnd - line >= DATA.length && bytesAt(b, line, DATA)) {
      if (from !== -1) return joinedData(b, start, end); // more than one: joined by the general path
      from = line + (b[line + 5] === 32 ? 6 : 5);
      to = lineEnd;
    }
    line = lineEnd;
    while (line < end && (b[line] === 10 || b[line] === 13)) line++;
  }
  return from === -1 ? undefined : b.toString('utf8', from, to);
}

/** The `data:` lines of an event joined by newlines, read line by line. */
function joinedData(b: Buffer, start: number, end: number): string | undefined {
  let data: string | undefined;
  for (const line of b.toString('utf8', start, end).split(/\r\n|\r|\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
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
