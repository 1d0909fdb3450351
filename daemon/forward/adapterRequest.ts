/**
 * A streamed chat an adapter (providers/openaiAdapter.ts, anthropicAdapter.ts) sends for a neutral
 * request: on node:http as the forwarding path sends (sendWithRetries.ts), to the URL and with the
 * credentials and headers the SDK client would use (upstreamTarget.ts) — the SDKs' request building
 * costs more than relaying a short answer — then read as server-sent events.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimitReport } from '../chat/ports';
import type { ResolvedConnection } from '../providers/adapter';
import { reportRateLimits } from '../providers/clients';
import { SseReader } from '../providers/transport/sseReader';
import { assertApiContentType } from '../providers/transport/upstreamFetch';
import type { UpstreamErrorContext } from '../providers/upstreamErrors';
import { answerRateLimits } from './rateLimitReport';
import { sendWithRetries, type ReplyWire } from './sendWithRetries';
import { callUpstream, webHeaders } from './upstreamCall';
import { upstreamTarget, type ForwardEndpoint } from './upstreamTarget';

export interface OpenedEventStream {
  reader: SseReader;
  /** Stop listening to the signal: until then, aborting it closes the upstream's socket. Call when done. */
  release(): void;
  /** The answer's rate limits, for the adapter's `rateLimits` chunk. */
  rateLimits: RateLimitReport | undefined;
  /** The answer's headers, for mapping an error event. */
  webHeaders(): Headers;
}

export async function openEventStream(
  wire: ReplyWire,
  conn: ResolvedConnection,
  endpoint: ForwardEndpoint,
  model: string,
  /** Headers a client would have sent (Anthropic's `anthropic-version`); none for OpenAI. */
  versionHeaders: IncomingHttpHeaders,
  body: unknown,
  signal: AbortSignal,
  ctx: UpstreamErrorContext,
): Promise<OpenedEventStream> {
  const target = upstreamTarget(conn, endpoint, model, versionHeaders);
  const payload = Buffer.from(JSON.stringify(body));
  const answer = await sendWithRetries(
    wire,
    conn,
    (headMs) => callUpstream(target, payload, headMs, signal),
    ctx,
    signal,
    {
      onRateLimits: (report) => reportRateLimits(conn.id, report),
    },
  );
  try {
    // A web page (a captive portal, a website at the base URL) is not a stream cut short.
    assertApiContentType(answer.status, answer.contentType);
  } catch (error) {
    answer.body.destroy();
    answer.release();
    throw error;
  }
  return {
    reader: new SseReader(answer.body, conn.timeoutMs),
    release: answer.release,
    rateLimits: answerRateLimits(answer),
    webHeaders: () => webHeaders(answer.headers),
  };
}
