/** How clients find the daemon: the file it publishes in its home while it runs. */

/** Name of the discovery file inside the Switchboard home. */
export const DAEMON_INFO_FILE = 'daemon.json';

/** The content of `daemon.json` (mode 0600): what a client needs to reach a running daemon. */
export interface DaemonInfo {
  /** Process id of the daemon. */
  pid: number;
  /** The daemon's own version. */
  version: string;
  /** The protocol version it speaks (see `PROTOCOL_VERSION`). */
  protocolVersion: string;
  /** Unix socket path (Windows: named pipe); connecting through it needs no token. */
  socket: string;
  /** Loopback TCP port (127.0.0.1), which requires `token`. */
  port: number;
  /** Bearer token for the TCP listener and the OpenAI-compatible HTTP API. Never log it. */
  token: string;
  /** ISO 8601 time the daemon started. */
  startedAt: string;
}
