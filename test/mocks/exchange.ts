/**
 * One request/response pair of the mock. It keeps the RecordedRequest in step with what really
 * happened on the socket (status sent, completed, client gone), buffers SSE frames so frames
 * written without a delay between them leave in one write, and ties every delay to the
 * response's life so nothing outlives a closed connection.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorReply, RecordedRequest } from './types';

export class Exchange {
  private pending = '';
  private readonly life = new AbortController();
  /** Set when the mock itself ends the connection, so it is not recorded as a client abort. */
  private serverClosed = false;

  constructor(
    private readonly res: ServerResponse,
    readonly record: RecordedRequest,
    private readonly changed: (r: RecordedRequest) => void,
  ) {
    res.on('finish', () => {
      record.completed = true;
      changed(record);
    });
    res.on('close', () => {
      if (!res.writableFinished && !this.serverClosed) record.aborted = true;
      record.endedAt = Date.now();
      this.life.abort();
      changed(record);
    });
  }

  /** The connection is gone (either side closed it). */
  get closed(): boolean {
    return this.life.signal.aborted;
  }

  /** Wait `ms`; false if the connection closed meanwhile (the caller should stop). */
  async sleep(ms: number): Promise<boolean> {
    if (ms > 0) {
      try {
        await sleep(ms, undefined, { signal: this.life.signal });
      } catch {
        return false;
      }
    }
    return !this.closed;
  }

  head(status: number, headers: Record<string, string>): void {
    if (this.closed) return;
    this.res.writeHead(status, headers);
    this.record.status = status;
    this.changed(this.record);
  }

  /** Send the status line and headers now, before any body. */
  flushHeaders(): void {
    if (!this.closed) this.res.flushHeaders();
  }

  /** Queue a frame; it leaves at the next flush/end. */
  write(frame: string): void {
    this.pending += frame;
  }

  /** Queue one content chunk's frame and count it (waiters may be watching `chunksSent`). */
  writeChunk(frame: string): void {
    this.pending += frame;
    this.record.chunksSent++;
    this.changed(this.record);
  }

  /** Write the queued frames now. */
  flush(): void {
    if (this.pending && !this.closed) this.res.write(this.pending);
    this.pending = '';
  }

  /** Write the queued frames and resolve once the kernel has them (or the connection is gone). */
  flushed(): Promise<void> {
    const data = this.pending;
    this.pending = '';
    if (!data || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.life.signal.addEventListener('abort', () => resolve(), { once: true });
      this.res.write(data, () => resolve());
    });
  }

  end(body?: string): void {
    if (this.closed) return;
    if (body !== undefined) this.pending += body;
    this.res.end(this.pending);
    this.pending = '';
  }

  /** Deliver what was queued, then drop the TCP connection without finishing the response. */
  async reset(): Promise<void> {
    await this.flushed();
    this.serverClosed = true;
    this.res.socket?.destroy();
  }

  /** The mock is shutting down: closing this connection is not the client's doing. */
  markServerClosed(): void {
    this.serverClosed = true;
  }

  sendError(reply: ErrorReply): void {
    this.head(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
    this.end(reply.body);
  }
}
