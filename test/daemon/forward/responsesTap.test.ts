import { describe, expect, it } from 'vitest';
import { ResponsesStreamTap } from '../../../daemon/forward/responsesTap';
import type { ReplyPlan } from '../../mocks/types';
import { responsesStream, responsesStreamError } from '../../mocks/responsesWire';

const plan = (chunks: string[], finishReason: 'stop' | 'length' = 'stop'): ReplyPlan => ({
  id: 'resp_1',
  model: 'gpt-5',
  created: 1,
  chunks,
  finishReason,
  usage: { input: 9, output: chunks.length },
  includeUsage: true,
  toolCalls: [],
  argumentPieceSize: 0,
  thinking: [],
  signature: undefined,
  usageDetails: { cachedInput: 0, cacheCreation: 0, reasoning: 0 },
});

/** Feeds `text` in pieces of `size` bytes; returns what the client would receive. */
function feed(tap: ResponsesStreamTap, text: string, size: number): string {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    const got = tap.push(bytes.subarray(i, i + size));
    if (got) out.push(got);
  }
  const rest = tap.rest();
  if (rest) out.push(rest);
  return Buffer.concat(out).toString();
}

const whole = (f: ReturnType<typeof responsesStream>) => [...f.head, ...f.content, ...f.tail, f.terminator].join('');

describe('ResponsesStreamTap', () => {
  // Text that looks like the events it watches for must not be mistaken for them.
  const frames = responsesStream(
    plan(['event: response.completed', ' "usage": {"input_tokens": 99}', '\nevent: error\n']),
    {},
  );

  it.each([1, 7, 64, 1 << 20])(
    'reads usage, stop reason and terminator whatever the read size (%i), relaying the bytes as they are',
    (size) => {
      const tap = new ResponsesStreamTap((t) => t);
      const text = whole(frames);
      expect(feed(tap, text, size)).toBe(text);
      expect(tap.usage).toEqual({ inputTokens: 9, outputTokens: 3 });
      expect(tap.finishReason).toBe('stop');
      expect(tap.terminated).toBe(true);
      expect(tap.error).toBeUndefined();
    },
  );

  it('says length for an answer cut by max_output_tokens (response.incomplete)', () => {
    const tap = new ResponsesStreamTap((t) => t);
    feed(tap, whole(responsesStream(plan(['a'], 'length'), {})), 5);
    expect(tap).toMatchObject({ finishReason: 'length', terminated: true, usage: { inputTokens: 9, outputTokens: 1 } });
  });

  it('is not terminated when response.completed never comes', () => {
    const tap = new ResponsesStreamTap((t) => t);
    const f = responsesStream(plan(['a', 'b']), {});
    feed(tap, [...f.head, ...f.content, ...f.tail].join(''), 3);
    expect(tap.terminated).toBe(false);
    expect(tap.finishReason).toBeUndefined();
  });

  it('catches an error event and scrubs it', () => {
    const tap = new ResponsesStreamTap((t) => t.replace('Sorry', '[scrubbed]'));
    const f = responsesStream(plan(['a']), {});
    const out = feed(tap, [...f.head, f.content[0], responsesStreamError(500)].join(''), 11);
    expect(tap.error).toMatchObject({ type: 'error', code: 'server_error' });
    expect(out).toContain('[scrubbed]');
    expect(out).not.toContain('Sorry');
  });

  it("takes response.failed as the end, its error as the stream's", () => {
    const tap = new ResponsesStreamTap((t) => t);
    feed(
      tap,
      `event: response.failed\ndata: ${JSON.stringify({ type: 'response.failed', sequence_number: 3, response: { status: 'failed', error: { code: 'server_error', message: 'boom' }, usage: null } })}\n\n`,
      4,
    );
    expect(tap.terminated).toBe(true);
    expect(tap.error).toEqual({ error: { code: 'server_error', message: 'boom' } });
  });
});
