/**
 * Small helpers for integration suites that drive the real daemon (see daemonProcess.ts) with the
 * real client library: build once, connect named clients (closed by `closeClients()`), catch the
 * typed error a call rejects with, record every raw frame a client receives, and call the daemon's
 * OpenAI-compatible HTTP endpoint.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import type WebSocket from 'ws';
import { RpcError, SwitchboardClient } from '../../shared/client';
import { SwitchboardError } from '../../shared/errors';
import { DAEMON_JS, type DaemonProcess } from './daemonProcess';

/** Builds `dist/daemon.js` when it is missing (call in beforeAll). */
export function ensureDaemonBuilt(): void {
  if (!existsSync(DAEMON_JS))
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: resolve(__dirname, '../..'), stdio: 'ignore' });
}

const clients = new Set<SwitchboardClient>();

export interface ClientOptions {
  transport?: 'unix' | 'tcp';
  /** Every raw frame the client receives after `daemon/hello` is pushed here as text. */
  frames?: string[];
}

/** Connects a client named `clientName` to the daemon; `closeClients()` closes it. */
export async function connectClient(
  daemon: DaemonProcess,
  clientName: string,
  options: ClientOptions = {},
): Promise<SwitchboardClient> {
  const client = await SwitchboardClient.connect({
    home: daemon.home,
    info: daemon.info,
    clientName,
    transport: options.transport ?? 'unix',
  });
  clients.add(client);
  if (options.frames) tapFrames(client, options.frames);
  return client;
}

/** Closes every client `connectClient` opened. */
export async function closeClients(): Promise<void> {
  await Promise.all([...clients].map((c) => c.close().catch(() => undefined)));
  clients.clear();
}

/**
 * Records every frame the client's WebSocket receives. Reaches into the client's private socket on
 * purpose: a test of what reaches clients must see the bytes, not what the client made of them.
 */
export function tapFrames(client: SwitchboardClient, sink: string[]): void {
  const socket = (client as unknown as { conn?: { socket?: WebSocket } }).conn?.socket;
  if (!socket || typeof socket.on !== 'function')
    throw new Error('SwitchboardClient internals changed: cannot find its WebSocket to record frames');
  socket.on('message', (data) => sink.push(data.toString()));
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<SwitchboardError | RpcError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SwitchboardError || error instanceof RpcError) return error;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The field an error names: `data.field` of a -32602 or of a VALIDATION error. */
export function fieldOf(error: SwitchboardError | RpcError): string | undefined {
  const data = error.data as { field?: unknown } | undefined;
  return typeof data?.field === 'string' ? data.field : undefined;
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends one HTTP request to the daemon's TCP port with its bearer token (unless `token` is null). */
export function daemonHttp(
  daemon: DaemonProcess,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token: string | null = daemon.info.token,
): Promise<HttpReply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((done, fail) => {
    const headers: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }) };
    if (payload !== undefined)
      Object.assign(headers, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(payload)),
      });
    const req = httpRequest(
      { host: '127.0.0.1', port: daemon.info.port, path, method, headers, agent: false },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}
