/**
 * The forwarding attempt: a client's request to a connection of its own wire format, relayed as
 * bytes. The body goes as the client sent it with only `model` replaced (jsonSplice.ts) — plus, on
 * an OpenAI stream whose client did not ask for usage, `stream_options.include_usage`, whose extra
 * chunk the client then never sees, and the connection's generation defaults for the members the
 * client left out (generationDefaults.ts). The answer's status, content type and bytes come back as they
 * are; a stream is watched by a tap (streamTap.ts) for usage, the stop reason, the terminator and
 * error events, never re-encoded.
 *
 * It is an {@link Attempt} of the ChatService: resolution, admission, fallbacks and the ledger are
 * the same as for every chat. An upstream failure before the answer's head is an error the
 * fallback loop can act on (retried first like the SDKs do, up to the connection's `maxRetries`);
 * every answer's rate-limit headers, errors included, go to the connection's discovered capacity;
 * a 4xx the upstream blamed on the request can be relayed to the client as is
 * ({@link relayableReply}), since its SDK understands its own provider's errors.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { Usage } from '../../shared/protocol';
import type { Attempt, AttemptProgress } from '../chat/chatService';
import type { ResolvedConnection } from '../providers/adapter';
import {
  connectionLabel,
  incompleteError,
  scrub,
  toSwitchboardError,
  upstreamReplyError,
  type UpstreamErrorContext,
} from '../providers/upstreamErrors';
import { completeStoppedUsage } from '../chat/tokenEstimate';
import { forwardedDefaults } from '../chat/generationDefaults';
import { setMembers } from './jsonSplice';
import { answerRateLimits } from './rateLimitReport';
import { AnthropicStreamTap, OpenAIStreamTap, type StreamTap } from './streamTap';
import { pump } from './relayPump';
import { openForward, othersOpen } from './openForwards';
import { AnswerTooLarge, callUpstream, readBody, webHeaders, type UpstreamAnswer } from './upstreamCall';
import { upstreamTarget, type ForwardEndpoint } from './upstreamTarget';
import { parseJson } from './parseJson';
import { sendWithRetries, type UpstreamReply } from './sendWithRetries';
import { finishOfAnswer, usageOfAnswer } from './usageOf';

export type { UpstreamReply } from './sendWithRetries';

/**
 * The wire format a connection speaks (Azure and every compatible server speak OpenAI's). Bedrock
 * speaks neither client format: requests to it are always translated, never forwarded.
 */
export type ConnectionWire = Wire | 'bedrock';
/** The formats the forwarder relays as bytes. */
export type Wire = 'openai' | 'anthropic';

export function wireOf(conn: ResolvedConnection): ConnectionWire {
  return conn.provider.adapter === 'anthropic'
    ? 'anthropic'
    : conn.provider.adapter === 'bedrock'
      ? 'bedrock'
      : 'openai';
}

/** The largest whole (non-streamed) answer relayed; it is buffered to read its usage. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export interface ForwardSpec {
  endpoint: ForwardEndpoint;
  /** The client's body as it sent it (the bytes of a JSON object's text). */
  body: Buffer;
  /**
   * Top-level members to set besides `model`, as raw JSON texts: an OpenAI stream's
   * `stream_options` with `include_usage` when the client did not ask for usage.
   */
  extraMembers?: Record<string, string>;
  /** The daemon added `include_usage`: the usage-only chunk is cut out of the relayed stream. */
  hideUsageChunk: boolean;
  clientHeaders: IncomingHttpHeaders;
  res: ServerResponse;
  /** How to read answers that are not chat (the Responses API…); default: the wire's chat answers. */
  reader?: AnswerReader;
}

/** Reads an endpoint's answers: its stream's tap, and a whole answer's usage and stop reason. */
export interface AnswerReader {
  tap(scrub: (text: string) => string): StreamTap;
  usage(answer: unknown): Usage | undefined;
  finish(answer: unknown): string | undefined;
}

export interface Forwarded {
  status: number;
  finishReason?: string;
  /** A whole answer's JSON (undefined for a stream, or a body that is not JSON). */
  answer?: unknown;
}

const relayable = new WeakMap<SwitchboardError, UpstreamReply>();

/**
 * The upstream's own error reply behind `error`, when it may go to the client as is: a 4xx the
 * upstream blamed on the request (bad parameters, unknown model…), JSON, keys scrubbed. Not for
 * 401/403 (about the connection's key, not the client's) nor 429 (the daemon's limits speak there).
 */
export function relayableReply(error: SwitchboardError): UpstreamReply | undefined {
  return relayable.get(error);
}

export function forwardAttempt(spec: ForwardSpec): Attempt<Forwarded> {
  return async (prepared, progress, signal) => {
    const { conn, model } = prepared;
    const connWire = wireOf(conn);
    // Callers forward only to a connection of the client's own format; Bedrock is always translated.
    if (connWire === 'bedrock')
      throw new SwitchboardError(
        ErrorCode.VALIDATION,
        `Connection "${conn.name}" (AWS Bedrock) cannot take this request as it is: only chat requests are translated to Bedrock.`,
        {
          hint: 'Send chat requests (/v1/chat/completions, /v1/messages, chat/stream) to it, or use another connection.',
          connectionId: conn.id,
        },
      );
    const wire: Wire = connWire;
    const ctx: UpstreamErrorContext = {
      conn,
      model,
      phase: 'chat',
      signal,
      started: false,
      startedAt: performance.now(),
    };
    const close = openForward();
    try {
      const target = upstreamTarget(conn, spec.endpoint, model, spec.clientHeaders);
      // This connection's defaults (a fallback's own), only for members the client left out.
      const defaults = forwardedDefaults(
        spec.endpoint,
        conn.provider.id,
        prepared.stored.generationDefaults,
        target.headers['anthropic-version'],
      );
      const payload = setMembers(spec.body, { ...spec.extraMembers, model: JSON.stringify(model) }, defaults);
      const answer = await sendWithRetries(
        wire,
        conn,
        (headMs) => callUpstream(target, payload, headMs, signal),
        ctx,
        signal,
        {
          onRateLimits: (report) => progress.rateLimits(report),
          onReply: (error, reply) => relayable.set(error, reply),
        },
      );
      ctx.started = true;
      try {
        if (isEventStream(answer.contentType)) {
          const clean = (t: string) => scrub(t, conn.apiKey);
          const tap = spec.reader
            ? spec.reader.tap(clean)
            : wire === 'openai'
              ? new OpenAIStreamTap(clean, spec.hideUsageChunk)
              : new AnthropicStreamTap(clean);
          return await relayStream(answer, spec.res, tap, progress, conn.timeoutMs, wire, ctx);
        }
        return await relayWhole(answer, spec.res, progress, conn.timeoutMs, wire, spec.reader);
      } finally {
        // A success's rate limits are read once it is relayed: off the path to the client's first byte.
        recordRateLimits(answer, progress);
        answer.release();
      }
    } catch (error) {
      if (error instanceof AnswerTooLarge) {
        throw new SwitchboardError(
          ErrorCode.UPSTREAM_ERROR,
          `${connectionLabel(conn)} sent an answer larger than ${error.limit / 1024 / 1024} MiB.`,
          { hint: 'Ask for a stream (`stream: true`), or a shorter answer.', connectionId: conn.id },
        );
      }
      throw toSwitchboardError(error, ctx);
    } finally {
      close();
    }
  };
}

/** Relays an event stream, watched by `tap`; throws on an error event, a cut or an unterminated stream. */
async function relayStream(
  answer: UpstreamAnswer,
  res: ServerResponse,
  tap: StreamTap,
  progress: AttemptProgress,
  idleMs: number,
  wire: Wire,
  ctx: UpstreamErrorContext,
): Promise<Forwarded> {
  res.writeHead(answer.status, relayedHeaders(answer.rawHeaders, true));
  progress.output();
  try {
    await pump(answer.body, answer.message, res, tap, idleMs, !othersOpen());
  } finally {
    // A stopped answer (the client left, a cancel, a cut) has no final usage: the ledger estimates
    // its output from the characters relayed (and keeps the input a stream's head reported).
    progress.outputChars = tap.outputChars;
    if (tap.usage) progress.usage = tap.usageFinal ? tap.usage : completeStoppedUsage(tap.usage, tap.outputChars);
  }
  if (tap.error) {
    // The client has its provider's error event already (relayed, scrubbed); the ledger records the failure.
    res.end();
    throw upstreamReplyError(wire, undefined, tap.error, webHeaders(answer.headers), ctx);
  }
  // As the adapters: a body that ends without its terminator is accepted once it carried a stop reason.
  if (!tap.terminated && tap.finishReason === undefined) throw incompleteError(ctx);
  res.end();
  return { status: answer.status, ...(tap.finishReason !== undefined && { finishReason: tap.finishReason }) };
}

/** Relays a whole answer (JSON) once it has all come, reading its usage. */
async function relayWhole(
  answer: UpstreamAnswer,
  res: ServerResponse,
  progress: AttemptProgress,
  idleMs: number,
  wire: Wire,
  reader: AnswerReader | undefined,
): Promise<Forwarded> {
  const bytes = await readBody(answer, idleMs, MAX_ANSWER_BYTES, 'fail');
  const json = parseJson(bytes.toString('utf8'));
  const usage = reader ? reader.usage(json) : usageOfAnswer(wire, json);
  if (usage) progress.usage = usage;
  progress.output();
  res.writeHead(answer.status, [...relayedHeaders(answer.rawHeaders, false), 'content-length', String(bytes.length)]);
  res.end(bytes);
  const finishReason = reader ? reader.finish(json) : finishOfAnswer(wire, json);
  return {
    status: answer.status,
    ...(finishReason !== undefined && { finishReason }),
    ...(json !== undefined && { answer: json }),
  };
}

/** Upstream headers the client gets: what its SDK reads (type, request id, rate limits `x-ratelimit-*` and `anthropic-ratelimit-*`, retry hints), nothing about the connection's account or transport. */
const RELAYED = new Set([
  'content-type',
  'x-request-id',
  'request-id',
  'openai-processing-ms',
  'retry-after',
  'retry-after-ms',
]);

/**
 * As a flat name/value list, which node:http writes as it is: an object would be built with a keyed
 * store per header (each name looked up in V8's string table), only for node to walk it again.
 * A header the upstream repeated is relayed repeated, as a bare relay would.
 */
function relayedHeaders(raw: string[], stream: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (RELAYED.has(name) || name.startsWith('x-ratelimit-') || name.startsWith('anthropic-ratelimit-'))
      out.push(name, raw[i + 1]!);
  }
  if (stream) out.push('cache-control', 'no-cache', 'x-accel-buffering', 'no');
  return out;
}

/** Hands the answer's rate limits, unparsed, to the connection's discovered capacity (rateLimitReport.ts). */
function recordRateLimits(answer: UpstreamAnswer, progress: AttemptProgress): void {
  const report = answerRateLimits(answer);
  if (report) progress.rateLimits(report);
}

function isEventStream(contentType: string | undefined): boolean {
  return contentType?.trimStart().toLowerCase().startsWith('text/event-stream') === true;
}
