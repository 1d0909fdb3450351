/**
 * The load generator: streaming chat requests over raw `node:http` with a keep-alive Agent (no SDK),
 * and over JSON-RPC `chat/stream` through the shared client. Each request is timed from its start
 * to the first SSE chunk carrying non-empty `delta.content` (TTFT) and to `[DONE]` (total), and
 * checked: exactly `expectChunks` content chunks spelling the expected text, then `[DONE]`. Any
 * failure throws.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { SwitchboardClient } from '../../shared/client';

export interface Sample {
  ttftMs: number;
  totalMs: number;
}

export interface RoundResult {
  samples: Sample[];
  /** Wall time of the whole round, first request start to last request end. */
  wallMs: number;
}

/** An OpenAI-compatible streaming endpoint (the mock directly, or the daemon). */
export interface HttpTarget {
  name: string;
  port: number;
  path: string;
  token: string;
  model: string;
  agent: http.Agent;
}

const REQUEST_TIMEOUT_MS = 30_000;

export function makeAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, keepAliveMsecs: 30_000 });
}

export function requestBody(model: string): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Count from 0 to 49, one token at a time.' }],
    stream: true,
    // Sent to both targets: the daemon always asks its upstream for usage, so both streams end alike.
    stream_options: { include_usage: true },
  });
}

/** One streaming request over HTTP; resolves with its timings once the response has ended. */
export function streamHttp(t: HttpTarget, body: string, expectChunks: number, expectText: string): Promise<Sample> {
  return new Promise<Sample>((resolve, reject) => {
    const started = performance.now();
    let ttft = -1;
    let total = -1;
    let chunks = 0;
    let text = '';
    let done = false;
    let buf = '';
    let failed = false;
    const fail = (msg: string) => {
      if (failed) return;
      failed = true;
      req.destroy();
      reject(new Error(`${t.name}: ${msg}`));
    };
    const req = http.request(
      {
        agent: t.agent,
        host: '127.0.0.1',
        port: t.port,
        path: t.path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${t.token}`,
          accept: 'text/event-stream',
        },
      },
      (res) => {
        res.setEncoding('utf8');
        if (res.statusCode !== 200) {
          let text = '';
          res.on('data', (d: string) => (text += d));
          res.on('end', () => fail(`HTTP ${res.statusCode}: ${text.slice(0, 500)}`));
          return;
        }
        res.on('data', (d: string) => {
          buf += d;
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const event = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            for (const line of event.split('\n')) {
              if (!line.startsWith('data:')) continue;
              const data = line.slice(line.charCodeAt(5) === 32 ? 6 : 5);
              if (data === '[DONE]') {
                if (done) return fail('two [DONE] frames');
                done = true;
                total = performance.now() - started;
                continue;
              }
              if (done) return fail('data after [DONE]');
              let parsed: { choices?: Array<{ delta?: { content?: string | null } }>; error?: unknown };
              try {
                parsed = JSON.parse(data);
              } catch {
                return fail(`malformed SSE data: ${data.slice(0, 200)}`);
              }
              if (parsed.error) return fail(`stream error: ${JSON.stringify(parsed.error).slice(0, 300)}`);
              const content = parsed.choices?.[0]?.delta?.content;
              if (content) {
                if (chunks === 0) ttft = performance.now() - started;
                chunks++;
                text += content;
              }
            }
          }
        });
        res.on('end', () => {
          if (!done) return fail(`stream ended without [DONE] after ${chunks} content chunks`);
          if (chunks !== expectChunks) return fail(`got ${chunks} content chunks, expected ${expectChunks}`);
          if (text !== expectText) return fail(`the streamed text differs from the expected answer: ${JSON.stringify(text.slice(0, 80))}…`);
          if (buf.trim() !== '') return fail(`trailing bytes after the last frame: ${buf.slice(0, 100)}`);
          if (!failed) resolve({ ttftMs: ttft, totalMs: total });
        });
        res.on('error', (e) => fail(`response error: ${e.message}`));
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => fail(`no progress for ${REQUEST_TIMEOUT_MS} ms`));
    req.on('socket', (s) => s.setNoDelay(true));
    req.on('error', (e) => fail(`request error: ${e.message}`));
    req.end(body);
  });
}

/** One `chat/stream` over JSON-RPC (unix socket); total = the response to `chat/stream`. */
export async function streamRpc(client: SwitchboardClient, expectChunks: number, expectText: string): Promise<Sample> {
  const started = performance.now();
  let ttft = -1;
  let chunks = 0;
  const stream = client.chat({ messages: [{ role: 'user', content: 'Count from 0 to 49, one token at a time.' }] }, { idleTimeoutMs: REQUEST_TIMEOUT_MS });
  for await (const text of stream) {
    if (!text) continue;
    if (chunks === 0) ttft = performance.now() - started;
    chunks++;
  }
  const result = await stream.result;
  const total = performance.now() - started;
  if (chunks !== expectChunks) throw new Error(`rpc: got ${chunks} deltas, expected ${expectChunks}`);
  if (result.text !== expectText) throw new Error(`rpc: final text differs from the expected ${expectChunks}-chunk answer`);
  if (result.finishReason !== 'stop') throw new Error(`rpc: finishReason ${result.finishReason}`);
  return { ttftMs: ttft, totalMs: total };
}

/**
 * Runs `count` requests with `concurrency` workers, each starting its next request as soon as the
 * previous one ended. `issue(worker)` makes one request. Rejects on the first failure.
 */
export async function runRound(count: number, concurrency: number, issue: (worker: number) => Promise<Sample>): Promise<RoundResult> {
  const samples: Sample[] = new Array(count);
  let next = 0;
  const started = performance.now();
  let failed = false;
  const worker = async (w: number) => {
    try {
      for (let i = next++; i < count && !failed; i = next++) samples[i] = await issue(w);
    } catch (error) {
      failed = true; // the other workers stop after their current request
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, (_, w) => worker(w)));
  return { samples, wallMs: performance.now() - started };
}
