/**
 * Writes to a client's response and sends it now, not when node releases its own cork.
 *
 * `res.write` on a chunked response corks the socket (when it is not corked yet) and uncorks it in a
 * nextTick. When the rest of an upstream burst is already buffered, that tick comes only after all
 * of it has been read (a stream's `flow()` emits every buffered chunk in one loop; an async reader
 * runs in microtasks, which go before nextTicks): the first token would wait for the last. Corked
 * here around the write, node leaves the socket to us, and the uncork sends the bytes at once.
 */
import type { ServerResponse } from 'node:http';

export function writeNow(res: ServerResponse, data: string | Buffer): boolean {
  const socket = res.socket;
  if (!socket || socket.destroyed) return res.write(data);
  socket.cork();
  const ok = res.write(data);
  socket.uncork();
  return ok;
}
