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

/** Which wire format a target streams: OpenAI chat completion chunks, or Anthropic Messages events. */
export type StreamFormat = 'openai' | 'anthropic';

/** A streaming endpoint (the mock directly, the bare relay, or the daemon). */
export interface HttpTarget {
  name: string;
  port: number;
  path: string;
  token: string;
  model: string;
  agent: http.Agent;
  /** Default `openai`. */
  format?: StreamFormat;
  /** Anthropic targets: send the token as `x-api-key` (the API's own header) rather than a bearer. */
  apiKeyHeader?: boolean;
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

/** The streaming request body of an Anthropic Messages call. */
export function anthropicRequestBody(model: string): string {
  return JSON.stringify({
    model,
    max_tokens: 1024,
    messages: [{ role: 'user', content: 'Count from 0 to 49, one token at a time.' }],
    stream: true,
  });
}

/** The text piece an SSE `data:` payload carries, `null` for none, or a string starting `!` for an error. */
type Extract = (data: string) => string | null;

const openaiContent: Extract = (data) => {
  const parsed = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string | null } }>; error?: unknown };
  if (parsed.error) return `!stream error: ${JSON.stringify(parsed.error).slice(0, 300)}`;
  return parsed.choices?.[0]?.delta?.content || null;
};

const anthropicContent: Extract = (data) => {
  const parsed = JSON.parse(data) as { type?: string; delta?: { type?: string; text?: string }; error?: unknown };
  if (parsed.type === 'error') return `!stream error: ${JSON.stringify(parsed.error).slice(0, 300)}`;
  return parsed.type === 'content_block_delta' && parsed.delta?.type === 'text_delta'
    ? parsed.delta.text || null
    : null;
};

/**
 * One streaming request over HTTP; resolves with its timings once the response has ended. Every
 * content chunk is checked as it arrives: the text so far must be a prefix of `expectText` (so a
 * lost, repeated or reordered chunk fails at once), and the stream must end with its terminator
 * (`[DONE]`, or Anthropic's `message_stop`) after exactly `expectChunks` chunks.
 */
export function streamHttp(t: HttpTarget, body: string, expectChunks: number, expectText: string): Promise<Sample> {
  const anthropic = t.format === 'anthropic';
  const extract = anthropic ? anthropicContent : openaiContent;
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
          ...(t.apiKeyHeader ? { 'x-api-key': t.token } : { authorization: `Bearer ${t.token}` }),
          ...(anthropic && { 'anthropic-version': '2023-06-01' }),
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
              if (anthropic ? data.startsWith('{"type":"message_stop"') : data === '[DONE]') {
                if (done) return fail('two terminators');
                done = true;
                total = performance.now() - started;
                continue;
              }
              if (done) return fail('data after the terminator');
              let content: string | null;
              try {
                content = extract(data);
              } catch {
                return fail(`malformed SSE data: ${data.slice(0, 200)}`);
              }
              if (content?.startsWith('!')) return fail(content.slice(1));
              if (content) {
                if (chunks === 0) ttft = performance.now() - started;
                chunks++;
                text += content;
                if (!expectText.startsWith(text))
                  return fail(
                    `chunk ${chunks} lost or out of order: ${JSON.stringify(content)} after ${JSON.stringify(text.slice(-40, -content.length))}`,
                  );
              }
            }
          }
        });
        res.on('end', () => {
          if (!done) return fail(`stream ended without its terminator after ${chunks} content chunks`);
          if (chunks !== expectChunks) return fail(`got ${chunks} content chunks, expected ${expectChunks}`);
          if (text !== expectText)
            return fail(`the streamed text differs from the expected answer: ${JSON.stringify(text.slice(0, 80))}…`);
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
  const stream = client.chat(
    { messages: [{ role: 'user', content: 'Count from 0 to 49, one token at a time.' }] },
    { idleTimeoutMs: REQUEST_TIMEOUT_MS },
  );
  let sofar = '';
  for await (const text of stream) {
    if (!text) continue;
    if (chunks === 0) ttft = performance.now() - started;
    chunks++;
    sofar += text;
    if (!expectText.startsWith(sofar))
      throw new Error(`rpc: delta ${chunks} lost or out of order: ${JSON.stringify(text)}`);
  }
  const result = await stream.result;
  const total = performance.now() - started;
  if (chunks !== expectChunks) throw new Error(`rpc: got ${chunks} deltas, expected ${expectChunks}`);
  if (result.text !== expectText)
    throw new Error(`rpc: final text differs from the expected ${expectChunks}-chunk answer`);
  if (result.finishReason !== 'stop') throw new Error(`rpc: finishReason ${result.finishReason}`);
  return { ttftMs: ttft, totalMs: total };
}

/**
 * Runs `count` requests with `concurrency` workers, each starting its next request as soon as the
 * previous one ended. `issue(worker)` makes one request. Rejects on the first failure.
 */
export async function runRound(
  count: number,
  concurrency: number,
  issue: (worker: number) => Promise<Sample>,
): Promise<RoundResult> {
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
