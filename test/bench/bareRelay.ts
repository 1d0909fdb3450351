/**
 * The bench's floor: the least a Node process can do to relay an LLM request — a bare `node:http`
 * pass-through, no parsing, no SDK. The request goes upstream with its method, path and headers
 * (bar the hop ones), the answer comes back with its status and headers, both bodies piped. What the
 * daemon does on top (routing, credentials, limits, usage) is measured against this, in the same run.
 *
 *   node --import tsx test/bench/bareRelay.ts --upstream http://127.0.0.1:PORT
 *
 * Prints {"port"} once listening; exits when its stdin closes (it dies with the bench) or on SIGTERM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { upstream: { type: 'string' } }, strict: true });
const upstream = new URL(values.upstream!);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
const HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding']);

const server = http.createServer((req, res) => {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP.has(name)) headers[name] = value;
  const up = http.request(
    { agent, host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers },
    (upRes) => {
      const back: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(upRes.headers)) if (!HOP.has(name)) back[name] = value;
      res.writeHead(upRes.statusCode ?? 502, back);
      upRes.pipe(res);
    },
  );
  up.on('socket', (s) => s.setNoDelay(true));
  up.on('error', () => res.destroy());
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 30_000;
server.on('connection', (socket) => socket.setNoDelay(true));
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n'),
);
process.stdin
  .on('end', () => process.exit(0))
  .on('close', () => process.exit(0))
  .resume();
process.on('SIGTERM', () => process.exit(0));
