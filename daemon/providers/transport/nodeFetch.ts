/**
 * A `fetch` on `node:http`/`node:https`, given to both SDKs (through upstreamFetch.ts) in place of
 * the global (undici) fetch.
 *
 * Why: the SDKs stay in charge of everything around a request (URL, auth headers, retries and
 * backoff, `x-should-retry`, error classes), but a streamed answer read through undici's web
 * streams and the SDKs' byte-level SSE decoders costs several times what relaying it is worth.
 * Every response this returns is a real `Response` (status, headers, a body the SDKs can read for
 * error JSON or the models list), and also carries the raw Node stream of its body under
 * {@link NODE_BODY}: the adapters read a successful event stream from there (sseReader.ts) and the
 * web body is then never touched (it attaches to the Node stream only on its first read).
 *
 * Behaviour kept from fetch: the abort signal destroys the request (and the response, once it
 * arrived: the socket closes, the upstream sees the request go away) and rejects/errors with an
 * `AbortError` (which the SDKs map to a cancellation or their connection timeout); compressed
 * bodies are decoded; same-origin redirects are followed. Cross-origin redirects are NOT followed:
 * the key must never go to another host, so the 3xx comes back as is (an upstream error).
 * Anything this does not handle (a `Request` object, a streaming request body, another scheme)
 * goes to the global fetch unchanged.
 */
import http from 'node:http';
import https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import zlib from 'node:zlib';
import { onAbort } from '../../abortHooks';
import { addHop, HOP_HEADER, HOP_VALUE } from '../../loopGuard';
import { upstreamPools } from './upstreamPool';

/** The raw Node body stream of a response made by {@link nodeFetch} (decoded if it was compressed). */
export const NODE_BODY: unique symbol = Symbol('switchboard.nodeBody');

type FetchInput = string | URL | Request;

/** The keep-alive pools (upstreamPool.ts), shared with the forwarding path (daemon/forward/): both use warm sockets. */
const { http: httpAgent, https: httpsAgent } = upstreamPools;

const MAX_REDIRECTS = 20;
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/** The Node stream a response's body is read from, if `nodeFetch` made it (and it has a body). */
export function nodeBodyOf(response: Response): Readable | undefined {
  return (response as Response & { [NODE_BODY]?: Readable })[NODE_BODY];
}

export async function nodeFetch(input: FetchInput, init: RequestInit = {}): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
  const body = init.body;
  const simpleBody =
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof Uint8Array ||
    body instanceof URLSearchParams;
  if (url === undefined || !simpleBody || !/^https?:/i.test(url)) {
    const request = new Request(input, init);
    request.headers.set(HOP_HEADER, HOP_VALUE);
    return globalThis.fetch(request);
  }

  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw abortError();
  const headers: Record<string, string> = {};
  // The SDKs pass a Headers already; copying it into another one first would cost a validation per header.
  (init.headers instanceof Headers ? init.headers : new Headers(init.headers)).forEach((value, name) => {
    headers[name] = value;
  });
  // A streamed answer must not come compressed (we parse it as it arrives); other bodies are
  // small. Servers that compress anyway are decoded below.
  headers['accept-encoding'] ??= 'identity';
  // Marks the request as the daemon's own, so a base URL that leads back to a daemon is refused there (daemon/loopGuard.ts).
  addHop(headers);
  let payload: string | Uint8Array | undefined =
    body instanceof URLSearchParams ? body.toString() : (body ?? undefined);
  if (body instanceof URLSearchParams) headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
  let method = (init.method ?? 'GET').toUpperCase();

  let target = targetOf(url);
  for (let hop = 0; ; hop++) {
    const response = await send(target, method, headers, payload, signal);
    if (!REDIRECT_STATUS.has(response.status)) return response;
    const location = response.headers.get('location');
    if (location === null || init.redirect === 'manual' || hop >= MAX_REDIRECTS) return response;
    const next = toTarget(new URL(location, target.url));
    if (next.url.origin !== target.url.origin) return response; // never hand the key to another origin
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET';
      payload = undefined;
      delete headers['content-type'];
      delete headers['content-length'];
    }
    target = next;
  }
}

/** Where a request goes: the parsed URL, and the `http.request` options it makes. */
interface Target {
  url: URL;
  secure: boolean;
  options: http.RequestOptions;
}

const TARGET_CACHE_SIZE = 64;
/** Targets by URL string: the SDKs ask for the same few URLs on every request, and parsing one costs more than the lookup. */
const targets = new Map<string, Target>();

function targetOf(href: string): Target {
  let target = targets.get(href);
  if (target === undefined) {
    if (targets.size >= TARGET_CACHE_SIZE) targets.clear();
    target = toTarget(new URL(href));
    targets.set(href, target);
  }
  return target;
}

function toTarget(url: URL): Target {
  return { url, secure: url.protocol === 'https:', options: urlToHttpOptions(url) };
}

function send(
  target: Target,
  method: string,
  headers: Record<string, string>,
  payload: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const secure = target.secure;
    const req = (secure ? https : http).request({
      ...target.options,
      method,
      headers,
      agent: secure ? httpsAgent : httpAgent,
    });
    let message: http.IncomingMessage | undefined;
    const abort = () => {
      const error = abortError();
      message?.destroy(error);
      req.destroy(error);
      reject(error); // no-op once resolved
    };
    // The signal may outlive this request (the stream registry reuses it): see abortHooks.ts.
    const release = signal ? onAbort(signal, abort) : () => undefined;
    // `on`, not `once`: after the response arrived, socket errors surface on the response; here they must not crash.
    req.on('error', (error) => {
      if (!message) {
        release();
        reject(error);
      }
    });
    req.once('response', (res) => {
      message = res;
      try {
        respond(res);
      } catch (error) {
        // e.g. a status text fetch refuses: fail this request, never the process.
        release();
        res.destroy();
        reject(error);
      }
    });
    const respond = (res: http.IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 599) {
        res.once('close', release);
        res.resume();
        reject(new Error(`unexpected HTTP status ${status} from the upstream`));
        return;
      }
      const raw = res.rawHeaders;
      const init = { status, statusText: res.statusMessage ?? '' };
      if (NULL_BODY_STATUS.has(status) || method === 'HEAD') {
        res.once('close', release);
        res.resume();
        const response = new Response(null, init);
        copyHeaders(raw, response.headers, false);
        resolve(response);
        return;
      }
      const { stream, decoding } = decoded(res, rawHeader(raw, 'content-encoding'));
      stream.once('close', release);
      // A successful event stream is read off NODE_BODY by the adapters: its web body is made only on demand.
      const lazy =
        status < 300 &&
        rawHeader(raw, 'content-type')?.trimStart().toLowerCase().startsWith('text/event-stream') === true;
      const response = lazy ? new NodeBodyResponse(stream, init) : new Response(lazyWebStream(stream), init);
      // Straight into the response's own Headers: building a Headers and handing it to the constructor would copy it.
      copyHeaders(raw, response.headers, decoding);
      Object.defineProperty(response, NODE_BODY, { value: stream });
      resolve(response);
    };
    if (payload !== undefined) req.setHeader('content-length', Buffer.byteLength(payload));
    req.end(payload);
  });
}

/**
 * The body as sent (`res`), or piped through the decoder `encoding` (the `content-encoding`
 * header) names; `decoding` says which.
 */
export function decoded(
  res: http.IncomingMessage,
  encoding: string | undefined,
): { stream: Readable; decoding: boolean } {
  const e = encoding?.trim().toLowerCase();
  const decoder =
    e === 'gzip' || e === 'x-gzip'
      ? zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })
      : e === 'deflate'
        ? zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })
        : e === 'br'
          ? zlib.createBrotliDecompress({
              flush: zlib.constants.BROTLI_OPERATION_FLUSH,
              finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
            })
          : undefined;
  if (!decoder) return { stream: res, decoding: false };
  // pipeline destroys both ends on an error or a premature close of either (abort included).
  return { stream: pipeline(res, decoder, () => undefined), decoding: true };
}

/** The first value of a header in Node's raw list (names in any case), as fetch would combine it for the ones we look at. */
function rawHeader(raw: string[], lowerName: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return raw[i + 1];
  }
  return undefined;
}

/**
 * Appends Node's raw headers to a response's Headers. A header fetch would refuse (invalid name or
 * value) is left out. When the body is decoded, its length and encoding headers no longer describe
 * what the web body shows, so they are left out too.
 */
function copyHeaders(raw: string[], into: Headers, decoding: boolean): void {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (decoding && (name.length === 14 || name.length === 16)) {
      const lower = name.toLowerCase();
      if (lower === 'content-length' || lower === 'content-encoding') continue;
    }
    try {
      into.append(name, raw[i + 1]!);
    } catch {
      // as fetch: not a valid header
    }
  }
}

/**
 * A Response whose web body is made only if someone reads it. The daemon reads a successful event
 * stream off {@link NODE_BODY}, so the web stream (and the costly web-streams machinery behind a
 * Response body) is usually never built. Everything a caller can do with a Response works: `body`,
 * `bodyUsed`, the body readers and `clone()` go to a standard Response over the same stream, made
 * on first use.
 */
class NodeBodyResponse extends Response {
  #source: Readable;
  #real: Response | undefined;

  constructor(source: Readable, init: ResponseInit) {
    super(null, init);
    this.#source = source;
  }

  #withBody(): Response {
    return (this.#real ??= new Response(lazyWebStream(this.#source), {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    }));
  }

  override get body(): Response['body'] {
    return this.#withBody().body;
  }
  override get bodyUsed(): boolean {
    return this.#real?.bodyUsed ?? false;
  }
  override text(): Promise<string> {
    return this.#withBody().text();
  }
  override json(): Promise<unknown> {
    return this.#withBody().json();
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#withBody().arrayBuffer();
  }
  override bytes(): ReturnType<Response['bytes']> {
    return this.#withBody().bytes();
  }
  override blob(): Promise<Blob> {
    return this.#withBody().blob();
  }
  override formData(): Promise<FormData> {
    return this.#withBody().formData();
  }
  override clone(): Response {
    return this.#withBody().clone();
  }
}

/**
 * A web stream over a Node stream that attaches to it only on its first read, so a body consumed
 * through {@link NODE_BODY} is never also read (and buffered) here.
 */
function lazyWebStream(source: Readable): ReadableStream<Uint8Array> {
  let attached = false;
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (attached) {
          source.resume();
          return;
        }
        attached = true;
        source.on('data', (chunk: Buffer | string) => {
          controller.enqueue(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        });
        source.once('end', () => {
          if (settled) return;
          settled = true;
          controller.close();
        });
        source.once('error', (error) => {
          if (settled) return;
          settled = true;
          controller.error(error);
        });
        // Destroyed without an error (e.g. by whoever held the Node stream): the body was cut.
        source.once('close', () => {
          if (settled) return;
          settled = true;
          controller.error(
            Object.assign(new Error('the response body was closed before its end'), { code: 'ECONNRESET' }),
          );
        });
      },
      cancel() {
        settled = true;
        source.destroy();
      },
    },
    // 0: `pull` runs only for a read someone is waiting on (1 would attach at once).
    { highWaterMark: 0 },
  );
}

function abortError(): DOMException {
  return new DOMException('This operation was aborted', 'AbortError');
}
