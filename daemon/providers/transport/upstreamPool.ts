/**
 * The keep-alive pools the daemon calls upstreams through (one per scheme; an Agent pools per
 * host:port). An idle socket is kept as undici keeps its: for as long as the server announced in
 * `Keep-Alive: timeout=N`, less a second (so the daemon never sends on a socket the server is
 * closing), up to {@link MAX_IDLE_MS}; {@link IDLE_MS} when it announced nothing.
 *
 * A longer hint counts too: kept at most {@link IDLE_MS} whatever the server said, every socket of a
 * pool would close in any pause of more than 4 s, and the next burst would open them all again (a TLS
 * handshake each, to a provider, on the way to the first token).
 *
 * Node's Agent does this with its `timeout` option, but at a cost on every request: the option also
 * arms the socket's timeout for the request itself, and node clears it when the answer ends and
 * re-arms it when the socket goes back to the pool — a timer made and dropped per request — and
 * reads the hint from the answer's headers object, which node then builds for every answer (a
 * dozen keyed stores). Here the idle limit is set once per socket and left armed (net.Socket
 * refreshes it on every read and write, so it counts from the last byte), and the hint is read from
 * the raw headers. A socket that falls silent for that long while an answer is on it is left alone:
 * node's pool destroys a timed-out socket only when it is idle in the pool.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';

/** How long an idle socket is kept when the server announced nothing: under the 5 s node servers (and many others) close theirs after. */
export const IDLE_MS = 4_000;
/** The longest an idle socket is kept, whatever the server announced (undici's `keepAliveMaxTimeout`). */
export const MAX_IDLE_MS = 600_000;
/** Closed this long before the server's announced timeout (as node's own agent does). */
const HINT_MARGIN_MS = 1_000;

/** TCP keep-alive probes on pooled sockets start after this much silence (node's default). */
const KEEP_ALIVE_PROBE_MS = 1_000;

const OPTIONS = { keepAlive: true, keepAliveMsecs: KEEP_ALIVE_PROBE_MS, scheduling: 'lifo' as const };

/** The socket's idle limit when it goes back to the pool; 0: it must not be kept (the server's timeout is too short). */
export function idleLimitMs(rawHeaders: readonly string[] | undefined): number {
  if (rawHeaders === undefined) return IDLE_MS;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.length !== 10 || rawHeaders[i]!.toLowerCase() !== 'keep-alive') continue;
    const hint = /^timeout=(\d+)/.exec(rawHeaders[i + 1]!)?.[1];
    if (hint === undefined) return IDLE_MS;
    return Math.max(0, Math.min(MAX_IDLE_MS, Number(hint) * 1000 - HINT_MARGIN_MS));
  }
  return IDLE_MS;
}

/** What node's Agent does when a socket goes back to the pool, with the idle limit set as said above. */
function keepSocketAlive(socket: Socket): boolean {
  socket.setKeepAlive(true, KEEP_ALIVE_PROBE_MS);
  socket.unref();
  const answer = (socket as Socket & { _httpMessage?: { res?: { rawHeaders: string[] } } })._httpMessage?.res;
  const idleMs = idleLimitMs(answer?.rawHeaders);
  if (idleMs === 0) return false;
  if (socket.timeout !== idleMs) socket.setTimeout(idleMs);
  return true;
}

class HttpPool extends http.Agent {
  constructor() {
    super(OPTIONS);
  }

  override keepSocketAlive(socket: Socket): boolean {
    return keepSocketAlive(socket);
  }
}

class HttpsPool extends https.Agent {
  constructor() {
    super(OPTIONS);
  }

  override keepSocketAlive(socket: Socket): boolean {
    return keepSocketAlive(socket);
  }
}

export const upstreamPools = { http: new HttpPool(), https: new HttpsPool() };
