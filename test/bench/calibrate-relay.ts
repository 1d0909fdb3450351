/**
 * Reference relays for `calibrate.ts`: the least a Node process can do to relay a streaming chat
 * completion, in several ways, so the daemon's cost can be compared with a floor measured on the
 * same machine. Not product code; never shipped.
 *
 *   node --import tsx test/bench/calibrate-relay.ts --mode <mode> --upstream <openaiBaseUrl> --key <k>
 *
 * Modes: pipe (bytes through untouched), http-passthrough (whole SSE events forwarded verbatim, only
 * the usage frame parsed), http-parse (node:http upstream + hand SSE parser + re-framed
 * chunks, corked per upstream read), fetch-parse (same over global fetch/web streams), sdk (the openai
 * SDK's stream, re-framed, corked per tick), sdk-nocork (the same, one write per chunk — as the
 * daemon does today). Prints {"port"} when listening.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';

const { values } = parseArgs({
  options: { mode: { type: 'string' }, upstream: { type: 'string' }, key: { type: 'string' } },
  strict: true,
});
const mode = values.mode!;
const upstream = new URL(values.upstream!);
const key = values.key!;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
const sdk = new OpenAI({ apiKey: key, baseURL: values.upstream!, maxRetries: 0 });

const HEAD =
  '{"id":"chatcmpl-relay","object":"chat.completion.chunk","created":0,"model":"m","system_fingerprint":null,"choices":[';
const frame = (text: string) =>
  `data: ${HEAD}{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]}\n\n`;
const TAIL = `data: ${HEAD}{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`;
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

async function readBody(req: http.IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of req) s += c;
  return s;
}

/** Feeds SSE text; calls onContent for every non-empty delta.content; returns the unparsed rest. */
function parseSse(buf: string, onContent: (t: string) => void): string {
  let cut: number;
  while ((cut = buf.indexOf('\n\n')) >= 0) {
    const ev = buf.slice(0, cut);
    buf = buf.slice(cut + 2);
    if (!ev.startsWith('data: ') || ev === 'data: [DONE]') continue;
    const t = JSON.parse(ev.slice(6)).choices?.[0]?.delta?.content;
    if (t) onContent(t);
  }
  return buf;
}

function httpParse(body: string, res: http.ServerResponse): void {
  const up = http.request(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      path: `${upstream.pathname}/chat/completions`,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${key}`,
      },
    },
    (upRes) => {
      res.writeHead(200, SSE_HEADERS);
      upRes.setEncoding('utf8');
      let buf = '';
      upRes.on('data', (d: string) => {
        res.cork();
        buf = parseSse(buf + d, (t) => res.write(frame(t)));
        res.uncork();
      });
      upRes.on('end', () => res.end(TAIL));
    },
  );
  up.end(body);
}

/** Upstream frames forwarded verbatim (whole events only); only the usage frame is parsed. */
function httpPassthrough(body: string, res: http.ServerResponse): void {
  const up = http.request(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      path: `${upstream.pathname}/chat/completions`,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${key}`,
      },
    },
    (upRes) => {
      res.writeHead(200, SSE_HEADERS);
      upRes.setEncoding('utf8');
      let buf = '';
      let usage: unknown; // what the daemon's ledger would record
      upRes.on('data', (d: string) => {
        buf += d;
        const end = buf.lastIndexOf('\n\n');
        if (end < 0) return;
        const whole = buf.slice(0, end + 2);
        buf = buf.slice(end + 2);
        const u = whole.lastIndexOf('"usage":{');
        if (u >= 0) {
          const start = whole.lastIndexOf('data: ', u);
          usage = JSON.parse(whole.slice(start + 6, whole.indexOf('\n\n', u))).usage;
        }
        res.write(whole);
      });
      upRes.on('end', () => res.end(buf));
    },
  );
  up.end(body);
}

async function fetchParse(body: string, res: http.ServerResponse): Promise<void> {
  const r = await fetch(`${values.upstream}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  res.writeHead(200, SSE_HEADERS);
  const dec = new TextDecoder();
  let buf = '';
  for await (const chunk of r.body! as unknown as AsyncIterable<Uint8Array>) {
    res.cork();
    buf = parseSse(buf + dec.decode(chunk, { stream: true }), (t) => res.write(frame(t)));
    res.uncork();
  }
  res.end(TAIL);
}

async function viaSdk(body: string, res: http.ServerResponse, cork: boolean): Promise<void> {
  const params = JSON.parse(body) as ChatCompletionCreateParamsStreaming;
  const stream = await sdk.chat.completions.create({ ...params, stream: true });
  res.writeHead(200, SSE_HEADERS);
  let corked = false;
  for await (const chunk of stream) {
    const t = chunk.choices[0]?.delta?.content;
    if (!t) continue;
    if (cork && !corked) {
      corked = true;
      res.cork();
      process.nextTick(() => {
        corked = false;
        res.uncork();
      });
    }
    res.write(frame(t));
  }
  res.end(TAIL);
}

const server = http.createServer((req, res) => {
  void (async () => {
    const body = await readBody(req);
    if (mode === 'pipe') {
      const up = http.request(
        {
          agent,
          host: upstream.hostname,
          port: upstream.port,
          path: `${upstream.pathname}/chat/completions`,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${key}`,
          },
        },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, SSE_HEADERS);
          upRes.pipe(res);
        },
      );
      up.end(body);
    } else if (mode === 'http-parse') httpParse(body, res);
    else if (mode === 'http-passthrough') httpPassthrough(body, res);
    else if (mode === 'fetch-parse') await fetchParse(body, res);
    else if (mode === 'sdk') await viaSdk(body, res, true);
    else if (mode === 'sdk-nocork') await viaSdk(body, res, false);
    else throw new Error(`unknown mode ${mode}`);
  })().catch((e: unknown) => {
    console.error(e);
    res.destroy();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n'),
);
process.stdin
  .on('end', () => process.exit(0))
  .on('close', () => process.exit(0))
  .resume();
process.on('SIGTERM', () => process.exit(0));
