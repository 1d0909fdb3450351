/**
 * The openai adapter's fast chunk reader must give exactly what JSON.parse gives, or decline (and
 * the adapter then uses JSON.parse): checked on real-world shapes, tricky inputs, and every
 * truncation and one-character corruption of them.
 */
import { describe, expect, it } from 'vitest';
import { scanChunk, type ChunkFacts } from '../../../daemon/providers/openaiChunk';

/** What the adapter reads from a parsed chunk (its JSON.parse path). */
function reference(data: string): { content: unknown; finishReason: unknown; usage: unknown; error: unknown } {
  const chunk = JSON.parse(data) as {
    choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }>;
    usage?: unknown;
    error?: unknown;
  };
  const choice = chunk.choices?.[0];
  return {
    content: choice?.delta?.content,
    finishReason: choice?.finish_reason,
    usage: chunk.usage,
    error: chunk.error,
  };
}

/** Scans `data`; when the fast path accepts it, its facts must equal JSON.parse's. Returns whether it accepted. */
function agrees(data: string): boolean {
  const out: ChunkFacts = { content: 'stale', finishReason: 'stale' };
  const fast = scanChunk(data, out);
  if (!fast) return false;
  let ref: ReturnType<typeof reference>;
  try {
    ref = reference(data);
  } catch {
    throw new Error(`the fast path accepted text JSON.parse rejects: ${JSON.stringify(data)}`);
  }
  expect(ref.error, data).toBeFalsy();
  expect(ref.usage, data).toBeFalsy();
  expect(out.content, data).toBe(ref.content ?? undefined);
  expect(out.finishReason, data).toBe(ref.finishReason ?? undefined);
  return true;
}

const openai = (choice: string, extra = ',"usage":null,"obfuscation":"k2Xq9"') =>
  `{"id":"chatcmpl-Bq1","object":"chat.completion.chunk","created":1763700000,"model":"gpt-5.4","service_tier":"default","system_fingerprint":"fp_0a1b2c","choices":[${choice}]${extra}}`;
const CONTENT = openai('{"index":0,"delta":{"content":" tok1"},"logprobs":null,"finish_reason":null}');
const ROLE = openai(
  '{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}',
);
const FINISH = openai('{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}');
const USAGE = openai('', ',"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11},"obfuscation":"x"');
const FILTER =
  '{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"protected_material_code":{"filtered":false,"detected":false}}';
const AZURE_CONTENT = `{"choices":[{"content_filter_results":${FILTER},"delta":{"content":"Hi"},"finish_reason":null,"index":0,"logprobs":null}],"created":1763700000,"id":"chatcmpl-A","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_x"}`;
const AZURE_EMPTY =
  '{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]}';
const PYTHON =
  '{"id": "cmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "llama", "choices": [{"index": 0, "delta": {"content": "a b"}, "logprobs": null, "finish_reason": null}]}\n';
const ERROR =
  '{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}';

const SAMPLES = [CONTENT, ROLE, FINISH, USAGE, AZURE_CONTENT, AZURE_EMPTY, PYTHON, ERROR];

describe('scanChunk (the openai adapter fast path)', () => {
  it('reads the common chunks without JSON.parse: content, the role chunk, the finish chunk', () => {
    const out: ChunkFacts = { content: undefined, finishReason: undefined };
    expect(scanChunk(CONTENT, out)).toBe(true);
    expect(out).toEqual({ content: ' tok1', finishReason: undefined });
    expect(scanChunk(ROLE, out)).toBe(true);
    expect(out).toEqual({ content: '', finishReason: undefined });
    expect(scanChunk(FINISH, out)).toBe(true);
    expect(out).toEqual({ content: undefined, finishReason: 'stop' });
  });

  it("reads Azure's content chunks (with content filter results) and whitespace-formatted JSON; leaves Azure's first chunk to JSON.parse", () => {
    const out: ChunkFacts = { content: undefined, finishReason: undefined };
    expect(scanChunk(AZURE_CONTENT, out)).toBe(true);
    expect(out.content).toBe('Hi');
    expect(agrees(AZURE_EMPTY)).toBe(false); // prompt_filter_results: an array of objects, once per stream
    expect(scanChunk(PYTHON, out)).toBe(true);
    expect(out.content).toBe('a b');
  });

  it('decodes escaped content exactly as JSON.parse does: quotes, backslashes, newlines, unicode escapes, surrogate pairs', () => {
    for (const text of [
      'say "hi"',
      'C:\\path\\',
      'line\nnext\ttab',
      'caf\u00e9 \u2603',
      '😀 emoji',
      '\u0000nul',
      '</script>',
      '\\"',
      '"finish_reason":"stop"',
    ]) {
      const data = openai(
        `{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}`,
      );
      const out: ChunkFacts = { content: undefined, finishReason: undefined };
      expect(scanChunk(data, out)).toBe(true);
      expect(out.content).toBe(text);
      expect(out.finishReason).toBeUndefined();
      // \u-escaped form of the same text (some servers escape all non-ASCII)
      const escaped = JSON.stringify(text).replace(
        /[\u007f-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
      expect(scanChunk(openai(`{"index":0,"delta":{"content":${escaped}},"finish_reason":null}`), out)).toBe(true);
      expect(out.content).toBe(text);
    }
  });

  it('treats content null, a role-only delta, a null delta, a missing delta and an empty choice as no text', () => {
    for (const choice of [
      '{"index":0,"delta":{"content":null},"finish_reason":null}',
      '{"index":0,"delta":{"role":"assistant"},"finish_reason":null}',
      '{"index":0,"delta":null,"finish_reason":null}',
      '{"index":0,"finish_reason":null}',
      '{}',
    ]) {
      const out: ChunkFacts = { content: 'stale', finishReason: 'stale' };
      expect(scanChunk(openai(choice), out), choice).toBe(true);
      expect(out).toEqual({ content: undefined, finishReason: undefined });
    }
  });

  it('finds finish_reason before or after delta', () => {
    const out: ChunkFacts = { content: undefined, finishReason: undefined };
    expect(scanChunk(openai('{"finish_reason":"length","index":0,"delta":{"content":"x"}}'), out)).toBe(true);
    expect(out).toEqual({ content: 'x', finishReason: 'length' });
    expect(scanChunk(openai('{"delta":{"content":"y"},"finish_reason":"stop"}'), out)).toBe(true);
    expect(out).toEqual({ content: 'y', finishReason: 'stop' });
  });

  it('leaves to JSON.parse: usage, error events, several choices, duplicate keys, escaped keys, non-string content, deep values', () => {
    const declined = [
      USAGE,
      ERROR,
      openai('{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}'),
      openai('{"index":0,"delta":{"content":"a","content":"b"}}'),
      openai('{"index":0,"delta":{"content":"a"},"delta":{"content":"b"}}'),
      openai('{"index":0,"finish_reason":null,"finish_reason":"stop"}'),
      `${CONTENT.slice(0, -1)},"choices":[]}`,
      openai('{"index":0,"delta":{"\\u0063ontent":"a"}}'),
      `{"\\u0063hoices":[{"delta":{"content":"a"}}]}`,
      openai('{"index":0,"delta":{"content":5}}'),
      openai('{"index":0,"delta":{"content":["a"]}}'),
      openai('{"index":0,"delta":"text"}'),
      openai('{"index":0,"finish_reason":1}'),
      openai('null'),
      '{"choices":{"0":{"delta":{"content":"a"}}}}',
      openai(
        '{"index":0,"delta":{"content":"a"},"logprobs":{"content":[{"token":"a","logprob":-0.1,"bytes":[97],"top_logprobs":[]}],"refusal":null}}',
      ),
      openai(
        '{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}',
      ),
      '{"error":null,"choices":[{"delta":{"content":"a"}}]}',
      '[1,2]',
      '"text"',
    ];
    for (const data of declined) {
      expect(agrees(data), data).toBe(false);
      expect(() => reference(data)).not.toThrow(); // valid JSON: JSON.parse takes it from here
    }
  });

  it('never accepts malformed JSON: any truncation or one-character corruption of real chunks is declined or read as JSON.parse reads it', () => {
    let accepted = 0;
    let checked = 0;
    for (const sample of SAMPLES) {
      for (let cut = 0; cut < sample.length; cut++) {
        checked++;
        if (agrees(sample.slice(0, cut))) accepted++;
      }
      for (let at = 0; at < sample.length; at++) {
        for (const c of ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'x', '0', '\n', '\u0001', 'n']) {
          checked++;
          if (agrees(sample.slice(0, at) + c + sample.slice(at + 1))) accepted++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    expect(accepted).toBeGreaterThan(0); // e.g. a letter changed inside a string value
  });

  it('declines text with a byte-order mark, trailing garbage, or two values', () => {
    for (const data of [`\ufeff${CONTENT}`, `${CONTENT}x`, `${CONTENT}${CONTENT}`, `${CONTENT},`, ''])
      expect(agrees(data), data).toBe(false);
  });

  it('declines a pathological long input promptly', () => {
    const deep = `{"choices":[{"delta":{"content":"${'\\"'.repeat(50_000)}`;
    expect(agrees(deep)).toBe(false);
    const wide = `{"choices":[{${'"a":1,'.repeat(20_000)}"delta":{"content":"a"}`;
    expect(agrees(wide)).toBe(false);
  });
});
