/**
 * Server-sent events read straight off a Node stream: how the adapters read a successful streamed
 * answer (sent and vetted by forward/sendWithRetries.ts).
 *
 * {@link SseParser} follows the WHATWG EventSource rules as far as LLM APIs use them: `\n`, `\r\n`
 * or `\r` line ends (also split across reads), `data:` lines joined with `\n`, `event:`, comments
 * (`:` keepalives) and other fields ignored, an event dispatched by a blank line only (a trailing
 * event without one is dropped, as the SDKs do). The common event, one `data: …` line, costs two
 * `indexOf`s and one `slice`.
 *
 * {@link SseReader} adds the stream around it: decoded text, the idle deadline (silence while we
 * wait counts, time the consumer spends between reads does not), and what to do with the socket
 * when the consumer stops (drain it back to the keep-alive pool after a terminator, else destroy).
 */
import type { Readable } from 'node:stream';
import { IdleWatch } from './idleWatch';
import { UpstreamIdleTimeout } from './upstreamFetch';

export interface SseEvent {
  /** The `event:` field; undefined when the event named none. */
  event: string | undefined;
  data: string;
}

/**
 * The largest single event accepted, in characters (a few MiB). Real events are a few KiB; one
 * 20 MiB event cost the daemon 225 MB of memory, and a body with no blank line would grow the
 * buffer for ever.
 */
export const MAX_SSE_EVENT_CHARS = 4 * 1024 * 1024;

/** An upstream stream event grew past {@link MAX_SSE_EVENT_CHARS}: the stream is failed there. */
export class SseEventTooLarge extends Error {
  override readonly name = 'SseEventTooLarge';
  constructor(readonly limitChars: number) {
    super(`one stream event is larger than ${Math.round(limitChars / (1024 * 1024))} MiB`);
  }
}

export class SseParser {
  constructor(private readonly maxEventChars = MAX_SSE_EVENT_CHARS) {}

  private buf = '';
  /** Where the next search for a blank line starts in `buf`. */
  private scanFrom = 0;
  /** The last text ended in `\r`: a `\n` opening the next one belongs to it. */
  private afterCR = false;

  /** Feeds the next piece of text; appends the events it completed to `out`. */
  push(text: string, out: SseEvent[]): void {
    if (text.length === 0) return;
    if (this.afterCR) {
      this.afterCR = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    if (text.indexOf('\r') !== -1) {
      this.afterCR = text.charCodeAt(text.length - 1) === 13;
      text = text.replace(/\r\n?/g, '\n');
    }
    const buf = this.buf.length === 0 ? text : this.buf + text;
    let start = 0;
    let end: number;
    while ((end = buf.indexOf('\n\n', Math.max(this.scanFrom, start))) !== -1) {
      this.block(buf, start, end, out);
      start = end + 2;
    }
    this.buf = start === 0 ? buf : buf.slice(start);
    if (this.buf.length > this.maxEventChars) {
      this.buf = '';
      throw new SseEventTooLarge(this.maxEventChars);
    }
    // A `\n` at the very end may pair with one at the start of the next text.
    this.scanFrom = Math.max(0, this.buf.length - 1);
  }

  /** One event's lines, `buf[from, to)`, none of them blank except maybe a leading one. */
  private block(buf: string, from: number, to: number, out: SseEvent[]): void {
    const firstEnd = buf.indexOf('\n', from);
    if ((firstEnd === -1 || firstEnd >= to) && buf.startsWith('data:', from)) {
      out.push({ event: undefined, data: buf.slice(buf.charCodeAt(from + 5) === 32 ? from + 6 : from + 5, to) });
      return;
    }
    let event: string | undefined;
    let data: string | undefined;
    let lineStart = from;
    while (lineStart < to) {
      let lineEnd = buf.indexOf('\n', lineStart);
      if (lineEnd === -1 || lineEnd > to) lineEnd = to;
      if (lineEnd > lineStart && buf.charCodeAt(lineStart) !== 58 /* ':' comment */) {
        const colon = buf.indexOf(':', lineStart);
        let field: string;
        let value: string;
        if (colon === -1 || colon >= lineEnd) {
          field = buf.slice(lineStart, lineEnd);
          value = '';
        } else {
          field = buf.slice(lineStart, colon);
          value = buf.slice(buf.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1, lineEnd);
        }
        if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
        else if (field === 'event') event = value;
      }
      lineStart = lineEnd + 1;
    }
    if (data !== undefined) out.push({ event, data });
  }
}

/** The body ended (or closed) before it was complete: the connection was cut. */
export class BodyCutError extends Error {
  override readonly name = 'BodyCutError';
  readonly code = 'ECONNRESET';
  constructor() {
    super('the connection closed before the response was complete');
  }
}

export class SseReader {
  private readonly parser = new SseParser();
  private readonly watch: IdleWatch;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  /** The body was read to its end. */
  ended = false;

  constructor(
    private readonly body: Readable,
    private readonly idleMs: number,
  ) {
    body.setEncoding('utf8');
    body.on('readable', this.notify);
    body.on('end', this.onEnd);
    body.on('error', this.onError);
    body.on('close', this.onClose);
    this.watch = new IdleWatch(idleMs, () => this.fail(new UpstreamIdleTimeout(idleMs)));
  }

  /** The events of the next read (never an empty list), or null once the body ended. */
  async next(): Promise<SseEvent[] | null> {
    const out: SseEvent[] = [];
    this.watch.wait();
    for (;;) {
      if (this.error) throw this.error;
      const text = this.body.read() as string | null;
      if (text !== null) {
        this.parser.push(text, out);
        if (out.length > 0) {
          this.watch.got();
          return out;
        }
        continue;
      }
      if (this.ended) {
        this.watch.got();
        return null;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /**
   * Done with the body. `clean` (the stream's terminator arrived): what is left of it is drained in
   * the background so the socket goes back to the keep-alive pool (destroyed if it stays silent for
   * the idle timeout). Otherwise the body is destroyed, which closes the connection: the upstream
   * stops generating.
   */
  close(clean: boolean): void {
    this.watch.stop();
    const body = this.body;
    body.off('readable', this.notify);
    if (this.ended || body.destroyed) return;
    if (!clean) {
      body.destroy();
      return;
    }
    const timer = setTimeout(() => body.destroy(), this.idleMs);
    const done = () => clearTimeout(timer);
    body.once('end', done);
    body.once('close', done);
    body.resume();
  }

  private fail(error: Error): void {
    this.error ??= error;
    this.body.destroy();
    this.notify();
  }

  private readonly notify = (): void => {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };

  private readonly onError = (error: Error): void => {
    this.error ??= error;
    this.notify();
  };

  private readonly onClose = (): void => {
    if (!this.ended) this.error ??= new BodyCutError();
    this.notify();
  };
}
