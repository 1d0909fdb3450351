/** `daemon/*`: introduce a client, ask how the daemon is, stop it. */
import { z } from 'zod';

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
