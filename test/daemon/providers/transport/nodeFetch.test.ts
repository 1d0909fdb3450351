/**
 * The node:http fetch the SDKs are given: a real Response (status, headers, readable body) for
 * every status, the raw Node body alongside it, abort at every stage, compressed bodies, redirects.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeBodyOf, nodeFetch } from '../../../../daemon/providers/transport/nodeFetch';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  closed: Promise<void>;
}

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body,
        closed: new Promise((r) => res.once('close', () => r())),
      });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('nodeFetch', () => {
  it('sends method, headers and body, and returns status, headers and a readable body', async () => {
    const { base, seen } = await serve((_req, res, body) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
      res.end(JSON.stringify({ echo: JSON.parse(body) }));
    });
    const headers = new Headers({ authorization: 'Bearer k', 'content-type': 'application/json' });
    const res = await nodeFetch(`${base}/v1/x?q=1`, { method: 'post', headers, body: JSON.stringify({ a: 'é' }) });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(await res.json()).toEqual({ echo: { a: 'é' } });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/v1/x?q=1',
      headers: { authorization: 'Bearer k', 'content-length': String(Buffer.byteLength('{"a":"é"}')) },
    });
  });

  it('gives an error status its body, so the SDK can read the error JSON', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '10' });
      res.end('{"error":{"message":"slow down","type":"rate_limit"}}');
    });
    const res = await nodeFetch(`${base}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(429);
    expect(res.ok).toBe(false);
    expect(res.headers.get('retry-after-ms')).toBe('10');
    expect(await res.text()).toBe('{"error":{"message":"slow down","type":"rate_limit"}}');
  });

  it('returns a null body for 204', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const res = await nodeFetch(`${base}/x`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('exposes the raw Node body of an event stream, untouched by the web body', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: 1\n\ndata: [DONE]\n\n');
    });
    const res = await nodeFetch(`${base}/s`, { method: 'POST', body: '{}' });
    const raw = nodeBodyOf(res)!;
    expect(raw).toBeDefined();
    let text = '';
    for await (const chunk of raw) text += String(chunk);
    expect(text).toBe('data: 1\n\ndata: [DONE]\n\n');
  });

  it('gives a successful event stream a standard Response whose web body, readers and clone still work', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, 'Fine', [
        ['Content-Type', 'text/event-stream; charset=utf-8'],
        ['X-Request-Id', 'req_9'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ]);
      res.end('data: 1\n\ndata: [DONE]\n\n');
    });
    const res = await nodeFetch(`${base}/s`, { method: 'POST', body: '{}' });
    expect(res).toBeInstanceOf(Response);
    expect(res).toMatchObject({ ok: true, status: 200, statusText: 'Fine', bodyUsed: false });
    expect(res.headers.get('x-request-id')).toBe('req_9');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const copy = res.clone();
    expect(await copy.text()).toBe('data: 1\n\ndata: [DONE]\n\n');
    expect(await res.text()).toBe('data: 1\n\ndata: [DONE]\n\n');
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError); // read once, as any Response
  });

  it('reads a successful event stream through its web body reader, as the SDKs would', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"a":1}\n\n');
    });
    const res = await nodeFetch(`${base}/s`, { method: 'POST', body: '{}' });
    expect(res.body).toBe(res.body); // one body, made once
    const reader = res.body!.getReader();
    let text = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += Buffer.from(r.value).toString();
    expect(text).toBe('data: {"a":1}\n\n');
  });

  it('decodes a gzip body the server sent although we asked for identity', async () => {
    const { base, seen } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync('{"data":[]}'));
    });
    const res = await nodeFetch(`${base}/models`);
    expect(seen[0]!.headers['accept-encoding']).toBe('identity');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.json()).toEqual({ data: [] });
  });

  it('rejects with the socket error code when nothing listens (the SDK maps it to a connection error)', async () => {
    const { base } = await serve(() => undefined);
    server!.close();
    server!.closeAllConnections();
    server = undefined;
    await expect(nodeFetch(`${base}/x`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('aborts before the answer with an AbortError and closes the request', async () => {
    const { base, seen } = await serve(() => undefined); // never answers
    const ac = new AbortController();
    const pending = nodeFetch(`${base}/hang`, { method: 'POST', body: '{}', signal: ac.signal });
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await seen[0]!.closed;
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { base, seen } = await serve(() => undefined);
    await expect(nodeFetch(`${base}/x`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(0);
  });

  it('aborts mid-body: the raw body errors with AbortError and the server sees the connection close', async () => {
    const { base, seen } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    });
    const ac = new AbortController();
    const res = await nodeFetch(`${base}/s`, { method: 'POST', body: '{}', signal: ac.signal });
    const raw = nodeBodyOf(res)!;
    const failed = new Promise<Error>((resolve) => raw.once('error', resolve));
    ac.abort();
    expect((await failed).name).toBe('AbortError');
    await seen[0]!.closed;
  });

  it('aborts mid-body through the web body too', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const ac = new AbortController();
    const res = await nodeFetch(`${base}/j`, { signal: ac.signal });
    const text = res.text();
    setTimeout(() => ac.abort(), 20);
    await expect(text).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('follows a same-origin redirect but never hands the request to another origin', async () => {
    const { base, seen } = await serve((req, res) => {
      if (req.url === '/old') {
        res.writeHead(307, { location: '/new' });
        res.end();
      } else if (req.url === '/away') {
        res.writeHead(302, { location: 'http://example.invalid/steal' });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('here');
      }
    });
    const moved = await nodeFetch(`${base}/old`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: 'x' });
    expect(moved.status).toBe(200);
    expect(await moved.text()).toBe('here');
    expect(seen[1]).toMatchObject({ method: 'POST', url: '/new', body: 'x', headers: { authorization: 'Bearer k' } });

    const away = await nodeFetch(`${base}/away`, { headers: { authorization: 'Bearer k' } });
    expect(away.status).toBe(302);
    expect(seen).toHaveLength(3);
  });

  it('reuses the keep-alive connection between requests', async () => {
    const ports = new Set<number>();
    const { base } = await serve((req, res) => {
      ports.add(req.socket.remotePort!);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: [DONE]\n\n');
    });
    for (let i = 0; i < 3; i++) {
      const res = await nodeFetch(`${base}/s`, { method: 'POST', body: '{}' });
      await res.text();
    }
    expect(ports.size).toBe(1);
  });
});
