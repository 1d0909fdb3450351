/**
 * Who may talk to the daemon. Pure functions over request headers, run on every HTTP request and every
 * WebSocket handshake before anything else happens.
 *
 * - `Origin`: browsers always send it and other clients do not, so refusing it closes cross-site
 *   WebSocket hijacking and cross-site requests in one rule.
 * - `Host`: a page on evil.example rebinding its DNS to 127.0.0.1 still sends `Host: evil.example`;
 *   only loopback names (with our port, on TCP) pass.
 * - A token on TCP, as `Authorization: Bearer` or (what Anthropic clients send) `x-api-key`. Never
 *   from the query string: URLs end up in logs, shell history and proxies. The owner token (compared
 *   in constant time) can do everything; a tool token (`tokens/*`) only reaches the inference
 *   endpoints — {@link toolMayUsePath} is the one rule every HTTP route and WebSocket passes.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { OWNER, type Caller } from '../tokens/caller';
import type { TokenCheck } from '../tokens/toolTokens';

export type Refusal = { ok: false; status: 401 | 403; message: string };
export type AccessResult = { ok: true } | Refusal;
/** The outcome of every check a request passes: who is asking, or why it is refused. */
export type RequestAccess = { ok: true; caller: Caller } | Refusal;

/** What the TCP listener checks a token against. */
export interface TcpAuth {
  port: number;
  /** The owner token (daemon.json). */
  token: string;
  /** Checks a tool token; undefined when the presented token is not one. */
  toolTokens?: (presented: string) => TokenCheck | undefined;
}

const OK: AccessResult = { ok: true };
/** A loopback name with an optional port: group 1 the name, group 2 the port. */
const HOST_PATTERN = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/;
/** Query parameters that would carry a credential; their mere presence is refused. */
const QUERY_CREDENTIALS = ['token', 'access_token', 'auth', 'authorization', 'bearer', 'key', 'api_key', 'apikey'];

const HOW_TO_AUTH =
  'read `token` from daemon.json in the Switchboard home and send the header `Authorization: Bearer <token>`';

/** Refuses any request carrying an `Origin` header (403). */
export function checkOrigin(headers: IncomingHttpHeaders): AccessResult {
  if (headers.origin === undefined) return OK;
  return {
    ok: false,
    status: 403,
    message:
      'Requests with an Origin header are refused: the daemon does not serve browsers. Connect from a local program, which sends no Origin.',
  };
}

/**
 * Checks `Host` against the loopback names. On TCP (`port` given) the port must be ours, as every
 * HTTP client sends it for a non-default port. On the Unix socket (`port` null) there is no port to
 * name and clients such as `ws` send a bare `localhost`; any loopback name is accepted there.
 */
export function checkHost(hostHeader: string | undefined, port: number | null): AccessResult {
  const match = HOST_PATTERN.exec((hostHeader ?? '').trim().toLowerCase());
  const portOk = port === null ? true : match?.[2] === String(port);
  if (match && portOk) return OK;
  const expected = port === null ? 'localhost' : `127.0.0.1:${port}`;
  return {
    ok: false,
    status: 403,
    message: `Host ${JSON.stringify(hostHeader ?? '')} is refused: connect to ${expected} (the daemon only answers to 127.0.0.1, localhost or [::1]).`,
  };
}

/** Checks `Authorization: Bearer <token>` against the daemon's token, in constant time. */
export function checkBearer(authorization: string | undefined, token: string): AccessResult {
  if (!authorization) return { ok: false, status: 401, message: `Missing bearer token: ${HOW_TO_AUTH}.` };
  // As every client writes it, `Bearer <token>`: compared in place, without the pattern's match.
  if (authorization.startsWith(BEARER) && constantTimeEqual(authorization, token, BEARER.length)) return OK;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (!match) return { ok: false, status: 401, message: `Malformed Authorization header: ${HOW_TO_AUTH}.` };
  if (!constantTimeEqual(match[1]!, token)) {
    return {
      ok: false,
      status: 401,
      message: `Wrong bearer token: the daemon makes a new one each time it starts; ${HOW_TO_AUTH}.`,
    };
  }
  return OK;
}

/** Refuses a URL whose query string carries something that looks like a credential (401). */
export function checkNoQueryToken(url: string | undefined): AccessResult {
  const at = url?.indexOf('?') ?? -1;
  if (at === -1) return OK;
  const query = url!.slice(at + 1);
  for (const name of new URLSearchParams(query).keys()) {
    if (QUERY_CREDENTIALS.includes(name.toLowerCase())) {
      return {
        ok: false,
        status: 401,
        message: `Tokens in the URL (?${name}=) are refused because URLs get logged; ${HOW_TO_AUTH}.`,
      };
    }
  }
  return OK;
}

/** The path of a request target without its query ("/rpc?x" → "/rpc"), compared verbatim by callers. */
export function pathOf(url: string | undefined): string {
  return (url ?? '').split('?', 1)[0]!;
}

/**
 * Where a tool token may go: the inference HTTP API (`/v1/…`, every route there, whoever adds it)
 * and the JSON-RPC WebSocket, where the router lets it call only the inference methods
 * (`tokens/caller.ts`). Nothing else on the port.
 */
export function toolMayUsePath(path: string): boolean {
  return path === '/rpc' || path.startsWith('/v1/');
}

/**
 * Every check a request must pass, in order: Origin, Host, no token in the URL, then on TCP the
 * token — the owner's, or a tool token limited to {@link toolMayUsePath}. The Unix socket (`tcp`
 * undefined) skips the token: its 0600 mode in a 0700 directory is the access control, so its
 * clients are the owner.
 */
export function checkRequest(headers: IncomingHttpHeaders, url: string | undefined, tcp?: TcpAuth): RequestAccess {
  let result = checkOrigin(headers);
  if (result.ok) result = checkHost(headers.host, tcp ? tcp.port : null);
  if (result.ok) result = checkNoQueryToken(url);
  if (!result.ok) return result;
  if (!tcp) return { ok: true, caller: OWNER };
  // Anthropic clients send their key as x-api-key; everyone else as a bearer token.
  const apiKey = headers['x-api-key'];
  if (headers.authorization === undefined && typeof apiKey === 'string' && apiKey !== '')
    return checkToken(apiKey.trim(), url, tcp);
  const bearer = checkBearer(headers.authorization, tcp.token);
  if (bearer.ok) return { ok: true, caller: OWNER };
  const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '')?.[1];
  return presented === undefined ? bearer : checkToken(presented, url, tcp, bearer);
}

/** A presented token: the owner's, or a live tool token on a path tools may use. */
function checkToken(presented: string, url: string | undefined, tcp: TcpAuth, wrong?: Refusal): RequestAccess {
  if (constantTimeEqual(presented, tcp.token)) return { ok: true, caller: OWNER };
  const tool = tcp.toolTokens?.(presented);
  if (tool === undefined)
    return (
      wrong ?? {
        ok: false,
        status: 401,
        message: `Wrong x-api-key: ${HOW_TO_AUTH}, or use a tool token (switchboard tokens create).`,
      }
    );
  if (!tool.ok) return { ok: false, status: 401, message: tool.message };
  const path = pathOf(url);
  if (!toolMayUsePath(path)) {
    return {
      ok: false,
      status: 403,
      message: `Tool token "${tool.caller.name}" cannot use ${path}: tool tokens only reach the inference endpoints (/v1/…). This needs the owner token (daemon.json in the Switchboard home).`,
    };
  }
  return { ok: true, caller: tool.caller };
}

/** The scheme as clients write it; the pattern in checkBearer takes any case and spacing. */
const BEARER = 'Bearer ';

/**
 * Whether `given` from `at` on is `expected`, in time that depends only on their lengths: every
 * character is compared, the differences OR-ed together, with no early exit (the length check
 * reveals only the token's length, which is no secret: every token is 32 random bytes in hex, 64
 * characters). In JS over the strings rather than `timingSafeEqual` over their bytes: that needed
 * the given token copied into a Buffer on every request, and two calls into the runtime.
 */
function constantTimeEqual(given: string, expected: string, at = 0): boolean {
  const n = expected.length;
  if (n === 0 || given.length - at !== n) return false;
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= given.charCodeAt(at + i) ^ expected.charCodeAt(i);
  return diff === 0;
}
