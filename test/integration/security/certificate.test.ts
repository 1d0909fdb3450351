/**
 * A TLS certificate that fails verification is never retried (the same server presents the same
 * certificate), and the error says what is wrong with it. On both paths: JSON-RPC chat/stream
 * through the SDK (which retries every failed fetch unless told not to) and the forwarded
 * /v1/chat/completions. The upstream is a real HTTPS server with a self-signed certificate, made
 * with openssl for the run; it counts the TCP connections made to it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import type { Connection } from '../../../shared/protocol';
import { cleanupDaemons, ensureBuilt, KEYS, rejectionOf, setup, user, type Env } from '../chat/harness';

let env: Env;
let server: Server;
let conn: Connection;
let connects = 0;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sb-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  server = createServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (_req, res) => res.end('{}'),
  );
  server.on('connection', () => connects++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  env = await setup();
  // Two retries allowed: a retried certificate failure would show as three connections.
  conn = await env.create({
    name: 'selfsigned',
    provider: 'openai',
    baseUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    apiKey: KEYS.a,
    defaultModel: 'gpt-5.4',
    maxRetries: 2,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a certificate that fails verification', () => {
  it('fails a JSON-RPC chat at once, without a retry, saying the certificate is not trusted', async () => {
    connects = 0;
    const error = await rejectionOf(env.client.chat({ connectionId: conn.id, messages: user('hi') }).result);
    expect(error.code).toBe(ErrorCode.UNREACHABLE);
    expect(error.message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(error.data.hint).toMatch(/did not retry/);
    expect(connects).toBe(1);
  });

  it('fails a forwarded /v1/chat/completions at once, without a retry, saying the certificate is not trusted', async () => {
    connects = 0;
    const res = await fetch(`http://127.0.0.1:${env.daemon.info.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.daemon.info.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'selfsigned', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    const body = (await res.json()) as { error: { message: string } };
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(body.error.message).toMatch(/not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(connects).toBe(1);
  });
});
