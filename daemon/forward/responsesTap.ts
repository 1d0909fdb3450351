/**
 * The tap of a relayed Responses API stream (`POST /v1/responses`, see streamTap.ts for the
 * approach): `event: response.*` frames whose `data:` carries the same `type`. Only the few events
 * that matter are parsed, found by their `event:` line (native `Buffer.indexOf`):
 *
 * - `response.completed` / `response.incomplete`: the terminator; usage (`input_tokens`,
 *   `output_tokens`) and the stop reason are in its `response`;
 * - `response.failed`: the terminator of a failed answer, its `response.error` the error;
 * - `error`: a failure mid-stream, passed on with keys scrubbed.
 *
 * Deltas (`response.output_text.delta`…) go through unread.
 */
import type { Usage } from '../../shared/protocol';
import { applyEdits, eventAround, eventData, StreamTap, type Edit, type Json } from './streamTap';

const TERMINAL = ['completed', 'incomplete', 'failed'].map((kind) => ({
  kind,
  line: Buffer.from(`event: response.${kind}`),
}));
const EVENT_ERROR = Buffer.from('event: error');

export class ResponsesStreamTap extends StreamTap {
  protected inspect(b: Buffer): Buffer {
    let edits: Edit[] | undefined;
    for (const { kind, line } of TERMINAL) {
      for (let at = b.indexOf(line); at !== -1; at = b.indexOf(line, at + line.length)) {
        if (!isWholeLine(b, at, line.length)) continue;
        const [start, end] = eventAround(b, at);
        const response = eventData(b, start, end)?.['response'] as Json | undefined;
        this.terminated = true;
        const usage = responsesUsage(response?.['usage']);
        if (usage) {
          this.usage = usage;
          this.usageFinal = true;
        }
        if (kind === 'failed') {
          this.error = { error: (response?.['error'] as Json | undefined) ?? { message: 'The response failed.' } };
          this.scrubbed(b, start, end, (edits ??= []));
        } else this.finishReason = finishOfResponse(response);
        at = end - line.length;
      }
    }
    for (let at = b.indexOf(EVENT_ERROR); at !== -1; at = b.indexOf(EVENT_ERROR, at + EVENT_ERROR.length)) {
      if (!isWholeLine(b, at, EVENT_ERROR.length)) continue;
      const [start, end] = eventAround(b, at);
      this.error = eventData(b, start, end) ?? { type: 'error', message: 'malformed error event' };
      this.scrubbed(b, start, end, (edits ??= []));
      at = end - EVENT_ERROR.length;
    }
    return edits ? applyEdits(b, edits) : b;
  }
}

/** The `event:` line at `at` (of `length` bytes) starts a line and ends there (not `event: errors`). */
function isWholeLine(b: Buffer, at: number, length: number): boolean {
  const after = b[at + length];
  return (at === 0 || b[at - 1] === 10) && (after === 10 || after === 13);
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A Responses API `usage` (`input_tokens` already counts cached ones). */
export function responsesUsage(usage: unknown): Usage | undefined {
  if (usage === null || typeof usage !== 'object') return undefined;
  const u = usage as Json;
  const input = num(u['input_tokens']);
  const output = num(u['output_tokens']);
  if (input === undefined && output === undefined) return undefined;
  return { inputTokens: input ?? 0, outputTokens: output ?? 0 };
}

/** The stop reason of a finished `response`: `stop`, or `length` when max_output_tokens cut it (as chat completions say). */
export function finishOfResponse(response: unknown): string | undefined {
  if (response === null || typeof response !== 'object') return undefined;
  const r = response as Json;
  if (r['status'] === 'completed') return 'stop';
  const reason = (r['incomplete_details'] as Json | null | undefined)?.['reason'];
  if (r['status'] === 'incomplete')
    return reason === 'max_output_tokens' ? 'length' : typeof reason === 'string' ? reason : 'incomplete';
  return typeof r['status'] === 'string' ? r['status'] : undefined;
}
