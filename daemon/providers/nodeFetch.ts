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
import zlib from 'node:zlib';

/** The raw Node body stream of a response made by {@link nodeFetch} (decoded if it was compressed). */
export const NODE_BODY: unique symbol = Symbol('switchboard.nodeBody');

type FetchInput = string | URL | Request;

/** Keep-alive pools, one per scheme (an Agent pools per host:port). Idle sockets close after 4 s, like undici's. */
const AGENT_OPTIONS = { keepAlive: true, timeout: 4_000, scheduling: 'lifo' as const };
const httpAgent = new http.Agent(AGENT_OPTIONS);
const httpsAgent = new https.Agent(AGENT_OPTIONS);

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
  const simpleBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array || body instanceof URLSearchParams;
  if (url === undefined || !simpleBody || !/^https?:/i.test(url)) return globalThis.fetch(input, init);

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
  let payload: string | Uint8Array | undefined = body instanceof URLSearchParams ? body.toString() : (body ?? undefined);
  if (body instanceof URLSearchParams) headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
  let method = (init.method ?? 'GET').toUpperCase();

  let target = new URL(url);
  for (let hop = 0; ; hop++) {
    const response = await send(target, method, headers, payload, signal);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUS.has(response.status) || location === null || init.redirect === 'manual' || hop >= MAX_REDIRECTS) return response;
    const next = new URL(location, target);
    if (next.origin !== target.origin) return response; // never hand the key to another origin
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

function send(url: URL, method: string, headers: Record<string, string>, payload: string | Uint8Array | undefined, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request(url, { method, headers, agent: secure ? httpsAgent : httpAgent });
    let message: http.IncomingMessage | undefined;
    const onAbort = () => {
      const error = abortError();
      message?.destroy(error);
      req.destroy(error);
      reject(error); // no-op once resolved
    };
    const release = () => signal?.removeEventListener('abort', onAbort);
    signal?.addEventListener('abort', onAbort, { once: true });
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
      const responseHeaders = new Headers();
      const raw = res.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        try {
          responseHeaders.append(raw[i]!, raw[i + 1]!);
        } catch {
          // A header fetch would refuse too (invalid name or value): leave it out.
        }
      }
      if (status < 200 || status > 599 || NULL_BODY_STATUS.has(status) || method === 'HEAD') {
        res.once('close', release);
        res.resume();
        if (status < 200 || status > 599) {
          reject(new Error(`unexpected HTTP status ${status} from the upstream`));
          return;
        }
        resolve(new Response(null, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        return;
      }
      const stream = decoded(res, responseHeaders);
      stream.once('close', release);
      const response = new Response(lazyWebStream(stream), { status, statusText: res.statusMessage ?? '', headers: responseHeaders });
      Object.defineProperty(response, NODE_BODY, { value: stream });
      resolve(response);
    };
    if (payload !== undefined) req.setHeader('content-length', Buffer.byteLength(payload));
    req.end(payload);
  });
}

/** The body as sent (`res`), or piped through the decoder its `content-encoding` names. */
function decoded(res: http.IncomingMessage, headers: Headers): Readable {
  const encoding = headers.get('content-encoding')?.trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })
    : encoding === 'deflate' ? zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })
    : encoding === 'br' ? zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH })
    : undefined;
  if (!decoder) return res;
  // What the web body shows is decoded: its length and encoding headers no longer describe it.
  headers.delete('content-encoding');
  headers.delete('content-length');
  // pipeline destroys both ends on an error or a premature close of either (abort included).
  return pipeline(res, decoder, () => undefined);
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
          controller.error(Object.assign(new Error('the response body was closed before its end'), { code: 'ECONNRESET' }));
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
