/**
 * The usage read in place gives what parsing gives: each case is checked against
 * `openaiUsage(JSON.parse(text))`, and the unusual ones must be handed back for parsing.
 */
import { describe, expect, it } from 'vitest';
import { NOT_PLAIN, openaiUsageInPlace } from '../../../daemon/forward/usageInPlace';
import { openaiUsage } from '../../../daemon/forward/usageOf';

/** Reads `text` placed inside an event line, as the tap finds it. */
function read(text: string) {
  const line = Buffer.from(`data: {"id":"c","usage":${text},"obfuscation":"x"}\n\n`);
  const start = line.indexOf('"usage":') + 8;
  return openaiUsageInPlace(line, start, start + Buffer.byteLength(text));
}

const plain = [
  '{"prompt_tokens":18,"completion_tokens":50,"total_tokens":68}',
  '{"prompt_tokens":18,"completion_tokens":50,"total_tokens":68,"prompt_tokens_details":{"cached_tokens":8,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":4,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}',
  '{ "prompt_tokens" : 7 ,\t"completion_tokens":3 }',
  '{"completion_tokens":3}',
  '{"prompt_tokens":7}',
  '{}',
  '{"total_tokens":10}',
  '{"prompt_tokens":1,"prompt_tokens":2,"completion_tokens":3}',
  '{"prompt_tokens":1,"completion_tokens":3,"completion_tokens":null}',
  '{"prompt_tokens":"7","completion_tokens":3}',
  '{"prompt_tokens":{"n":7},"completion_tokens":[3]}',
  '{"prompt_tokens":true,"completion_tokens":false,"x":null}',
  '{"prompt_tokens":1.5e2,"completion_tokens":-0}',
  '{"prompt_tokens":1e400,"completion_tokens":2}',
  '{"prompt_tokens":12345678901234567,"completion_tokens":999999999999999}',
  '{"prompt_tokens":-12,"completion_tokens":0.5}',
  '{"note":"a } ] \\" , : {","prompt_tokens":4,"completion_tokens":5}',
  '{"details":{"s":"}}}","n":[1,{"a":"]"}]},"prompt_tokens":4,"completion_tokens":5}',
  '{"é":1,"prompt_tokens":4,"completion_tokens":5}',
];

describe('openaiUsageInPlace', () => {
  it.each(plain)('reads %s as JSON.parse and openaiUsage do', (text) => {
    const got = read(text);
    expect(got).not.toBe(NOT_PLAIN);
    expect(got).toEqual(openaiUsage(JSON.parse(text)));
  });

  it.each([
    ['an escaped key', '{"prompt\\u005ftokens":7,"completion_tokens":3}'],
    ['a number JSON does not allow', '{"prompt_tokens":07,"completion_tokens":3}'],
    ['a bare word', '{"prompt_tokens":seven,"completion_tokens":3}'],
    ['a trailing comma', '{"prompt_tokens":7,"completion_tokens":3,}'],
    ['a missing colon', '{"prompt_tokens" 7}'],
    ['a missing comma', '{"prompt_tokens":7 "completion_tokens":3}'],
    ['not an object', '[7,3]'],
  ])('hands back %s for parsing', (_what, text) => {
    expect(read(text)).toBe(NOT_PLAIN);
  });

  it('hands back an object that ends before the span given', () => {
    const b = Buffer.from('{"prompt_tokens":7} ');
    expect(openaiUsageInPlace(b, 0, b.length)).toBe(NOT_PLAIN);
    expect(openaiUsageInPlace(b, 0, b.length - 1)).toEqual({ inputTokens: 7, outputTokens: 0 });
  });

  it('never reads malformed JSON: any truncation or one-character corruption of real usage is handed back or read as JSON.parse reads it', () => {
    let read = 0;
    let checked = 0;
    const agrees = (text: string): void => {
      checked++;
      const b = Buffer.from(text);
      const got = openaiUsageInPlace(b, 0, b.length);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        expect(got, text).toBe(NOT_PLAIN);
        return;
      }
      if (got === NOT_PLAIN) return;
      read++;
      expect(got, text).toEqual(openaiUsage(parsed));
    };
    for (const sample of plain.slice(0, 3)) {
      for (let cut = 0; cut < sample.length; cut++) agrees(sample.slice(0, cut));
      for (let at = 0; at < sample.length; at++)
        for (const c of ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'x', '0', '-', 'e', '.', '\n', '\u0001', 'n'])
          agrees(sample.slice(0, at) + c + sample.slice(at + 1));
    }
    expect(checked).toBeGreaterThan(5_000);
    expect(read).toBeGreaterThan(0); // e.g. a digit changed in a count
  });
});
