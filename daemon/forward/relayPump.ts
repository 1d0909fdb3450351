/**
 * The relay's inner loop for an event stream: the upstream body's reads go through the stream's tap
 * to the client, written so the first token leaves at once and the rest in one write per turn.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { IdleWatch } from '../providers/transport/idleWatch';
import { BodyCutError } from '../providers/transport/sseReader';
import { UpstreamIdleTimeout } from '../providers/transport/upstreamFetch';
import { NO_BYTES, type StreamTap } from './streamTap';
import { writeNow } from './writeNow';

/**
 * Passes the body's bytes through the tap to the client, holding the upstream while the client's socket is full.
 *
 * When the first token goes ahead (`firstTokenAhead`, see the end), then until the answer's first
 * text has gone by, each read's events up to the first that carries text are written and sent at
 * once (writeNow.ts): the first token is not held back, not even while the tap reads the rest of
 * its read (a short answer often comes in one read, at any concurrency: 17 KB of events for the
 * bench's 50 chunks). The rest of that read, and the reads after it, go corked: the client's socket is corked for the rest of the event-loop turn at the first write of
 * a turn, so what the upstream's reads of that turn bring leaves in one `writev`, and when the
 * answer ends in that turn, `res.end()` (which uncorks fully) sends the chunked terminator in the
 * same write as the last bytes — one packet for the client, not two. (Node's own cork per write is
 * released in a nextTick that runs before the body's 'end', so the terminator used to go out
 * alone.) Backpressure is judged when the turn's bytes have been handed to the socket: a turn
 * holds what the upstream's reads of that turn brought, a bounded amount. (Corking from the first
 * write held the first token back until every read of a burst was in: +0.17 ms to the first token
 * at c=1 on a stream that came all at once.)
 *
 * The first token goes ahead only when `firstTokenAhead` says so: when no other forwarded request
 * is open (openForwards.ts). Sent ahead, a read that holds the whole answer leaves in two writes
 * instead of one, and under load that write is what every answer pays: at c=256 the daemon made 3.0
 * write calls per answer against the bare relay's 2.2 (/proc/<pid>/io), and `writev` took 173 µs
 * per answer against the relay's 111 (CPU profile). Otherwise the first read is corked like every
 * later one — as Linux's TCP autocorking holds small writes while others are queued — and the
 * first token waits only for the tap's look at the rest of its read.
 */
export function pump(
  body: Readable,
  /** The upstream's message: `complete` tells a whole body from a cut one. */
  message: Pick<IncomingMessage, 'complete'>,
  res: ServerResponse,
  tap: StreamTap,
  idleMs: number,
  /** Write the events up to the first text at once, before the tap reads the rest of their read. */
  firstTokenAhead: boolean,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const watch = new IdleWatch(idleMs, () => body.destroy(new UpstreamIdleTimeout(idleMs)));
    const onDrain = () => {
      watch.wait();
      body.resume();
    };
    const holdForDrain = () => {
      // Time the client takes to read is not the upstream's silence.
      watch.got();
      body.pause();
      res.once('drain', onDrain);
    };
    let corked: Socket | undefined;
    const uncork = () => {
      const socket = corked!;
      corked = undefined;
      // The socket itself, not `res`: once the answer ended, `res` no longer holds it, and an uncork
      // through `res` would leave it corked for the next answer on the keep-alive connection.
      socket.uncork();
      if (!res.writableEnded && !socket.destroyed && socket.writableLength >= socket.writableHighWaterMark)
        holdForDrain();
    };
    const write = (out: Buffer) => {
      const socket = res.socket;
      if (corked === undefined && socket && !socket.destroyed) {
        corked = socket;
        socket.cork();
        setImmediate(uncork);
      }
      res.write(out);
    };
    /** The first token goes ahead, and no text has gone by yet: writes leave at once. */
    let beforeText = firstTokenAhead;
    body.on('data', (chunk: Buffer) => {
      // Waiting on the upstream again once this read is handed on (unless the client's socket is full).
      watch.wait();
      if (beforeText) {
        const first = tap.pushUntilText(chunk);
        beforeText = tap.outputChars === 0;
        if (first !== undefined && !writeNow(res, first)) holdForDrain();
        if (beforeText) return;
        chunk = NO_BYTES; // the rest of this read, which the tap kept
      }
      const out = tap.push(chunk);
      if (out !== undefined) write(out);
    });
    body.once('end', () => {
      watch.stop();
      const rest = tap.rest();
      if (rest !== undefined) write(rest);
      resolve();
    });
    body.once('error', (error) => {
      watch.stop();
      reject(error);
    });
    body.once('close', () => {
      watch.stop();
      if (!message.complete) reject(new BodyCutError());
    });
  });
}
