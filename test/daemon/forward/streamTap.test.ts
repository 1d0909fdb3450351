import { describe, expect, it } from 'vitest';
import { AnthropicStreamTap, OpenAIStreamTap, type StreamTap } from '../../../daemon/forward/streamTap';

const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], usage: null })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })}\n\n`;

/** Feeds `text` in pieces of `size` bytes; returns what the client would receive. */
function feed(tap: StreamTap, text: string, size: number): string {
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

describe('OpenAIStreamTap', () => {
  const stream = chunk({ role: 'assistant', content: '' }) + chunk({ content: 'a "usage": {x} "finish_reason":"no" data: [DONE]' }) + chunk({}, 'tool_calls') + usageChunk + 'data: [DONE]\n\n';

  it.each([1, 3, 17, 1 << 20])('reads usage, finish and terminator whatever the read size (%i), and relays the bytes', (size) => {
    const tap = new OpenAIStreamTap((t) => t, false);
    expect(feed(tap, stream, size)).toBe(stream);
    expect(tap.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
    expect(tap.finishReason).toBe('tool_calls');
    expect(tap.terminated).toBe(true);
    expect(tap.error).toBeUndefined();
  });

  it('cuts out the usage chunk the daemon asked for, and only that', () => {
    const tap = new OpenAIStreamTap((t) => t, true);
    expect(feed(tap, stream, 5)).toBe(stream.replace(usageChunk, ''));
    expect(tap.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
  });

  it('catches an error event and scrubs it', () => {
    const tap = new OpenAIStreamTap((t) => t.replace('sk-secret', '[key]'), false);
    const error = `data: ${JSON.stringify({ error: { message: 'bad key sk-secret', type: 'server_error' } })}\n\n`;
    expect(feed(tap, chunk({ content: 'x' }) + error, 4)).toBe(chunk({ content: 'x' }) + error.replace('sk-secret', '[key]'));
    expect(tap.error).toMatchObject({ error: { type: 'server_error' } });
    expect(tap.terminated).toBe(false);
  });

  it('frames CRLF streams too', () => {
    const tap = new OpenAIStreamTap((t) => t, false);
    const crlf = stream.replace(/\n/g, '\r\n');
    expect(feed(tap, crlf, 7)).toBe(crlf);
    expect(tap.terminated).toBe(true);
    expect(tap.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
  });
});

describe('AnthropicStreamTap', () => {
  const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const stream =
    ev('message_start', { message: { id: 'm', usage: { input_tokens: 5, cache_read_input_tokens: 2, output_tokens: 1 }, stop_reason: null } }) +
    ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'the "message_stop" event: error' } }) +
    ev('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }) +
    ev('message_stop', {});

  it.each([1, 11, 1 << 20])('reads usage (cached input included), the stop reason and message_stop (read size %i)', (size) => {
    const tap = new AnthropicStreamTap((t) => t);
    expect(feed(tap, stream, size)).toBe(stream);
    expect(tap.usage).toEqual({ inputTokens: 7, outputTokens: 9 });
    expect(tap.finishReason).toBe('tool_use');
    expect(tap.terminated).toBe(true);
    expect(tap.error).toBeUndefined();
  });

  it('catches an error event', () => {
    const tap = new AnthropicStreamTap((t) => t);
    const error = ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
    feed(tap, stream.slice(0, stream.indexOf('event: message_delta')) + error, 9);
    expect(tap.error).toMatchObject({ error: { type: 'overloaded_error' } });
    expect(tap.terminated).toBe(false);
  });
});
