/**
 * #13 leftover: the connection form checks names and header characters itself, under the very rule
 * (and in the words) the daemon's schemas use — one module, shared/rules/connectionFields.ts.
 */
import { describe, expect, it } from 'vitest';
import { CreateConnectionParams } from '../../../shared/protocol';
import { connectionNameProblem, headerNameProblem } from '../../../shared/rules/connectionFields';
import { validate, emptyValues } from '../../../extension/manager/page/form';
import { parseHeaders } from '../../../extension/manager/page/headers';

const openai = {
  id: 'openai',
  name: 'OpenAI',
  adapter: 'openai' as const,
  defaultBaseUrl: 'https://api.openai.com/v1',
  requiresKey: true,
  builtIn: true,
};
const schemaMessage = (params: Record<string, unknown>) => {
  const r = CreateConnectionParams.safeParse({ name: 'ok', provider: 'openai', ...params });
  return r.success ? undefined : r.error.issues[0]!.message;
};

describe('connectionNameProblem', () => {
  it('refuses empty, long, control-character and id-shaped names', () => {
    expect(connectionNameProblem('  ')).toBe('must not be empty');
    expect(connectionNameProblem('x'.repeat(101))).toBe('must be at most 100 characters');
    expect(connectionNameProblem('a\tb')).toBe('must not contain control characters');
    expect(connectionNameProblem('conn_0a1b2c')).toMatch(/^must not look like a connection id/);
    expect(connectionNameProblem('conn_0a1b2c', false)).toBeUndefined();
    expect(connectionNameProblem('Local OpenAI')).toBeUndefined();
  });

  it('is what the protocol schema says, word for word', () => {
    expect(schemaMessage({ name: 'x'.repeat(101) })).toBe(connectionNameProblem('x'.repeat(101)));
    expect(schemaMessage({ name: 'a\u0007b' })).toBe(connectionNameProblem('a\u0007b'));
    expect(schemaMessage({ headers: { 'Bad Name': 'v' } })).toBe(headerNameProblem('Bad Name'));
    expect(schemaMessage({ headers: { Authorization: 'v' } })).toBe(headerNameProblem('Authorization'));
  });
});

describe('the connection form uses the same rules', () => {
  const ctx = { mode: { kind: 'create' as const }, provider: openai, purpose: 'save' as const };
  const values = (over: Record<string, unknown>) => ({
    ...emptyValues(openai),
    name: 'Work',
    apiKey: 'sk-test-1234',
    ...over,
  });

  it('refuses an id-shaped new name before the daemon does, but not a legacy one kept as it was', () => {
    expect(validate(values({ name: 'conn_abc123' }), ctx).name).toMatch(/^The name must not look like a connection id/);
    const legacy = {
      id: 'c9',
      name: 'conn_abc123',
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      timeoutMs: 1000,
      maxRetries: 0,
      isDefault: false,
      keySource: 'memory',
      keyAvailable: true,
      createdAt: '',
      updatedAt: '',
    };
    expect(
      validate(values({ name: 'conn_abc123', apiKey: '' }), {
        ...ctx,
        mode: { kind: 'edit', original: legacy, replacingKey: false },
      }).name,
    ).toBeUndefined();
  });

  it("refuses header values an HTTP header cannot carry, and reserved names, in the daemon's words", () => {
    const bad = parseHeaders('X-Team: infra ✓');
    expect(!bad.ok && bad.error).toBe(
      'Line 1: the value of "X-Team" contains "✓" (U+2713), which an HTTP header cannot carry: use only ASCII and Latin-1 characters (check for a mistyped or pasted character).',
    );
    const reserved = parseHeaders('# note\nAuthorization: Bearer x');
    expect(!reserved.ok && reserved.error).toBe(`Line 2: ${headerNameProblem('Authorization')}.`);
    expect(validate(values({ headers: 'X-Tab: a\u0007b' }), ctx).headers).toMatch(/control characters/);
  });
});
