import { describe, expect, it } from 'vitest';
import { SECRET_HEADER_MASK } from '../../../../shared/protocol';
import { isSecretHeader } from '../../../../shared/rules/secretHeaders';
import {
  formatHeaders,
  headersForState,
  looksSecret,
  mergeHeaders,
  parseHeaders,
  parseModelList,
  SECRET_MASK,
  secretRowsProblem,
  splitHeaders,
} from '../../../../extension/manager/page/headers';

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
    expect(parseModelList('gpt-5.4, gpt-5.4-mini\n\n gpt-5.4 \nclaude-haiku-4-5')).toEqual([
      'gpt-5.4',
      'gpt-5.4-mini',
      'claude-haiku-4-5',
    ]);
  });
});

describe('secret headers', () => {
  it('uses the protocol mask', () => {
    expect(SECRET_MASK).toBe(SECRET_HEADER_MASK);
  });

  it.each([
    ['Helicone-Auth', 'x'],
    ['X-Portkey-Api-Key', 'pk'],
    ['Cookie', 'a=b'],
    ['X-Team', 'blue'],
    ['X-A', 'Bearer abc'],
    ['X-A', 'basic abc'],
    ['X-A', 'sk-1'],
    ['X-A', 'a'.repeat(24)],
    ['X-A', 'a'.repeat(23)],
    ['HTTP-Referer', 'https://example.com/a/b/c/d/e/f'],
    ['X-A', 'two words but long enough'],
  ])('agrees with the daemon on %s: %s', (name, value) => {
    expect(looksSecret(name, value)).toBe(isSecretHeader(name, value));
  });

  it('keeps lines holding a credential out of the text kept in the page state', () => {
    expect(headersForState('X-Team: blue\nHelicone-Auth: Bearer sk-live-1\n# note\nX-Key: 1')).toBe(
      'X-Team: blue\n# note',
    );
  });

  it('splits a saved connection into header text and secret rows, by name in any case', () => {
    expect(splitHeaders({ 'X-Team': 'blue', 'Helicone-Auth': SECRET_MASK }, ['helicone-auth'])).toEqual({
      text: 'X-Team: blue',
      secret: [{ name: 'Helicone-Auth', value: '' }],
    });
    expect(splitHeaders(undefined, undefined)).toEqual({ text: '', secret: [] });
  });

  it('merges the rows back: an empty row as the mask (keep), a typed one as its new value', () => {
    expect(
      mergeHeaders({ 'X-Team': 'blue' }, [
        { name: 'A-Token', value: '' },
        { name: 'B-Token', value: 'new' },
      ]),
    ).toEqual({ 'X-Team': 'blue', 'A-Token': SECRET_MASK, 'B-Token': 'new' });
  });

  it('names what is wrong with the rows', () => {
    expect(secretRowsProblem([{ name: 'A-Token', value: '' }], { 'a-token': 'x' })).toMatch(
      /"A-Token" is stored securely below/,
    );
    expect(secretRowsProblem([{ name: 'A-Token', value: 'x'.repeat(8193) }], {})).toMatch(/at most 8192/);
    const many = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`X-H${i}`, 'v']));
    expect(secretRowsProblem([{ name: 'A-Token', value: '' }], many)).toBe(
      'At most 32 headers, counting those stored securely.',
    );
    expect(secretRowsProblem([{ name: 'A-Token', value: '' }], { 'X-Team': 'blue' })).toBeUndefined();
  });
});
