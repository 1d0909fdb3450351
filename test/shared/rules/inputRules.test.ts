import { describe, expect, it } from 'vitest';
import { apiKeyProblem, headerValueProblem, modelIdProblem } from '../../../shared/rules/inputRules';
import { ApiKey, Headers, ModelId, SECRET_HEADER_MASK } from '../../../shared/protocol/fields';

describe('headerValueProblem', () => {
  it.each(['plain', 'with spaces and\ttab', 'café £5 ©', 'Bearer sk-abc', ''])(
    'accepts %j (ASCII and Latin-1)',
    (value) => {
      expect(headerValueProblem(value)).toBeUndefined();
    },
  );
  it.each([
    ['✓ok', '"✓" (U+2713)'],
    ['sk-ключ-0123456789', '"к" (U+043A)'],
    ['emoji 🎉', '"🎉" (U+1F389)'],
  ])('refuses %j, naming the character', (value, shown) => {
    expect(headerValueProblem(value)).toContain(shown);
    expect(headerValueProblem(value)).toContain('HTTP header');
  });
  it.each(['a\nb', 'a\rb'])('refuses a line break in %j', (value) => {
    expect(headerValueProblem(value)).toBe('must not contain line breaks');
  });
  it.each(['a\0b', 'a\u007fb', 'a\u0085b'])('refuses the control character in %j', (value) => {
    expect(headerValueProblem(value)).toMatch(/control characters/);
  });
});

describe('apiKeyProblem', () => {
  it('accepts a key', () => expect(apiKeyProblem('sk-proj-AbC_123-xyz')).toBeUndefined());
  it('refuses whitespace anywhere', () => {
    for (const key of ['sk abc', 'sk-abc\n', '\tsk-abc', 'sk\u00a0abc'])
      expect(apiKeyProblem(key)).toMatch(/spaces or line breaks/);
  });
  it('refuses a character an HTTP header cannot carry', () =>
    expect(apiKeyProblem('sk-ключ123')).toContain('"к" (U+043A)'));
});

describe('modelIdProblem', () => {
  it.each([
    'gpt-4o-mini',
    'openai/gpt-4o',
    'llama3.2:3b',
    'models/gemini-2.5-pro',
    'claude-sonnet-4-6@20250514',
    'modèle-é',
  ])('accepts %j', (model) => {
    expect(modelIdProblem(model)).toBeUndefined();
  });
  it.each([
    ['gpt-4o\t', 'a tab (U+0009)'],
    ['gpt-4o\n', 'a line break (U+000A)'],
    ['gpt\u00004o', 'a control character (U+0000)'],
    ['gpt 4o', '" " (U+0020)'],
    ['gpt\u00a04o', '(U+00A0)'],
    ['gpt\u20284o', '(U+2028)'],
  ])('refuses %j, naming what it found', (model, found) => {
    expect(modelIdProblem(model)).toContain(found);
  });
});

describe('the protocol fields use the same rules', () => {
  const message = (r: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
    r.error?.issues[0]?.message;
  it('ApiKey', () => {
    expect(message(ApiKey.safeParse('sk-ключ-0123456789'))).toBe(apiKeyProblem('sk-ключ-0123456789'));
    expect(ApiKey.safeParse('sk-fine-key-0123').success).toBe(true);
  });
  it('Headers', () => {
    const r = Headers.safeParse({ 'X-V': '✓ok' });
    expect(r.error?.issues[0]).toMatchObject({ path: ['X-V'], message: headerValueProblem('✓ok') });
    // The mask a client sends back to keep a stored secret header is not a value to send.
    expect(Headers.safeParse({ 'X-Secret': SECRET_HEADER_MASK }).success).toBe(true);
  });
  it('ModelId', () => {
    expect(message(ModelId.safeParse('gpt-4o\t'))).toBe(modelIdProblem('gpt-4o\t'));
    expect(ModelId.safeParse('gpt-4o').success).toBe(true);
  });
});

describe('the one-test check of the usual value', () => {
  // Every character the per-character rules accept passes, every other one is named: the fast
  // test of the whole value agrees with the walk, character by character.
  const chars = [
    ...Array.from({ length: 0x3000 }, (_, code) => String.fromCodePoint(code)),
    '\u2028',
    '\u3000',
    '\ufeff',
    '😀',
  ];
  it('headerValueProblem accepts exactly tab, printable ASCII and Latin-1', () => {
    for (const char of chars) {
      const code = char.codePointAt(0)!;
      const ok = code === 0x09 || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff);
      expect(headerValueProblem(`sk-${char}-x`) === undefined, `U+${code.toString(16)}`).toBe(ok);
    }
  });
  it('modelIdProblem accepts exactly what is neither a control character nor whitespace', () => {
    for (const char of chars) {
      const code = char.codePointAt(0)!;
      const ok = !(code < 0x20 || (code >= 0x7f && code <= 0x9f)) && !/\s/u.test(char);
      expect(modelIdProblem(`gpt-${char}-x`) === undefined, `U+${code.toString(16)}`).toBe(ok);
    }
  });
});
