/**
 * What the OpenAI-compatible endpoint does with requests it cannot serve: wrong method, wrong content
 * type, oversized bodies (declared or streamed) — each a clear OpenAI-shaped error, and the daemon
 * keeps serving afterwards.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../chat/harness';

let env: Env;

beforeAll(async () => {
  ensureBuilt();
  env = await setup({ defaultReply: { chunks: ['ok'] } });
  await env.create({
    name: 'main',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error?: { message: string; type: string } } & Record<string, unknown>;
}

/** Sends a request with full control over headers and how the body is written. */
function send(
  method: string,
  headers: Record<string, string>,
  write: (req: ReturnType<typeof request>) => void,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: env.daemon.info.port,
        path: '/v1/chat/completions',
        method,
        headers: { authorization: `Bearer ${env.daemon.info.token}`, ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
      },
    );
    // The daemon may answer and close while a large body is still being written.
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
    );
    write(req);
  });
}

const chatBody = JSON.stringify({ model: 'main', messages: [{ role: 'user', content: 'hi' }] });

describe('POST /v1/chat/completions request bodies', () => {
  it('answers 405 with Allow: POST for another method', async () => {
    const reply = await send('GET', {}, (req) => req.end());
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('POST');
    expect(reply.body.error?.message).toMatch(/POST/);
  });

  it('answers 415 naming the content type to use', async () => {
    const reply = await send('POST', { 'content-type': 'text/plain' }, (req) => req.end(chatBody));
    expect(reply.status).toBe(415);
    expect(reply.body.error?.message).toMatch(/application\/json/);
  });

  it('refuses a body declared larger than 8 MiB with 413 and closes the connection', async () => {
    const reply = await send(
      'POST',
      { 'content-type': 'application/json', 'content-length': String(9 * 1024 * 1024) },
      (req) => req.write('{"model":'),
    );
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    expect(reply.body.error?.message).toMatch(/larger than/);
  });

  it('refuses a chunked body that grows past 8 MiB with 413', async () => {
    const reply = await send('POST', { 'content-type': 'application/json' }, (req) => {
      const chunk = 'x'.repeat(1024 * 1024);
      for (let i = 0; i < 9; i++) req.write(chunk);
      req.end();
    });
    expect(reply.status).toBe(413);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const reply = await send('POST', { 'content-type': 'application/json' }, (req) => req.end('{"model": "main", '));
    expect(reply.status).toBe(400);
    expect(reply.body.error?.message).toMatch(/not valid JSON/);
  });

  it('survives a client that hangs up halfway through its body, and calls no upstream for it', async () => {
    const before = env.chats().length;
    const socket = connect(env.daemon.info.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${env.daemon.info.port}\r\nAuthorization: Bearer ${env.daemon.info.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${chatBody.length + 100}\r\n\r\n${chatBody}`,
    );
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(env.chats()).toHaveLength(before);
    const next = await send('POST', { 'content-type': 'application/json' }, (req) => req.end(chatBody));
    expect(next.status).toBe(200);
  });

  it('keeps serving normal requests after refusing bad ones', async () => {
    const reply = await send('POST', { 'content-type': 'application/json' }, (req) => req.end(chatBody));
    expect(reply.status).toBe(200);
    expect((reply.body.choices as Array<{ message: { content: string } }>)[0]!.message.content).toBe('ok');
  });
});
