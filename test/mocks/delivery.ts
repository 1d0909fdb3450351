/**
 * How a successful answer leaves the mock, with the body-level faults applied: paced SSE frames
 * for streams, one JSON body otherwise. Status/hang/slowHeaders faults are decided before this
 * (upstream.ts); here are the ones that need a body to cut: hangAfterChunks, truncate, reset,
 * streamError.
 */
import type { Exchange } from './exchange';
import type { Fault, StreamFrames } from './types';

export interface Pacing {
  firstChunkDelayMs: number;
  chunkDelayMs: number;
}

/** After how many content chunks the fault cuts the stream; undefined = it does not cut. */
function cutPoint(fault: Fault | undefined): number | undefined {
  switch (fault?.kind) {
    case 'hangAfterChunks':
      return fault.n;
    case 'reset':
    case 'streamError':
      return fault.afterChunks ?? 0;
    case 'truncate':
      return fault.afterChunks;
    default:
      return undefined;
  }
}

/**
 * Stream frames: opening events at once, then content chunks paced by `pacing`, then the closing
 * events and the terminator. `errorFrame` renders the mid-stream error for `streamError`.
 */
export async function deliverStream(
  ex: Exchange,
  headers: Record<string, string>,
  frames: StreamFrames,
  pacing: Pacing,
  fault: Fault | undefined,
  errorFrame: () => string,
): Promise<void> {
  const cut = cutPoint(fault);
  ex.head(200, headers);
  for (const f of frames.head) ex.write(f);

  for (let i = 0; i < frames.content.length; i++) {
    if (i === cut) return applyCut(ex, fault!, errorFrame);
    const delay = i === 0 ? pacing.firstChunkDelayMs : pacing.chunkDelayMs;
    if (delay > 0) {
      ex.flush();
      if (!(await ex.sleep(delay))) return;
    }
    ex.writeChunk(frames.content[i]!);
  }
  if (cut !== undefined) return applyCut(ex, fault!, errorFrame);

  for (const f of frames.tail) ex.write(f);
  // A bare `truncate` keeps everything but the terminator: the one thing that tells a client
  // the stream ended on purpose.
  if (fault?.kind !== 'truncate') ex.write(frames.terminator);
  ex.end();
}

async function applyCut(ex: Exchange, fault: Fault, errorFrame: () => string): Promise<void> {
  switch (fault.kind) {
    case 'hangAfterChunks':
      ex.flush(); // …and never another byte
      return;
    case 'reset':
      return ex.reset();
    case 'streamError':
      ex.write(errorFrame());
      ex.end();
      return;
    default: // truncate
      ex.end();
  }
}

/**
 * A JSON answer, after the time the model would have taken to generate it. Body faults on a
 * non-streaming answer: hangAfterChunks sends the headers and stalls; truncate ends after half
 * the body (invalid JSON); reset drops the connection before any byte; streamError answers with
 * the error status instead (`error`).
 */
export async function deliverJson(
  ex: Exchange,
  status: number,
  headers: Record<string, string>,
  body: string,
  delayMs: number,
  fault: Fault | undefined,
  error: () => void,
): Promise<void> {
  if (!(await ex.sleep(delayMs))) return;
  switch (fault?.kind) {
    case 'hangAfterChunks':
      ex.head(status, headers);
      ex.flushHeaders();
      return;
    case 'truncate':
      ex.head(status, headers);
      ex.end(body.slice(0, Math.floor(body.length / 2)));
      return;
    case 'reset':
      return ex.reset();
    case 'streamError':
      return error();
    default:
      ex.head(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
      ex.end(body);
  }
}
