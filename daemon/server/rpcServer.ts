/**
 * The daemon's transport: JSON-RPC 2.0 over WebSocket at `/rpc`, on two listeners that share one
 * `WebSocketServer` — a Unix socket (Windows: named pipe) guarded by its file mode, and a loopback TCP
 * port guarded by a bearer token. Access is decided in the HTTP `upgrade` handler, before ws sees the
 * socket, so a refused client never gets a WebSocket and runs nothing.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { anthropicErrorBody } from '../http/anthropicErrors';
import type { Logger } from '../log';
import { parseAndValidate, respond } from '../rpc/envelope';
import type { Router } from '../rpc/router';
import type { ClientSession } from '../rpc/session';
import type { Caller, ToolCaller } from '../tokens/caller';
import type { TokenCheck } from '../tokens/toolTokens';
import { checkRequest, pathOf, type RequestAccess } from './access';
import { hasHop, HOP_REFUSAL, HOP_STATUS } from '../loopGuard';
import { WsSession } from './wsSession';

export interface RpcServerOptions {
  socketPath: string;
  host?: '127.0.0.1';
  /** 0 = any free port. */
  port: number;
  token: string;
  router: Router;
  log: Logger;
  /** Largest accepted WebSocket message; a bigger one closes the socket with 1009. Default 4 MiB. */
  maxPayloadBytes?: number;
  /** Replies queued unread for one client past this close it (1008). Default 16 MiB. */
  maxQueuedBytes?: number;
  /** Streams one client may run at once (bounds the listeners per session). */
  maxStreamsPerClient?: number;
  /** Heartbeat period; a peer that misses a pong for one period is dropped. Default 30000. */
  pingIntervalMs?: number;
  /**
   * Tool tokens: `check` a presented token (undefined: not a tool token), and `current` — the caller a
   * token makes now, undefined once revoked or expired (a WebSocket's token is checked per message).
   */
  toolTokens?: { check(presented: string): TokenCheck | undefined; current(tokenId: string): ToolCaller | undefined };
  /**
   * Hook for plain HTTP requests on the TCP port after the Origin/Host/token checks passed, told who
   * is asking (a tool token only ever gets here on `/v1/…`). Return false → 404 JSON.
   */
  httpHandler?: (req: IncomingMessage, res: ServerResponse, caller: Caller) => Promise<boolean> | boolean;
  onSessionOpen?(s: ClientSession): void;
  onSessionClose?(s: ClientSession): void;
}

const RPC_PATH = '/rpc';
const DEFAULT_MAX_PAYLOAD = 4 * 1024 * 1024;
/** How long open sockets get to answer the 1001 close before they are cut. */
const CLOSE_GRACE_MS = 1000;
/**
 * How long an idle keep-alive HTTP connection stays open. Node's default, 5 s, is also the idle
 * expiry of the common clients (node's global agent, httpx; undici's is 4 s): a client reusing a
 * connection at about 5 s races the server's close and gets "socket hang up" / ECONNRESET before
 * any answer. Longer than every client's expiry, the client always closes first. Node announces it
 * in `Keep-Alive: timeout=65`, which undici and others read. Idle loopback sockets cost nothing.
 */
export const HTTP_KEEP_ALIVE_MS = 65_000;

type Listener = 'tcp' | 'socket';

export class RpcServer {
  private readonly wss: WebSocketServer;
  private readonly tcp: Server;
  private readonly unix: Server;
  private readonly live = new Set<WsSession>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private tcpPort = 0;
  private listenedOnSocket = false;

  private constructor(private readonly opts: RpcServerOptions) {
    // perMessageDeflate stays off: compression lets a small frame inflate past any size check.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD,
      perMessageDeflate: false,
    });
    this.wss.on('error', (error) => opts.log.warn('websocket server error', { error }));
    this.tcp = this.makeHttpServer('tcp');
    this.unix = this.makeHttpServer('socket');
  }

  /** Listens on both; rejects (closing whatever opened) if either cannot listen, e.g. the port is taken. */
  static async start(opts: RpcServerOptions): Promise<RpcServer> {
    const server = new RpcServer(opts);
    try {
      await server.listen();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  get port(): number {
    return this.tcpPort;
  }

  get socketPath(): string {
    return this.opts.socketPath;
  }

  get sessions(): ReadonlySet<ClientSession> {
    return this.live;
  }

  /** Stops listening, closes every socket with 1001 (cut after a grace period) and removes the socket file. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async listen(): Promise<void> {
    const { socketPath, log } = this.opts;
    await listenOn(this.tcp, { host: this.opts.host ?? '127.0.0.1', port: this.opts.port });
    this.tcpPort = (this.tcp.address() as AddressInfo).port;
    // A leftover socket file makes listen fail with EADDRINUSE. The caller has already made sure we
    // own the home (claimHome), so whatever is there is stale.
    if (process.platform !== 'win32' && existsSync(socketPath)) unlinkSync(socketPath);
    await listenOn(this.unix, { path: socketPath });
    this.listenedOnSocket = true;
    // The directory is 0700 already; the mode is the socket's own guard should it ever be moved or shared.
    if (process.platform !== 'win32') chmodSync(socketPath, 0o600);
    const interval = this.opts.pingIntervalMs ?? 30_000;
    this.heartbeat = setInterval(() => this.beat(), interval);
    this.heartbeat.unref();
    log.debug('rpc server listening', { socket: socketPath, port: this.tcpPort });
  }

  private makeHttpServer(via: Listener): Server {
    const server = createServer((req, res) => void this.onHttp(via, req, res));
    server.keepAliveTimeout = HTTP_KEEP_ALIVE_MS;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(via, req, socket, head),
    );
    server.on('clientError', (error, socket) => {
      this.opts.log.debug('bad http request', { via, error: (error as Error).message });
      rejectRaw(socket, 400, 'Malformed HTTP request.');
    });
    server.on('error', (error) => this.opts.log.error('listener error', { via, error }));
    return server;
  }

  /** Refuses a daemon's own upstream request first (a loop), then applies the access rules. */
  private check(
    via: Listener,
    req: IncomingMessage,
  ): RequestAccess | { ok: false; status: typeof HOP_STATUS; message: string } {
    if (hasHop(req.headers)) return { ok: false, status: HOP_STATUS, message: HOP_REFUSAL };
    const tools = this.opts.toolTokens;
    return checkRequest(
      req.headers,
      req.url,
      via === 'tcp'
        ? { port: this.tcpPort, token: this.opts.token, ...(tools && { toolTokens: (t: string) => tools.check(t) }) }
        : undefined,
    );
  }

  private onUpgrade(via: Listener, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (error) => this.opts.log.debug('handshake socket error', { via, error: error.message }));
    if (this.closing) return rejectRaw(socket, 503, 'The daemon is shutting down; start it again and reconnect.');
    // Access first, so an unauthenticated client learns nothing, not even which paths exist.
    const access = this.check(via, req);
    if (!access.ok) {
      this.opts.log.warn('refused websocket handshake', { via, status: access.status, reason: access.message });
      return rejectRaw(socket, access.status, access.message);
    }
    if (pathOf(req.url) !== RPC_PATH)
      return rejectRaw(socket, 404, `Nothing at ${pathOf(req.url)}: the JSON-RPC WebSocket is at ${RPC_PATH}.`);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(via, ws, access.caller));
  }

  private async onHttp(via: Listener, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const access = this.check(via, req);
    if (!access.ok) {
      this.opts.log.warn('refused http request', { via, status: access.status, reason: access.message });
      return sendJson(res, access.status, access.message, anthropicPath(req.url));
    }
    const handler = via === 'tcp' ? this.opts.httpHandler : undefined;
    try {
      if (handler && (await handler(req, res, access.caller))) return;
      sendJson(
        res,
        404,
        via === 'tcp'
          ? `Nothing at ${pathOf(req.url)}.`
          : `Plain HTTP is served on the TCP port; the JSON-RPC WebSocket is at ${RPC_PATH}.`,
      );
    } catch (error) {
      this.opts.log.error('http handler failed', { path: pathOf(req.url), error });
      if (!res.headersSent)
        sendJson(res, 500, 'Internal error. The daemon log (daemon.log in the Switchboard home) has details.');
      else res.destroy();
    }
  }

  private onConnection(via: Listener, ws: WebSocket, caller: Caller): void {
    const session = new WsSession(ws, via, caller, {
      maxQueuedBytes: this.opts.maxQueuedBytes,
      maxStreams: this.opts.maxStreamsPerClient,
      onOverflow: (s, queued) =>
        this.opts.log.warn('closed a client that does not read its replies', {
          session: s.id,
          via,
          queuedBytes: queued,
        }),
    });
    this.live.add(session);
    const { log } = this.opts;
    log.debug('client connected', { session: session.id, via });
    // Without this listener a protocol error (oversized frame, bad UTF-8) would crash the daemon.
    ws.on('error', (error) => log.warn('client socket error', { session: session.id, error: error.message }));
    ws.on('pong', () => (session.alive = true));
    // Not awaited: a long chat/stream must not hold up the requests behind it on the same socket.
    ws.on('message', (data) => void this.onMessage(session, data));
    ws.once('close', (code) => {
      this.live.delete(session);
      log.debug('client disconnected', { session: session.id, code });
      this.opts.onSessionClose?.(session);
    });
    this.opts.onSessionOpen?.(session);
  }

  private async onMessage(session: WsSession, data: RawData): Promise<void> {
    try {
      // Text and binary frames alike are read as UTF-8 JSON (ws already validated text frames' UTF-8).
      const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      // A token revoked or expired since the handshake ends its sockets at the next message.
      if (session.caller.kind === 'tool') {
        const current = this.opts.toolTokens?.current(session.caller.tokenId);
        if (!current) return session.disconnect(4401, 'tool token revoked or expired');
      }
      const envelope = parseAndValidate(raw);
      const reply = await respond(envelope, (request) => this.opts.router.handle(request, { session }));
      if (reply !== null) session.send(JSON.stringify(reply));
    } catch (error) {
      // Only a bug gets here (the router maps handler errors); log it and keep the socket.
      this.opts.log.error('failed to handle a message', { session: session.id, error });
    }
  }

  private beat(): void {
    for (const session of this.live) {
      if (!session.alive) {
        this.opts.log.info('dropping a client that missed a pong', { session: session.id });
        session.ws.terminate();
        continue;
      }
      session.alive = false;
      session.ws.ping();
    }
  }

  private async doClose(): Promise<void> {
    clearInterval(this.heartbeat);
    const sockets = [...this.live].map((s) => s.ws);
    for (const ws of sockets) ws.close(1001, 'daemon shutting down');
    await waitAllClosed(sockets, CLOSE_GRACE_MS);
    for (const ws of sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await Promise.all([closeServer(this.tcp), closeServer(this.unix)]);
    // libuv unlinks a listening Unix socket's path on close already; this is for runtimes that do not.
    // A socket we never listened on is not ours to remove. (Windows pipes vanish with their last handle.)
    if (this.listenedOnSocket && process.platform !== 'win32' && existsSync(this.opts.socketPath)) {
      try {
        unlinkSync(this.opts.socketPath);
      } catch {
        // Removed meanwhile: nothing to clean.
      }
    }
  }
}

function listenOn(server: Server, target: { host: string; port: number } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(target, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function waitAllClosed(sockets: WebSocket[], timeoutMs: number): Promise<void> {
  const open = sockets.filter((ws) => ws.readyState !== ws.CLOSED);
  if (open.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    let left = open.length;
    for (const ws of open) {
      ws.once('close', () => {
        if (--left === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

/** Error body in OpenAI's shape, so tools that speak only OpenAI show the message; Anthropic's on its paths. */
function errorBody(status: number, message: string, anthropic = false): string {
  if (anthropic) return JSON.stringify(anthropicErrorBody(status, message));
  return JSON.stringify({ error: { message, type: errorType(status), code: status } });
}

/** `/v1/messages…`: the Anthropic SDKs (Claude Code) read errors only in Anthropic's shape. */
function anthropicPath(url: string | undefined): boolean {
  return pathOf(url).startsWith('/v1/messages');
}

function errorType(status: number): string {
  return status === 400
    ? 'invalid_request_error'
    : status === 401
      ? 'unauthorized'
      : status === 403
        ? 'forbidden'
        : status === 404
          ? 'not_found'
          : status === 503
            ? 'unavailable'
            : status === HOP_STATUS
              ? 'loop_detected'
              : 'server_error';
}

function authHeader(status: number): Record<string, string> {
  if (status === 401) return { 'WWW-Authenticate': 'Bearer realm="switchboard"' };
  // A loop refusal must not be retried by the calling daemon's SDK (both obey x-should-retry).
  if (status === HOP_STATUS) return { 'x-should-retry': 'false' };
  return {};
}

function sendJson(res: ServerResponse, status: number, message: string, anthropic = false): void {
  const body = errorBody(status, message, anthropic);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    ...authHeader(status),
  });
  res.end(body);
}

/** Answers a refused handshake with a complete HTTP/1.1 response, then drops the connection. */
function rejectRaw(socket: Duplex, status: number, message: string): void {
  const body = errorBody(status, message);
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...authHeader(status),
  };
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ].join('\r\n');
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end(`${head}\r\n\r\n${body}`);
}
