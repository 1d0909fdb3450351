/** Batches the SSE frames of one event-loop turn into one socket write (the translated streams' encoder). */
import type { ServerResponse } from 'node:http';
import { writeNow } from '../forward/writeNow';

/**
 * Coalesces the frames of one event-loop turn into one `res.write`: the deltas of one upstream
 * read arrive in the same turn, and a write (a syscall, chunked framing) each would cost more than
 * the relay itself. Flushed by `setImmediate`, i.e. once the turn's I/O callbacks and microtasks
 * have run. The first write goes at once: the first token is not held back while the rest of an
 * upstream burst is read. `write` returns a promise only while the socket's buffer is over its
 * high-water mark.
 */
export class SseWriteBatcher {
  private pending = '';
  private scheduled = false;
  private first = true;
  private drain: Promise<void> | undefined;

  constructor(private readonly res: ServerResponse) {}

  write(frame: string): Promise<void> | undefined {
    this.pending += frame;
    if (this.first) {
      this.first = false;
      this.flush(true);
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    return this.drain;
  }

  /** Writes what is pending now; `now`: and sends it at once (writeNow.ts). */
  readonly flush = (now = false): void => {
    this.scheduled = false;
    const text = this.pending;
    if (text === '') return;
    this.pending = '';
    const res = this.res;
    if (res.writableEnded || res.destroyed) return;
    if ((now ? writeNow(res, text) : res.write(text)) || this.drain) return;
    this.drain = new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        this.drain = undefined;
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };

  /** Ends the response with what is pending and `tail`, in one write. */
  end(tail: string): void {
    const text = this.pending + tail;
    this.pending = '';
    if (!this.res.writableEnded) this.res.end(text);
  }
}
