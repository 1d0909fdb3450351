/**
 * Opens the WebSocket to the daemon: through its Unix socket (Windows: named pipe), which needs no
 * token, or through the loopback TCP port with the bearer token from `daemon.json`.
 *
 * The daemon refuses any request carrying an `Origin` header (browsers always send one); `ws` sends
 * none unless the `origin` option is given, and nothing here gives it.
 */
import * as net from 'node:net';
import WebSocket from 'ws';
import type { DaemonInfo } from './discovery';
import { DaemonUnavailableError, START_HINT } from './errors';

/** Which listener to use: `auto` tries the Unix socket first and falls back to TCP. */
export type TransportKind = 'auto' | 'unix' | 'tcp';

/** The path of the JSON-RPC endpoint on both listeners. */
export const RPC_PATH = '/rpc';

/** An open socket and the listener it went through. */
export interface OpenedSocket {
  socket: WebSocket;
  via: 'unix' | 'tcp';
}

/** Options of {@link openSocket}. */
export interface OpenSocketOptions {
  transport?: TransportKind | undefined;
  /** How long the TCP/socket connect plus the WebSocket handshake may take. Default 5000 ms. */
  handshakeTimeoutMs?: number | undefined;
}

/**
 * Connects to the daemon described by `info`. Rejects with a {@link DaemonUnavailableError} whose
 * message names every listener tried and why it failed.
 */
export async function openSocket(info: DaemonInfo, opts: OpenSocketOptions = {}): Promise<OpenedSocket> {
  const transport = opts.transport ?? 'auto';
  const timeout = opts.handshakeTimeoutMs ?? 5000;
  const failures: string[] = [];
  if (transport !== 'tcp' && info.socket) {
    try {
      return { socket: await handshake(unixSocket(info.socket, timeout)), via: 'unix' };
    } catch (error) {
      if (transport === 'unix') throw refused(info, [`socket ${info.socket}: ${describe(error)}`]);
      failures.push(`socket ${info.socket}: ${describe(error)}`);
    }
  }
  if (transport !== 'unix' && info.port > 0) {
    try {
      return { socket: await handshake(tcpSocket(info.port, info.token, timeout)), via: 'tcp' };
    } catch (error) {
      if (error instanceof HttpRefusal && (error.status === 401 || error.status === 403)) {
        throw new DaemonUnavailableError(
          'unauthorized',
          `The Switchboard daemon (pid ${info.pid}) refused the token from daemon.json (HTTP ${error.status}).`,
          'daemon.json may be from an earlier run: restart the daemon with `switchboard daemon start`.',
        );
      }
      failures.push(`127.0.0.1:${info.port}: ${describe(error)}`);
    }
  }
  if (failures.length === 0)
    failures.push(`daemon.json offers no ${transport === 'auto' ? '' : `${transport} `}listener`);
  throw refused(info, failures);
}

function unixSocket(socketPath: string, timeout: number): WebSocket {
  // Not a `ws+unix:` URL: ws takes the socket path from the URL's pathname, which percent-encodes
  // spaces (macOS's "Application Support") and splits on the first ':' (a Windows drive letter).
  // Handing ws the connection keeps the path verbatim; `localhost` is only the Host header.
  return new WebSocket(`ws://localhost${RPC_PATH}`, {
    createConnection: () => net.connect(socketPath),
    handshakeTimeout: timeout,
    // Loopback traffic gains nothing from compression and would pay for it in per-delta latency.
    perMessageDeflate: false,
  });
}

function tcpSocket(port: number, token: string, timeout: number): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${port}${RPC_PATH}`, {
    headers: { Authorization: `Bearer ${token}` },
    handshakeTimeout: timeout,
    perMessageDeflate: false,
  });
}

/** A non-101 answer to the upgrade, kept apart so a bad token gets its own message. */
class HttpRefusal extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

function handshake(socket: WebSocket): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      socket.off('open', onOpen);
      socket.off('error', onError);
      socket.off('unexpected-response', onResponse);
    };
    const onOpen = (): void => {
      cleanup();
      resolve(socket);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onResponse = (request: { destroy(): void }, response: { statusCode?: number; resume(): void }): void => {
      cleanup();
      // Keep an error listener: destroying the request makes ws emit one we no longer care about.
      socket.on('error', () => undefined);
      response.resume();
      request.destroy();
      reject(new HttpRefusal(response.statusCode ?? 0));
    };
    socket.on('open', onOpen);
    socket.on('error', onError);
    socket.on('unexpected-response', onResponse);
  });
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'ECONNREFUSED') return 'connection refused';
  return error instanceof Error ? error.message : String(error);
}

function refused(info: DaemonInfo, failures: string[]): DaemonUnavailableError {
  return new DaemonUnavailableError(
    'refused',
    `Could not connect to the Switchboard daemon (pid ${info.pid}): ${failures.join('; ')}.`,
    `The daemon may be starting or shutting down; try again, or restart it. ${START_HINT}`,
  );
}
