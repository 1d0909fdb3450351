import { describe, expect, it } from 'vitest';
import { formatHeaders, parseHeaders, parseModelList } from '../../../extension/webviews/connectionManager/headers';

describe('parseHeaders', () => {
  it('reads one "Name: value" per line, skipping blank lines and # comments', () => {
    expect(parseHeaders('X-Team: infra\n\n# a note\n  HTTP-Referer:  https://example.com  \n')).toEqual({
      ok: true,
      headers: { 'X-Team': 'infra', 'HTTP-Referer': 'https://example.com' },
    });
  });

  it('keeps colons inside the value', () => {
    expect(parseHeaders('X-Url: http://a:8080/b')).toEqual({ ok: true, headers: { 'X-Url': 'http://a:8080/b' } });
  });

  it('accepts an empty text as no headers', () => {
    expect(parseHeaders('  \n')).toEqual({ ok: true, headers: {} });
  });

  it('names the line of a line without a colon', () => {
    expect(parseHeaders('X-A: 1\nnot a header')).toEqual({ ok: false, error: 'Line 2: write it as "Name: value".' });
  });

  it('refuses invalid header names', () => {
    const r = parseHeaders('Bad Name: 1');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^Line 1: "Bad Name" is not a valid header name/);
  });

  it('refuses headers Switchboard sets itself, whatever their case', () => {
    const r = parseHeaders('authorization: Bearer x');
    expect(!r.ok && r.error).toMatch(/set by Switchboard itself; put the key in the API key field/);
  });

  it('refuses the same header twice, case-insensitively', () => {
    expect(parseHeaders('X-A: 1\nx-a: 2')).toEqual({ ok: false, error: 'Line 2: "x-a" is given twice.' });
  });

  it('refuses prototype keys the daemon would reject', () => {
    expect(parseHeaders('__proto__: x').ok).toBe(false);
  });

  it('refuses more than 32 headers', () => {
    const text = Array.from({ length: 33 }, (_, i) => `X-H${i}: v`).join('\n');
    expect(parseHeaders(text)).toEqual({ ok: false, error: 'At most 32 headers.' });
  });

  it('round-trips with formatHeaders', () => {
    const headers = { 'X-A': '1', 'X-B': 'two words' };
    expect(parseHeaders(formatHeaders(headers))).toEqual({ ok: true, headers });
  });
});

describe('formatHeaders', () => {
  it('writes nothing for no headers', () => {
    expect(formatHeaders(undefined)).toBe('');
    expect(formatHeaders({})).toBe('');
  });
});

describe('parseModelList', () => {
  it('splits on lines and commas, trims and deduplicates in order', () => {
    expect(parseModelList('gpt-5.4, gpt-5.4-mini\n\n gpt-5.4 \nclaude-haiku-4-5')).toEqual(['gpt-5.4', 'gpt-5.4-mini', 'claude-haiku-4-5']);
  });
});
