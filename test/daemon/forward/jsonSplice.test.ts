import { describe, expect, it } from 'vitest';
import { setMembers as setMemberBytes, type MissingMember } from '../../../daemon/forward/jsonSplice';

/** setMembers over a body's text, as UTF-8 bytes in and out. */
const setMembers = (text: string, values: Record<string, string>, missing?: MissingMember[]): string =>
  setMemberBytes(Buffer.from(text), values, missing).toString('utf8');

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

  it('counts in bytes: raw multi-byte characters before and inside the edits stay whole', () => {
    const text = '{"messages":[{"content":"café 東京 🙂"}],"名前":"値","model":"ü/x","z":"é"}';
    expect(setMembers(text, { model: JSON.stringify('gpt-ö') })).toBe(text.replace('"ü/x"', '"gpt-ö"'));
    expect(JSON.parse(setMembers(text, { stream: 'true' }))).toEqual({ ...JSON.parse(text), stream: true });
  });

  it('leaves bytes that are not valid UTF-8 as the client sent them', () => {
    const body = Buffer.concat([
      Buffer.from('{"content":"a'),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('b","model":"m"}'),
    ]);
    const out = setMemberBytes(body, { model: '"n"' });
    expect(out.equals(Buffer.concat([body.subarray(0, body.length - 4), Buffer.from('"n"}')]))).toBe(true);
  });

  it('adds a missing member unless the body has one it names', () => {
    const missing = [{ key: 'temperature', value: '0.2', unless: ['temperature', 'top_p'] }];
    expect(setMembers('{"model":"a"}', { model: '"b"' }, missing)).toBe('{"model":"b","temperature":0.2}');
    expect(setMembers('{"model":"a","top_p":1}', { model: '"b"' }, missing)).toBe('{"model":"b","top_p":1}');
  });
});
