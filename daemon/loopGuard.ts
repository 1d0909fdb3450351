/**
 * The loop guard. Every request the daemon sends upstream carries {@link HOP_HEADER}; every request
 * the daemon receives (HTTP or WebSocket handshake) that carries it is refused with 508 before
 * anything else runs. A connection whose base URL leads back to this daemon — directly, through a
 * proxy, a DNS name or another port forward that the base-URL check cannot see — then costs one
 * refused request instead of an unbounded loop of requests, sockets and store writes.
 *
 * The header carries no secret and means only "sent by a Switchboard daemon". One daemon chained
 * behind another is therefore refused too: point the first at the provider instead.
 *
 * Every path that talks upstream (the SDK fetch, the byte-forwarding relay, any other transport)
 * adds the header with {@link withHop} / {@link addHop}; the server entry checks with {@link hasHop}.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Lower-case, as Node presents inbound header names. */
export const HOP_HEADER = 'x-switchboard-hop';
/** The value sent; any value inbound is refused. */
export const HOP_VALUE = '1';
/** HTTP 508 Loop Detected (RFC 5842). */
export const HOP_STATUS = 508;

export const HOP_REFUSAL =
  "Refused: this request came from a Switchboard daemon (it carries the x-switchboard-hop header), so a connection's base URL points back at Switchboard. " +
  "Set that connection's base URL to the provider's own API, not to Switchboard.";

/** Sets the hop header on a plain header record (node:http options, a forwarded request's headers). */
export function addHop(headers: Record<string, string | string[] | number | undefined>): void {
  headers[HOP_HEADER] = HOP_VALUE;
}

/** A copy of `headers` with the hop header set. */
export function withHop<T extends Record<string, string>>(headers: T): T & { [HOP_HEADER]: string } {
  return { ...headers, [HOP_HEADER]: HOP_VALUE };
}

/** True when an inbound request carries the hop header (any value): it came from a daemon. */
export function hasHop(headers: IncomingHttpHeaders): boolean {
  return headers[HOP_HEADER] !== undefined;
}
