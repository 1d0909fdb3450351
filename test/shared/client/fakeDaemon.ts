/**
 * FAKE daemon for unit tests of the client library only — not the real daemon (integration tests
 * drive that). It serves WebSocket JSON-RPC at /rpc on a Unix socket (no token) and on
 * 127.0.0.1:0 (bearer token), refuses any Origin header, writes daemon.json into a temp home, and
 * answers with json-rpc-2.0's server exactly as the daemon puts things on the wire. Tests script
 * each method's behaviour (answer, fail, never answer, drop the socket, send deltas out of order).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import { JSONRPCErrorException, JSONRPCServer } from 'json-rpc-2.0';
import { WebSocketServer, type WebSocket } from 'ws';
import { APPLICATION_ERROR, type ErrorCode } from '../../../shared/errors';
import type { DaemonInfo } from '../../../shared/client';

/** One connected client, as a scripted handler sees it. */
export interface FakePeer {
  readonly via: 'unix' | 'tcp';
  notify(method: string, params: unknown): void;
  /** Drops the connection without a close handshake (a crash). */
  terminate(): void;
}

export type FakeHandler = (params: any, peer: FakePeer) => unknown;

/** An application error as the daemon sends it: -32000 with data.code and a hint. */
export function appError(code: ErrorCode, message: string, data: Record<string, unknown> = {}): JSONRPCErrorException {
  return new JSONRPCErrorException(message, APPLICATION_ERROR, { code, hint: `hint for ${code}`, ...data });
}

export interface FakeDaemonOptions {
  /** Listen on a Unix socket (default true). */
  unix?: boolean;
  /** A directory name for the home, e.g. one with a space in it. */
  homeName?: string;
}

export class FakeDaemon {
  /** Every message the daemon received, in order (requests and notifications). */
  readonly received: Array<{ method: string; params: unknown; via: 'unix' | 'tcp' }> = [];
  /** Headers of every accepted or refused upgrade. */
  readonly upgrades: Array<{ via: 'unix' | 'tcp'; headers: IncomingHttpHeaders; status: number }> = [];
  readonly peers: FakePeer[] = [];
  readonly token = 'test-token-0123456789';
  info!: DaemonInfo;
  private readonly rpc = new JSONRPCServer<FakePeer>({ errorListener: () => undefined });
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly servers: http.Server[] = [];

  private constructor(
    readonly home: string,
    private readonly root: string,
  ) {
    this.handle('daemon/hello', () => ({
      name: 'switchboard',
      version: '0.0.0-fake',
      protocolVersion: '1.0.0',
      pid: process.pid,
      compatible: true,
    }));
  }

  static async start(opts: FakeDaemonOptions = {}): Promise<FakeDaemon> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sb-client-'));
    const home = path.join(root, opts.homeName ?? 'home');
    await mkdir(home);
    const daemon = new FakeDaemon(home, root);
    const socket = path.join(home, 'daemon.sock');
    if (opts.unix !== false) await daemon.listen('unix', socket);
    const port = await daemon.listen('tcp', 0);
    daemon.info = {
      pid: process.pid,
      version: '0.0.0-fake',
      protocolVersion: '1.0.0',
      socket,
      port,
      token: daemon.token,
      startedAt: new Date().toISOString(),
    };
    await writeFile(path.join(home, 'daemon.json'), JSON.stringify(daemon.info), { mode: 0o600 });
    return daemon;
  }

  /** Scripts a method. Throw `appError(...)` or a JSONRPCErrorException to fail it. */
  handle(method: string, handler: FakeHandler): void {
    if (this.rpc.hasMethod(method)) this.rpc.removeMethod(method);
    this.rpc.addMethod(method, (params, peer) => handler(params, peer));
  }

  /** Calls of a method received so far. */
  calls(method: string): unknown[] {
    return this.received.filter((m) => m.method === method).map((m) => m.params);
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    await Promise.all(this.servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await rm(this.root, { recursive: true, force: true });
  }

  private listen(via: 'unix' | 'tcp', where: string | number): Promise<number> {
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => this.upgrade(via, req, socket, head));
    this.servers.push(server);
    return new Promise((resolve) => {
      const done = (): void => resolve(via === 'tcp' ? (server.address() as AddressInfo).port : 0);
      if (typeof where === 'string') server.listen(where, done);
      else server.listen(where, '127.0.0.1', done);
    });
  }

  private upgrade(via: 'unix' | 'tcp', req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    // The real daemon's rules: /rpc only, no Origin ever, and a bearer token on TCP.
    let status = 101;
    if (req.url !== '/rpc') status = 404;
    else if (req.headers.origin !== undefined) status = 403;
    else if (via === 'tcp' && req.headers.authorization !== `Bearer ${this.token}`) status = 401;
    this.upgrades.push({ via, headers: req.headers, status });
    if (status !== 101) {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(via, ws));
  }

  private accept(via: 'unix' | 'tcp', ws: WebSocket): void {
    const peer: FakePeer = {
      via,
      notify: (method, params) => ws.send(JSON.stringify({ jsonrpc: '2.0', method, params })),
      terminate: () => ws.terminate(),
    };
    this.peers.push(peer);
    ws.on('message', async (data) => {
      const message = JSON.parse(String(data));
      this.received.push({ method: message.method, params: message.params, via });
      const response = await this.rpc.receive(message, peer);
      if (response && ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
    });
  }
}
