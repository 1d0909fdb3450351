/**
 * One forwarded HTTP exchange with an upstream, on node:http(s) with the keep-alive pools the
 * adapters' fetch uses (nodeFetch.ts): send the body, wait for the answer's head within the
 * connection's idle timeout, read an error body (bounded) or hand the success body on as a Node
 * stream. Aborting `signal` destroys the request (and its response once it came), so the upstream
 * sees the client go away.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { decoded } from '../providers/transport/nodeFetch';
import { upstreamPools } from '../providers/transport/upstreamPool';
import { UpstreamIdleTimeout } from '../providers/transport/upstreamFetch';
import { HOP_HEADER, HOP_VALUE } from '../loopGuard';
import { onAbort } from '../abortHooks';
import type { UpstreamTarget } from './upstreamTarget';

/** Error bodies are small; more than this is not read (the message is in the first bytes). */
const MAX_ERROR_BODY = 64 * 1024;

export interface UpstreamAnswer {
  status: number;
  /**
   * Lowercased names, as node:http gives them. node:http builds this object when it is first read
   * (a dozen keyed stores per answer), so the relay's path reads `contentType` and `rateLimited` instead.
   */
  readonly headers: http.IncomingHttpHeaders;
  /** The answer's `content-type` (the first, as node:http keeps it). */
  contentType: string | undefined;
  /** The answer carries rate-limit headers (`x-ratelimit-*`, `anthropic-ratelimit-*`). */
  rateLimited: boolean;
  /** Raw name/value pairs, for relaying with the upstream's own spelling. */
  rawHeaders: string[];
  /** The body, decoded when the upstream compressed it anyway. */
  body: Readable;
  /** The socket-level message (`complete` tells a whole body from a cut one). */
  message: IncomingMessage;
  /** Stop listening to the caller's signal (the exchange is over). */
  release(): void;
}

export function callUpstream(
  target: UpstreamTarget,
  payload: Buffer,
  idleMs: number,
  signal: AbortSignal,
): Promise<UpstreamAnswer> {
  return new Promise<UpstreamAnswer>((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const secure = target.at.protocol === 'https:';
    const req = (secure ? https : http).request({
      ...target.at,
      method: 'POST',
      headers: headerList(target, payload.length),
      agent: secure ? upstreamPools.https : upstreamPools.http,
    });
    let message: IncomingMessage | undefined;
    const abort = () => {
      const error = abortError();
      message?.destroy(error);
      req.destroy(error);
      reject(error); // no-op once resolved
    };
    // The signal outlives this request (the registry reuses it): see abortHooks.ts.
    const release = onAbort(signal, abort);
    const timer = setTimeout(() => req.destroy(new UpstreamIdleTimeout(idleMs)), idleMs);
    // `on`, not `once`: after the response arrived, socket errors surface on it; here they must not crash.
    req.on('error', (error) => {
      clearTimeout(timer);
      if (!message) {
        release();
        reject(error);
      }
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      message = res;
      const head = headFacts(res.rawHeaders);
      const { stream } = decoded(res, head.contentEncoding);
      resolve(new Answer(res, head, stream, release));
    });
    req.end(payload);
  });
}

/**
 * An answer as a class: its `headers` getter lives on the prototype. (A getter in an object literal
 * is a new function each time, and V8 keeps accessors in the object's map: every answer would get a
 * map of its own, every read of one would go megamorphic, and the maps would fill the old space.)
 */
class Answer implements UpstreamAnswer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly rateLimited: boolean;
  readonly rawHeaders: string[];
  constructor(
    readonly message: IncomingMessage,
    head: HeadFacts,
    readonly body: Readable,
    readonly release: () => void,
  ) {
    this.status = message.statusCode ?? 0;
    this.contentType = head.contentType;
    this.rateLimited = head.rateLimited;
    this.rawHeaders = message.rawHeaders;
  }

  get headers(): http.IncomingHttpHeaders {
    return this.message.headers;
  }
}

interface HeadFacts {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  rateLimited: boolean;
}

/**
 * What the relay needs of an answer's head, in one pass over its raw headers. As node:http's
 * headers object would have them: the first `content-type`, every `content-encoding` joined.
 */
export function headFacts(raw: readonly string[]): HeadFacts {
  let contentType: string | undefined;
  let contentEncoding: string | undefined;
  let rateLimited = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    // Already lowercase from HTTP/2 front ends and most servers: V8 then returns the same string.
    const name = raw[i]!.toLowerCase();
    if (name === 'content-type') contentType ??= raw[i + 1];
    else if (name === 'content-encoding')
      contentEncoding = contentEncoding === undefined ? raw[i + 1] : `${contentEncoding}, ${raw[i + 1]!}`;
    else if (!rateLimited && (name.startsWith('x-ratelimit-') || name.startsWith('anthropic-ratelimit-')))
      rateLimited = true;
  }
  return { contentType, contentEncoding, rateLimited };
}

/** Names node:http sets from the request itself, never from the connection's headers. */
const OURS = new Set(['content-length', 'transfer-encoding', HOP_HEADER]);

/**
 * The request's headers as a flat name/value list, which node:http writes as they are (its object
 * form copies and checks each header twice, and makes `host` itself). The connection's own `host`
 * header wins over the URL's, as node:http would let it; the hop header comes from here alone, so no
 * connection header can drop it: a base URL leading back to a daemon is refused there (daemon/loopGuard.ts).
 */
function headerList(target: UpstreamTarget, length: number): string[] {
  const list: string[] = [];
  let host = target.host;
  for (const name in target.headers) {
    const value = target.headers[name]!;
    if (name === 'host') host = value;
    else if (!OURS.has(name)) list.push(name, value);
  }
  list.push('host', host, 'content-length', String(length), HOP_HEADER, HOP_VALUE);
  return list;
}

/**
 * Reads a whole body, waiting at most `idleMs` between reads. Past `limit` bytes the rest is
 * dropped and the socket closed: `overflow: 'cut'` keeps what came (an error body's message is in
 * its first bytes), `'fail'` rejects.
 */
export function readBody(
  answer: UpstreamAnswer,
  idleMs: number,
  limit = MAX_ERROR_BODY,
  overflow: 'cut' | 'fail' = 'cut',
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer = setTimeout(onIdle, idleMs);
    function onIdle() {
      answer.body.destroy(new UpstreamIdleTimeout(idleMs));
    }
    const finish = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    };
    answer.body.on('data', (chunk: Buffer) => {
      clearTimeout(timer);
      timer = setTimeout(onIdle, idleMs);
      if (size >= limit) return;
      chunks.push(chunk.length + size > limit ? chunk.subarray(0, limit - size) : chunk);
      size += chunk.length;
      if (size >= limit) {
        clearTimeout(timer);
        answer.body.destroy();
        if (overflow === 'cut') resolve(Buffer.concat(chunks));
        else reject(new AnswerTooLarge(limit));
      }
    });
    answer.body.once('end', finish);
    answer.body.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    answer.body.once('close', () => {
      clearTimeout(timer);
      if (!answer.message.complete && size < limit)
        reject(
          Object.assign(new Error('the connection closed before the response was complete'), { code: 'ECONNRESET' }),
        );
    });
  });
}

/** One header of an answer as text (a repeated one joined with `, `), or null when it is absent. */
export function headerOf(headers: http.IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

/** The answer's headers as a web `Headers`, for the error mapping and the rate-limit parser. */
export function webHeaders(headers: http.IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    try {
      out.set(name, Array.isArray(value) ? value.join(', ') : value);
    } catch {
      // not a header fetch accepts
    }
  }
  return out;
}

function abortError(): DOMException {
  return new DOMException('This operation was aborted', 'AbortError');
}

/** A whole (non-streamed) answer bigger than the daemon buffers. */
export class AnswerTooLarge extends Error {
  override readonly name = 'AnswerTooLarge';
  constructor(readonly limit: number) {
    super(`the answer is larger than ${limit} bytes`);
  }
}
