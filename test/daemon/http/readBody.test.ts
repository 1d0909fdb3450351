/** readJsonBody on a real node:http server, fed by raw sockets: whole bodies, split ones, and the refusals. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readJsonBody, type BodyResult } from '../../../daemon/http/readBody';

interface Seen {
  result: BodyResult | Error;
  /** Whether node had parsed the whole message when the body was handed over. */
  complete: boolean;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  server = undefined;
});

/** Starts a server that reads one body (limit 64 bytes) and tells what it got. */
async function serveOne(): Promise<{ port: number; seen: Promise<Seen> }> {
  const seen = new Promise<Seen>((resolve) => {
    server = createServer((req: IncomingMessage, res) => {
      readJsonBody(req, 64)
        .then(
          (result) => resolve({ result, complete: req.complete }),
          (error: Error) => resolve({ result: error, complete: req.complete }),
        )
        .finally(() => res.end());
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { port: (server!.address() as AddressInfo).port, seen };
}

/** Sends `head`, then `pieces` a few milliseconds apart, over one socket. */
async function send(head: string, pieces: string[]): Promise<Seen> {
  const { port, seen } = await serveOne();
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(head);
  for (const piece of pieces) {
    await new Promise((r) => setTimeout(r, 5));
    socket.write(piece);
  }
  return seen.finally(() => socket.destroy());
}

const post = (headers: string) => `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n${headers}\r\n`;
const json = 'Content-Type: application/json\r\n';

describe('readJsonBody', () => {
  it('hands over a body as soon as its declared length is in, without waiting for the end of the message', async () => {
    const body = '{"model":"m","stream":true}';
    const seen = await send(post(`${json}Content-Length: ${body.length}\r\n`), [body.slice(0, 10), body.slice(10)]);
    expect(seen.result).toEqual({
      ok: true,
      value: { model: 'm', stream: true },
      text: body,
      bytes: Buffer.from(body),
    });
    expect(seen.complete).toBe(false);
  });

  it('waits for the end of a chunked body', async () => {
    const seen = await send(post(`${json}Transfer-Encoding: chunked\r\n`), [
      '5\r\n{"a":\r\n',
      '2\r\n1}\r\n',
      '0\r\n\r\n',
    ]);
    expect(seen.result).toEqual({ ok: true, value: { a: 1 }, text: '{"a":1}', bytes: Buffer.from('{"a":1}') });
    expect(seen.complete).toBe(true);
  });

  it('refuses a body that is not JSON', async () => {
    expect((await send(post(`${json}Content-Length: 3\r\n`), ['{x}'])).result).toMatchObject({
      ok: false,
      status: 400,
    });
  });

  it('refuses a body larger than its limit, declared or not', async () => {
    expect((await send(post(`${json}Content-Length: 65\r\n`), [])).result).toMatchObject({ ok: false, status: 413 });
  });

  it('refuses a chunked body that grows past its limit', async () => {
    const seen = await send(post(`${json}Transfer-Encoding: chunked\r\n`), [`41\r\n${'x'.repeat(65)}\r\n`]);
    expect(seen.result).toMatchObject({ ok: false, status: 413 });
  });

  it('refuses a body that is not JSON by its type', async () => {
    const seen = await send(post('Content-Type: text/plain\r\nContent-Length: 2\r\n'), ['{}']);
    expect(seen.result).toMatchObject({ ok: false, status: 415 });
  });

  it('rejects a body cut off before its declared length', async () => {
    const { port, seen } = await serveOne();
    const socket = connect(port, '127.0.0.1');
    socket.write(post(`${json}Content-Length: 10\r\n`) + '{"a"');
    await new Promise((r) => setTimeout(r, 5));
    socket.destroy();
    expect((await seen).result).toBeInstanceOf(Error);
  });
});
