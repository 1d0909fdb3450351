/**
 * A deliberately minimal WebSocket client for protocol-compliance tests: it sends exactly the bytes
 * it is given and hands back exactly what arrives, so tests can speak malformed JSON-RPC on purpose.
 * (Real clients use shared/client.) Also a plain-HTTP helper for the same listeners.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import type { DaemonInfo } from '../../daemon/home/discovery';

export interface ConnectOptions {
  /** Bearer token for TCP; default: the one in `info`. Pass null to send no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
  /** Path and query; default `/rpc`. */
  path?: string;
}

/** Why a handshake was refused: the HTTP status and the JSON body the daemon sent. */
export class HandshakeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`handshake refused with ${status}: ${body}`);
  }
}

export class RawRpc {
  private readonly inbox: unknown[] = [];
  private readonly waiters: Array<(message: unknown) => void> = [];
  private nextId = 1;
  /** Resolves with the close code and reason once the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message: unknown = JSON.parse(data.toString());
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.inbox.push(message);
    });
    ws.on('error', () => undefined); // surfaced through `closed`
    this.closed = new Promise((done) => ws.once('close', (code, reason) => done({ code, reason: reason.toString() })));
  }

  /** Opens a WebSocket; rejects with HandshakeRefused when the daemon answers with an HTTP error. */
  static open(url: string, headers: Record<string, string>): Promise<RawRpc> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, perMessageDeflate: false });
      ws.once('open', () => resolve(new RawRpc(ws)));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => reject(new HandshakeRefused(res.statusCode ?? 0, body)));
        res.on('error', () => reject(new HandshakeRefused(res.statusCode ?? 0, body)));
      });
      ws.once('error', reject);
    });
  }

  /** Sends the next message as is, without waiting for anything. */
  send(text: string | Buffer): void {
    this.ws.send(text);
  }

  /** Sends the text as is and resolves with the next message that arrives (parsed). */
  sendRaw(text: string | Buffer, timeoutMs = 5000): Promise<unknown> {
    const next = this.next(timeoutMs);
    this.send(text);
    return next;
  }

  /** The next message that arrives (parsed), or a rejection after timeoutMs. */
  next(timeoutMs = 5000): Promise<unknown> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (message: unknown) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.waiters.push(waiter);
    });
  }

  /** A well-formed request; resolves with the whole response object (result or error). */
  async call(
    method: string,
    params?: unknown,
  ): Promise<{ jsonrpc: '2.0'; id: number; result?: any; error?: { code: number; message: string; data?: any } }> {
    const id = this.nextId++;
    const response = (await this.sendRaw(
      JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }),
    )) as { id: number };
    if (response.id !== id) throw new Error(`expected the response to ${id}, got ${JSON.stringify(response)}`);
    return response as never;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/** Connects to `ws://127.0.0.1:<port>/rpc` with the bearer token (unless told otherwise). */
export function connectTcp(info: DaemonInfo, options: ConnectOptions = {}): Promise<RawRpc> {
  const token = options.token === undefined ? info.token : options.token;
  const headers = { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...options.headers };
  return RawRpc.open(`ws://127.0.0.1:${info.port}${options.path ?? '/rpc'}`, headers);
}

/** Connects over the Unix socket (no token). */
export function connectUnix(info: DaemonInfo, options: Omit<ConnectOptions, 'token'> = {}): Promise<RawRpc> {
  return RawRpc.open(`ws+unix://${info.socket}:${options.path ?? '/rpc'}`, options.headers ?? {});
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One plain HTTP request to the TCP port (or the socket with `socketPath`). Headers are sent as given. */
export function httpGet(
  target: { port?: number; socketPath?: string },
  path: string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', ...target, path, method: 'GET', headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
