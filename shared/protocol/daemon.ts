/** `daemon/*`: introduce a client, ask how the daemon is, stop it. */
import { z } from 'zod';
import { request, result } from './rpc';

/** Params of `daemon/hello`. */
export const HelloParams = z.strictObject({
  /** Who is calling; shown in the audit log as `client`. */
  client: z.strictObject({ name: z.string().min(1).max(100), version: z.string().max(50).optional() }),
  /** The protocol version the client speaks. */
  protocolVersion: z.string().max(20).optional(),
});
/** Result of `daemon/hello`. */
export interface HelloResult {
  name: 'switchboard';
  version: string;
  protocolVersion: string;
  pid: number;
  /** Whether the client's protocol major matches the daemon's. */
  compatible: boolean;
}
/** Introduces the client. Optional, but without it audit entries say `unknown`. */
export const DaemonHello = request('daemon/hello', HelloParams, result<HelloResult>());

/** Result of `daemon/status`. */
export interface StatusResult {
  version: string;
  protocolVersion: string;
  pid: number;
  startedAt: string;
  uptimeMs: number;
  home: string;
  /** Unix socket path (or Windows pipe name). */
  socket: string;
  /** Loopback TCP port. */
  port: number;
  /** Clients connected now. */
  clients: number;
  connections: number;
  /** Chat streams running now. */
  activeStreams: number;
}
/** How the daemon is. */
export const DaemonStatus = request('daemon/status', z.strictObject({}).optional(), result<StatusResult>());

/** Stops the daemon after answering: open streams are cancelled, the socket and `daemon.json` removed. */
export const DaemonShutdown = request('daemon/shutdown', z.strictObject({}).optional(), result<{ ok: true }>());
