import { describe, expect, it } from 'vitest';
import { keyFingerprint, keyHint } from '../../shared/rules/keyMask';
import { Redactor } from '../../daemon/redactor';

const KEY = 'plainlookingkey0123456789abcdefXYZW';

describe('Redactor', () => {
  it('replaces a registered key with its hint', () => {
    const r = new Redactor();
    r.add(KEY);
    expect(r.redact(`key=${KEY}!`)).toBe(`key=${keyHint(KEY)}!`);
  });

  it('scrubs the 12-character start and end that providers echo back', () => {
    const r = new Redactor();
    r.add(KEY);
    const echoed = `Incorrect API key provided: ${KEY.slice(0, 14)}***...${KEY.slice(-14)}.`;
    const out = r.redact(echoed);
    expect(out).not.toContain(KEY.slice(0, 12));
    expect(out).not.toContain(KEY.slice(-12));
  });

  it('masks tokens that look like keys even when never registered', () => {
    const r = new Redactor();
    expect(r.redact('got sk-proj-abcdefghijklmnop and AIzaSyA1234567890abcdefghijk')).not.toMatch(
      /abcdefghijklmnop|AIzaSyA1234567890/,
    );
    expect(r.redact('Authorization: Bearer abcdefgh12345678')).toBe('Authorization: Bearer [redacted]');
  });

  it('ignores short strings so ordinary words survive', () => {
    const r = new Redactor();
    r.add('abc');
    expect(r.redact('abc abc')).toBe('abc abc');
  });

  it('redacts every string inside nested data', () => {
    const r = new Redactor();
    r.add(KEY);
    expect(r.redactDeep({ a: [`x ${KEY}`], b: { c: KEY }, n: 3 })).toEqual({
      a: [`x ${keyHint(KEY)}`],
      b: { c: keyHint(KEY) },
      n: 3,
    });
  });

  it('keeps scrubbing a key until every holder that added it has removed it', () => {
    const r = new Redactor();
    r.add(KEY); // e.g. held in the vault
    r.add(KEY); // and pushed to memory while moving
    r.remove(KEY);
    expect(r.redact(KEY)).toBe(keyHint(KEY));
    r.remove(KEY);
    expect(r.redact(KEY)).toBe(KEY);
  });

  it('scrubs the token of a "Bearer …" or "Basic …" header value on its own, and lets go of both pieces together', () => {
    const r = new Redactor();
    const token = 'plainlookingtoken0123456789';
    r.add(`Bearer ${token}`);
    expect(r.redact(`upstream echoed ${token}`)).not.toMatch(/plainlooking|token0123/);
    r.add(`Basic ${token}`); // a second holder of the same token
    r.remove(`Bearer ${token}`);
    expect(r.redact(token)).toBe(keyHint(token));
    r.remove(`Basic ${token}`);
    expect(r.redact(token)).toBe(token);
  });

  it('scrubs a key of any length from upstream text, and only there', () => {
    const r = new Redactor();
    r.add('abc');
    expect(r.redactUpstream('Key abc has no access')).toBe('Key … has no access');
    expect(r.redact('abc is a word')).toBe('abc is a word'); // logs and other text are left alone
    r.remove('abc');
    expect(r.redactUpstream('Key abc has no access')).toBe('Key abc has no access');
  });

  it('stops scrubbing a key once removed', () => {
    const r = new Redactor();
    r.add(KEY);
    r.remove(KEY);
    expect(r.redact(KEY)).toBe(KEY);
  });
});

describe('key masks', () => {
  it('shows at most the last four characters and an 8-hex fingerprint', () => {
    expect(keyHint(KEY)).toBe('…XYZW');
    expect(keyHint('abcdef')).toBe('…ef');
    expect(keyFingerprint(KEY)).toMatch(/^[0-9a-f]{8}$/);
  });
});
