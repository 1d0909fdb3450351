import { describe, expect, it } from 'vitest';
import { setMembers } from '../../../daemon/forward/jsonSplice';

describe('setMembers', () => {
  it('replaces a top-level value and leaves every other byte as it was', () => {
    const text =
      '{ "model" : "main/gpt",\n "seed": 12345678901234567890, "t": 1.0, "s": "\\u00e9\\"model\\"", "nested": {"model": "keep"}, "arr": [{"model":"x"}] }';
    const out = setMembers(text, { model: JSON.stringify('gpt-5.4') });
    expect(out).toBe(text.replace('"main/gpt"', '"gpt-5.4"'));
  });

  it('appends a member that is not there, and replaces every copy of a repeated key', () => {
    expect(setMembers('{"model":"a","stream":true}', { stream_options: '{"include_usage":true}' })).toBe(
      '{"model":"a","stream":true,"stream_options":{"include_usage":true}}',
    );
    expect(setMembers('{}', { model: '"m"' })).toBe('{"model":"m"}');
    expect(setMembers('{"model":"a","model":"b"}', { model: '"c"' })).toBe('{"model":"c","model":"c"}');
  });

  it('skips strings holding braces, brackets and escaped quotes', () => {
    const text = '{"messages":[{"content":"} ] { [ \\\\\\" \\\\"}],"model":"x"}';
    expect(JSON.parse(setMembers(text, { model: '"y"' }))).toEqual({ ...JSON.parse(text), model: 'y' });
  });

  it('reads escaped keys as JSON does: an escaped "model" is the model', () => {
    expect(setMembers('{"mo\\u0064el":"a","x\\"y":1}', { model: '"b"' })).toBe('{"mo\\u0064el":"b","x\\"y":1}');
  });

  it('refuses what is not a JSON object', () => {
    expect(() => setMembers('[1]', { model: '"m"' })).toThrow();
  });
});
