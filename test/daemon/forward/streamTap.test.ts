import { describe, expect, it } from 'vitest';
import {
  AnthropicStreamTap,
  eventAround,
  eventData,
  NO_BYTES,
  OpenAIStreamTap,
  type StreamTap,
} from '../../../daemon/forward/streamTap';

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], usage: null })}\n\n`;
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
  const stream =
    chunk({ role: 'assistant', content: '' }) +
    chunk({ content: 'a "usage": {x} "finish_reason":"no" data: [DONE]' }) +
    chunk({}, 'tool_calls') +
    usageChunk +
    'data: [DONE]\n\n';

  it.each([1, 3, 17, 1 << 20])(
    'reads usage, finish and terminator whatever the read size (%i), and relays the bytes',
    (size) => {
      const tap = new OpenAIStreamTap((t) => t, false);
      expect(feed(tap, stream, size)).toBe(stream);
      expect(tap.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
      expect(tap.finishReason).toBe('tool_calls');
      expect(tap.terminated).toBe(true);
      expect(tap.error).toBeUndefined();
    },
  );

  it('cuts out the usage chunk the daemon asked for, and only that', () => {
    const tap = new OpenAIStreamTap((t) => t, true);
    expect(feed(tap, stream, 5)).toBe(stream.replace(usageChunk, ''));
    expect(tap.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
  });

  it('catches an error event and scrubs it', () => {
    const tap = new OpenAIStreamTap((t) => t.replace('sk-secret', '[key]'), false);
    const error = `data: ${JSON.stringify({ error: { message: 'bad key sk-secret', type: 'server_error' } })}\n\n`;
    expect(feed(tap, chunk({ content: 'x' }) + error, 4)).toBe(
      chunk({ content: 'x' }) + error.replace('sk-secret', '[key]'),
    );
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
    ev('message_start', {
      message: { id: 'm', usage: { input_tokens: 5, cache_read_input_tokens: 2, output_tokens: 1 }, stop_reason: null },
    }) +
    ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'the "message_stop" event: error' } }) +
    ev('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }) +
    ev('message_stop', {});

  it.each([1, 11, 1 << 20])(
    'reads usage (cached input included), the stop reason and message_stop (read size %i)',
    (size) => {
      const tap = new AnthropicStreamTap((t) => t);
      expect(feed(tap, stream, size)).toBe(stream);
      expect(tap.usage).toEqual({ inputTokens: 7, outputTokens: 9 });
      expect(tap.finishReason).toBe('tool_use');
      expect(tap.terminated).toBe(true);
      expect(tap.error).toBeUndefined();
    },
  );

  it('catches an error event', () => {
    const tap = new AnthropicStreamTap((t) => t);
    const error = ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
    feed(tap, stream.slice(0, stream.indexOf('event: message_delta')) + error, 9);
    expect(tap.error).toMatchObject({ error: { type: 'overloaded_error' } });
    expect(tap.terminated).toBe(false);
  });
});

describe('the one-pass scan', () => {
  const sizes = [1, 2, 5, 64, 1 << 20];

  it.each(sizes)(
    'counts the characters of text, reasoning, refusals and tool arguments, escapes as one (read size %i)',
    (size) => {
      const texts = ['Hello', ' "quoted" \\ back\nslash\ttab \u0001', 'é 東京 😀', '</script>'];
      const stream =
        chunk({ role: 'assistant', content: '' }) +
        texts.map((t) => chunk({ content: t })).join('') +
        chunk({ reasoning_content: 'think' }) +
        chunk({ refusal: 'no' }) +
        chunk({
          tool_calls: [
            { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } },
          ],
        }) +
        chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }) +
        chunk({}, 'tool_calls') +
        'data:[DONE]\n\n';
      const tap = new OpenAIStreamTap((t) => t, false);
      expect(feed(tap, stream, size)).toBe(stream);
      // 😀 is one character here (two in a JS string): the estimate counts what a reader sees.
      const expected = texts.join('').length - 1 + 'think'.length + 'no'.length + '{"city":"Paris"}'.length;
      expect(tap.outputChars).toBe(expected);
      expect(tap.finishReason).toBe('tool_calls');
      expect(tap.terminated).toBe(true); // `data:[DONE]` without the space too
      expect(tap.usage).toBeUndefined();
      expect(tap.usageFinal).toBe(false);
    },
  );

  it('is not fooled by keys, terminators or error lines written inside the text', () => {
    const tricky =
      'x "usage": {"prompt_tokens":1} "error": {"message":"m"}\n\ndata: [DONE]\n\nevent: error\n "finish_reason":"stop"';
    const stream = chunk({ content: tricky }) + chunk({}, 'length');
    const tap = new OpenAIStreamTap((t) => t, true);
    expect(feed(tap, stream, 3)).toBe(stream);
    expect(tap.usage).toBeUndefined();
    expect(tap.error).toBeUndefined();
    expect(tap.terminated).toBe(false);
    expect(tap.finishReason).toBe('length');
    expect(tap.outputChars).toBe(tricky.length);
  });

  it('reads a last chunk that carries text, the stop reason and usage together', () => {
    const last = `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'end' }, finish_reason: 'stop' }], usage: { prompt_tokens: 4, completion_tokens: 1 } })}\n\n`;
    const tap = new OpenAIStreamTap((t) => t, true);
    expect(feed(tap, last + 'data: [DONE]\n\n', 7)).toBe(last + 'data: [DONE]\n\n'); // not the usage-only chunk: kept
    expect(tap.usage).toEqual({ inputTokens: 4, outputTokens: 1 });
    expect(tap.usageFinal).toBe(true);
    expect(tap.finishReason).toBe('stop');
    expect(tap.outputChars).toBe(3);
  });

  it('takes an error whose value is a string, and leaves `"error": null` alone', () => {
    const tap = new OpenAIStreamTap((t) => t, false);
    feed(tap, chunk({ content: 'a' }).replace('"usage":null', '"error":null,"usage":null'), 4);
    expect(tap.error).toBeUndefined();
    feed(tap, 'data: {"error":"upstream overloaded"}\n\n', 4);
    expect(tap.error).toEqual({ error: 'upstream overloaded' });
  });

  it.each(sizes)(
    'counts Anthropic text, thinking and tool input, not signatures; usage is final only with message_delta (read size %i)',
    (size) => {
      const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
      const head =
        ev('message_start', {
          message: {
            id: 'm',
            type: 'message',
            role: 'assistant',
            content: [],
            usage: { input_tokens: 5, output_tokens: 1 },
            stop_reason: null,
          },
        }) +
        ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }) +
        ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }) +
        ev('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'c2lnbmF0dXJl' } }) +
        ev('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }) +
        ev('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'Hi "there"' } }) +
        ev('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 't', name: 'f', input: {} } }) +
        ev('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '{"a":1}' } });
      const stopped = new AnthropicStreamTap((t) => t);
      feed(stopped, head, size);
      expect(stopped.outputChars).toBe('hmm'.length + 'Hi "there"'.length + '{"a":1}'.length);
      expect(stopped.usage).toEqual({ inputTokens: 5, outputTokens: 1 });
      expect(stopped.usageFinal).toBe(false);
      expect(stopped.terminated).toBe(false);

      const whole = new AnthropicStreamTap((t) => t);
      const stream =
        head +
        ev('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 30 } }) +
        ev('message_stop', {});
      expect(feed(whole, stream, size)).toBe(stream);
      expect(whole.usage).toEqual({ inputTokens: 5, outputTokens: 30 });
      expect(whole.usageFinal).toBe(true);
      expect(whole.finishReason).toBe('tool_use');
      expect(whole.terminated).toBe(true);
    },
  );
});

describe('lines that open alike (the kept opening)', () => {
  /** A stream's chunks as OpenAI sends them: the same id, model and fingerprint before every delta. */
  const opening = (id: string) =>
    `{"id":"${id}","object":"chat.completion.chunk","created":1700000000,"model":"gpt-5.4","system_fingerprint":"fp_0123456789","choices":[{"index":0,"delta":`;
  const line = (id: string, delta: object, finish: string | null = null, usage: string = 'null') =>
    `data: ${opening(id)}${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}],"usage":${usage}}\n\n`;

  /** What the tap must find, read with JSON.parse per event. */
  function expected(stream: string) {
    let chars = 0;
    let finish: string | undefined;
    for (const event of stream.split('\n\n')) {
      if (!event.startsWith('data: {')) continue;
      const chunk = JSON.parse(event.slice(6)) as {
        choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>;
      };
      for (const c of chunk.choices) {
        for (const key of ['content', 'refusal', 'reasoning_content', 'reasoning'])
          if (typeof c.delta[key] === 'string') chars += [...(c.delta[key] as string)].length;
        if (c.finish_reason !== null) finish = c.finish_reason;
      }
    }
    return { chars, finish };
  }

  it.each([1, 5, 64, 1 << 20])('reads every line as a full scan would, whatever the read size (%i)', (size) => {
    const texts = ['Hel', 'lo, "wörld"', ' \\ ', '{"usage":{"x":1}}', '\n', 'data: [DONE]', '😀', 'end'];
    const stream =
      line('chatcmpl-A', { role: 'assistant', content: '' }) +
      texts.map((t) => line('chatcmpl-A', { content: t })).join('') +
      // The same opening, then a key the tap reads at once: a stop reason, a refusal.
      line('chatcmpl-A', { refusal: 'no' }) +
      // Another id: the kept opening does not fit, and is replaced.
      line('chatcmpl-B', { content: 'other' }) +
      line('chatcmpl-B', { content: 'more' }) +
      line('chatcmpl-B', {}, 'length') +
      `data: ${opening('chatcmpl-B').replace(/"choices":.*$/, '"choices":[],')}"usage":{"prompt_tokens":4,"completion_tokens":9,"total_tokens":13}}\n\n` +
      'data: [DONE]\n\n';
    const tap = new OpenAIStreamTap((t) => t, true);
    const out = feed(tap, stream, size);
    const want = expected(stream);
    expect(tap.outputChars).toBe(want.chars);
    expect(tap.finishReason).toBe('length');
    expect(tap.usage).toEqual({ inputTokens: 4, outputTokens: 9 });
    expect(tap.terminated).toBe(true);
    // The usage chunk the daemon asked for is cut out; every other byte is relayed.
    expect(out).toBe(stream.replace(/data: [^\n]*"choices":\[\],[^\n]*\n\n/, ''));
  });

  /** A chunk as OpenAI sends them today: after the delta, an `obfuscation` string that changes on every line. */
  const obfuscated = (delta: object, pad: string, finish: string | null = null, tail = '') =>
    `data: ${opening('chatcmpl-D')}${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}],"usage":null,"obfuscation":${JSON.stringify(pad)}${tail}}\n\n`;

  it.each([1, 7, 64, 1 << 20])(
    'skips a kept closing after the text only where a full scan would find nothing in it (read size %i)',
    (size) => {
      const stream =
        obfuscated({ role: 'assistant', content: '' }, 'MNfX1Bgx') +
        obfuscated({ content: 'tok0' }, 'SU0Y3') +
        obfuscated({ content: ' tök1 "q" \\' }, 'dJhA4C') +
        obfuscated({ content: '😀' }, 'a\"b') +
        // The closing fits, then more after the unread value: still read.
        obfuscated({ content: 'x' }, 'z', null, ',"choices2":[{"delta":{"content":"+5ch!"}}]') +
        // Two text values on a line; the second one's closing fits too.
        obfuscated({ content: 'a', reasoning_content: 'bb' }, 'q') +
        // A stop reason where the closing had `null`: the closing does not fit, the line is walked.
        obfuscated({ content: 'end' }, 'k', 'stop') +
        'data: [DONE]\n\n';
      const tap = new OpenAIStreamTap((t) => t, false);
      expect(feed(tap, stream, size)).toBe(stream);
      const want = expected(stream);
      expect(tap.outputChars).toBe(want.chars + '+5ch!'.length);
      expect(tap.finishReason).toBe('stop');
      expect(tap.terminated).toBe(true);
    },
  );

  it('still sees a stop reason and usage behind an opening it has kept', () => {
    const tap = new OpenAIStreamTap((t) => t, false);
    const last = line('chatcmpl-C', {}, 'stop', '{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}');
    feed(tap, line('chatcmpl-C', { content: 'a' }) + line('chatcmpl-C', { content: 'b' }) + last, 1 << 20);
    expect(tap.outputChars).toBe(2);
    expect(tap.finishReason).toBe('stop');
    expect(tap.usage).toEqual({ inputTokens: 1, outputTokens: 2 });
    expect(tap.terminated).toBe(false);
  });
});

describe('eventAround and eventData', () => {
  const at = (b: Buffer, text: string) => b.indexOf(text);

  it('finds the event holding a position, its blank line included, in LF and CRLF streams', () => {
    for (const nl of ['\n', '\r\n']) {
      const text = `data: {"a":1}${nl}${nl}event: x${nl}data: {"b":2}${nl}${nl}data: {"c":3}${nl}${nl}`;
      const b = Buffer.from(text);
      const [start, end] = eventAround(b, at(b, '"b"'));
      expect(b.toString('utf8', start, end)).toBe(`event: x${nl}data: {"b":2}${nl}${nl}`);
      expect(eventData(b, start, end)).toEqual({ b: 2 });
      const [s0, e0] = eventAround(b, at(b, '"a"'));
      expect([s0, b.toString('utf8', s0, e0)]).toEqual([0, `data: {"a":1}${nl}${nl}`]);
    }
  });

  it('takes an event that ends the buffer without its blank line', () => {
    const b = Buffer.from('data: {"a":1}\n\ndata:{"last":true}');
    const [start, end] = eventAround(b, at(b, 'last'));
    expect([b.toString('utf8', start, end), eventData(b, start, end)]).toEqual(['data:{"last":true}', { last: true }]);
  });

  it('joins an event’s data lines with newlines, as SSE does', () => {
    const b = Buffer.from('event: error\ndata: {"error":\ndata: {"message":"m"}}\n\n');
    expect(eventData(b, 0, b.length)).toEqual({ error: { message: 'm' } });
    expect(eventData(Buffer.from('data: [DONE]\n\n'), 0, 14)).toBeUndefined();
    expect(eventData(Buffer.from(': comment\n\n'), 0, 11)).toBeUndefined();
  });

  it('reads the one data line among comment, id and event lines, wherever it is', () => {
    for (const text of [
      ': ping\nid: 7\nevent: data: x\ndata: {"y":2}\n\n',
      'data: {"y":2}\r\nid: 7\r\n\r\n',
      'event: x\rdata:{"y":2}\r\r',
    ]) {
      const b = Buffer.from(text);
      expect(eventData(b, 0, b.length)).toEqual({ y: 2 });
    }
    const cut = Buffer.from('event: x\ndata: {"y":');
    expect(eventData(cut, 0, cut.length)).toBeUndefined();
  });
});

describe('the usage chunk', () => {
  const usage = { prompt_tokens: 9, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 2 } };

  it('reads usage in any field order and spacing, and cuts only a chunk whose choices are empty', () => {
    const spaced = `data: {"usage": ${JSON.stringify(usage)}, "choices": [ ], "id": "x"}\n\n`;
    const tap = new OpenAIStreamTap((t) => t, true);
    expect(feed(tap, chunk({ content: 'hi' }) + spaced + 'data: [DONE]\n\n', 6)).toBe(
      chunk({ content: 'hi' }) + 'data: [DONE]\n\n',
    );
    expect(tap.usage).toMatchObject({ inputTokens: 9, outputTokens: 4 });
    const kept = `data: {"choices":[{"index":0,"delta":{"content":"[]"},"finish_reason":"stop"}],"usage":${JSON.stringify(usage)}}\n\n`;
    const keeps = new OpenAIStreamTap((t) => t, true);
    expect(feed(keeps, kept, 1 << 20)).toBe(kept);
    expect(keeps.usage).toMatchObject({ inputTokens: 9, outputTokens: 4 });
    expect(keeps.finishReason).toBe('stop');
  });

  it('is not fooled by a usage object written inside the text, and survives a malformed one', () => {
    const tap = new OpenAIStreamTap((t) => t, true);
    feed(
      tap,
      chunk({ content: `{"usage":${JSON.stringify(usage)},"choices":[]}` }) + 'data: {"usage":{"prompt_tokens":\n\n',
      5,
    );
    expect(tap.usage).toBeUndefined();
  });
});

describe('Anthropic events that open alike', () => {
  const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const textDelta = (index: number, text: string) =>
    ev('content_block_delta', { index, delta: { type: 'text_delta', text } });

  it.each([1, 7, 1 << 20])('counts and reads every event as a full scan would (read size %i)', (size) => {
    const texts = ['Hel', 'lo "x"', ' {"type":"message_stop"}', '\n', 'event: message_stop', '😀', 'end'];
    const stream =
      ev('message_start', { message: { id: 'm', usage: { input_tokens: 3, output_tokens: 1 }, stop_reason: null } }) +
      ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }) +
      ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }) +
      ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'more' } }) +
      ev('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }) +
      texts.map((t) => textDelta(1, t)).join('') +
      ev('content_block_start', { index: 2, content_block: { type: 'text', text: '' } }) +
      textDelta(2, 'two') +
      textDelta(2, 'three');
    const expected = ['hmm', 'more', ...texts, 'two', 'three'].reduce((n, t) => n + [...t].length, 0);

    const stopped = new AnthropicStreamTap((t) => t);
    expect(feed(stopped, stream, size)).toBe(stream);
    expect(stopped.outputChars).toBe(expected);
    expect(stopped.terminated).toBe(false); // message_stop only inside the text so far

    const whole = new AnthropicStreamTap((t) => t);
    const end =
      ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 12 } }) +
      ev('message_stop', {});
    expect(feed(whole, stream + end, size)).toBe(stream + end);
    expect(whole.outputChars).toBe(expected);
    expect(whole.terminated).toBe(true);
    expect(whole.finishReason).toBe('end_turn');
    expect(whole.usage).toEqual({ inputTokens: 3, outputTokens: 12 });
  });
});

describe('pushUntilText: the first token before the rest of its read', () => {
  const role = chunk({ role: 'assistant', content: '' });
  const first = chunk({ content: 'Hi' });
  const rest = chunk({ content: ' there' }) + chunk({}, 'stop') + usageChunk + 'data: [DONE]\n\n';

  it('returns the events up to the first with text as a slice of the read, and keeps the rest for push()', () => {
    const tap = new OpenAIStreamTap((t) => t, true);
    const read = Buffer.from(role + first + rest + 'data: {"cut');
    const sent = tap.pushUntilText(read)!;
    expect(sent.toString()).toBe(role + first);
    expect(sent.buffer).toBe(read.buffer); // not copied
    expect(tap.outputChars).toBe(2);
    expect(tap.terminated).toBe(false); // the rest is not read yet
    // The rest, the usage chunk cut out; the cut event waits for its end.
    expect(tap.push(NO_BYTES)!.toString()).toBe(chunk({ content: ' there' }) + chunk({}, 'stop') + 'data: [DONE]\n\n');
    expect(tap.terminated).toBe(true);
    expect(tap.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
    expect(tap.rest()!.toString()).toBe('data: {"cut');
  });

  it('returns every whole event of a read without text, and joins a partial event to the next read', () => {
    const tap = new OpenAIStreamTap((t) => t, false);
    expect(tap.pushUntilText(Buffer.from(role + first.slice(0, 20)))!.toString()).toBe(role);
    expect(tap.outputChars).toBe(0);
    expect(tap.pushUntilText(Buffer.from(first.slice(20) + rest))!.toString()).toBe(first);
    expect(tap.push(NO_BYTES)!.toString()).toBe(rest);
  });

  it('ends events at CRLF blank lines too', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    const tap = new OpenAIStreamTap((t) => t, false);
    expect(tap.pushUntilText(Buffer.from(crlf(role + first + rest)))!.toString()).toBe(crlf(role + first));
    expect(tap.push(NO_BYTES)!.toString()).toBe(crlf(rest));
  });

  it('copies only when an event before the text was edited (an error scrubbed)', () => {
    const tap = new OpenAIStreamTap((t) => t.replace('sk-secret', '[key]'), false);
    const error = 'data: {"error":{"message":"bad key sk-secret"}}\n\n';
    const sent = tap.pushUntilText(Buffer.from(role + error + first + rest))!;
    expect(sent.toString()).toBe(role + error.replace('sk-secret', '[key]') + first);
    expect(tap.error).toBeDefined();
  });
});
