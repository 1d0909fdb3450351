/** What a create or an update does with secret header values: the rules of headerPlan.ts. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, SECRET_HEADER_MASK as MASK } from '../../../shared/protocol';
import { planHeaders, type StoredHeaders } from '../../../daemon/connections/headerPlan';
import { failure } from '../../helpers/failure';

const stored: StoredHeaders = {
  headers: { 'X-Team': 'blue', 'Helicone-Auth': MASK },
  secretHeaders: ['Helicone-Auth'],
};
const vault = (values: Record<string, string>) => (lower: string) => values[lower];
const held = vault({ 'helicone-auth': 'Bearer sk-old' });
const plan = (...args: Parameters<typeof planHeaders>) => planHeaders(...args)!;
const refusal = (fn: () => unknown) => failure(Promise.resolve().then(fn));

describe('planHeaders on create', () => {
  it('stores secret values in the vault and masks them in the record', () => {
    const p = plan(undefined, { 'X-Team': 'blue', 'Helicone-Auth': 'Bearer sk-live' }, undefined, () => undefined);
    expect(p.headers).toEqual({ 'X-Team': 'blue', 'Helicone-Auth': MASK });
    expect(p.secretHeaders).toEqual(['Helicone-Auth']);
    expect([...p.store]).toEqual([['helicone-auth', 'Bearer sk-live']]);
    expect(p.forget).toEqual([]);
    expect(p.changed).toEqual(['X-Team', 'Helicone-Auth']);
  });

  it('treats a header named in secretHeaders as secret, in any case', () => {
    const p = plan(undefined, { 'X-Tenant': 'acme' }, ['x-tenant'], () => undefined);
    expect(p.headers).toEqual({ 'X-Tenant': MASK });
    expect(p.secretHeaders).toEqual(['X-Tenant']);
    expect(p.store.get('x-tenant')).toBe('acme');
  });

  it('returns nothing to do when neither headers nor secretHeaders is given', () => {
    expect(planHeaders(undefined, undefined, undefined, () => undefined)).toBeUndefined();
  });

  it('refuses the mask on a new connection with VALIDATION naming the header', async () => {
    const error = await refusal(() => plan(undefined, { 'Helicone-Auth': MASK }, undefined, () => undefined));
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.data.field).toBe('headers.Helicone-Auth');
  });

  it('refuses a secretHeaders name that is not a header, and a header given twice in different case', async () => {
    expect((await refusal(() => plan(undefined, { 'X-A': '1' }, ['X-B'], () => undefined))).data.field).toBe(
      'secretHeaders',
    );
    expect(
      (await refusal(() => plan(undefined, { 'X-A': '1', 'x-a': '2' }, undefined, () => undefined))).message,
    ).toMatch(/"x-a" is given twice/);
  });
});

describe('planHeaders on update', () => {
  it('keeps a secret sent back as the mask, touching neither the vault nor the audit', () => {
    const p = plan(stored, { 'X-Team': 'green', 'Helicone-Auth': MASK }, undefined, held);
    expect(p.headers).toEqual({ 'X-Team': 'green', 'Helicone-Auth': MASK });
    expect(p.secretHeaders).toEqual(['Helicone-Auth']);
    expect(p.store.size).toBe(0);
    expect(p.forget).toEqual([]);
    expect(p.changed).toEqual(['X-Team']);
  });

  it('keeps a secret whose stored value cannot be read when it is sent back masked', () => {
    const p = plan(stored, { 'Helicone-Auth': MASK }, undefined, () => undefined);
    expect(p.store.size).toBe(0);
    expect(p.secretHeaders).toEqual(['Helicone-Auth']);
  });

  it('replaces a secret with a new value', () => {
    const p = plan(stored, { 'X-Team': 'blue', 'Helicone-Auth': 'Bearer sk-new' }, undefined, held);
    expect([...p.store]).toEqual([['helicone-auth', 'Bearer sk-new']]);
    expect(p.changed).toEqual(['Helicone-Auth']);
  });

  it('writes nothing when the typed value is the stored one', () => {
    const p = plan(stored, { 'X-Team': 'blue', 'Helicone-Auth': 'Bearer sk-old' }, undefined, held);
    expect(p.store.size).toBe(0);
    expect(p.changed).toEqual([]);
  });

  it('forgets a secret header that is left out', () => {
    const p = plan(stored, { 'X-Team': 'blue' }, undefined, held);
    expect(p.headers).toEqual({ 'X-Team': 'blue' });
    expect(p.secretHeaders).toBeUndefined();
    expect(p.forget).toEqual(['helicone-auth']);
    expect(p.changed).toEqual(['Helicone-Auth']);
  });

  it('forgets every secret on headers: null', () => {
    const p = plan(stored, null, undefined, held);
    expect(p.headers).toBeUndefined();
    expect(p.forget).toEqual(['helicone-auth']);
    expect(p.changed).toEqual(['X-Team', 'Helicone-Auth']);
  });

  it('keeps a previously secret header secret when its new value looks harmless, unless secretHeaders is sent without it', () => {
    const custom: StoredHeaders = { headers: { 'X-Tenant': MASK }, secretHeaders: ['X-Tenant'] };
    const kept = plan(custom, { 'X-Tenant': 'other' }, undefined, vault({ 'x-tenant': 'acme' }));
    expect(kept.headers).toEqual({ 'X-Tenant': MASK });
    expect(kept.store.get('x-tenant')).toBe('other');
    const plain = plan(custom, { 'X-Tenant': 'other' }, null, vault({ 'x-tenant': 'acme' }));
    expect(plain.headers).toEqual({ 'X-Tenant': 'other' });
    expect(plain.secretHeaders).toBeUndefined();
    expect(plain.forget).toEqual(['x-tenant']);
  });

  it('never turns a kept secret plain, even when secretHeaders no longer names it', () => {
    const custom: StoredHeaders = { headers: { 'X-Tenant': MASK }, secretHeaders: ['X-Tenant'] };
    const p = plan(custom, { 'X-Tenant': MASK }, [], vault({ 'x-tenant': 'acme' }));
    expect(p.headers).toEqual({ 'X-Tenant': MASK });
    expect(p.forget).toEqual([]);
  });

  it('moves a stored plain header into the vault when secretHeaders alone names it', () => {
    const p = plan({ headers: { 'X-Tenant': 'acme' } }, undefined, ['X-Tenant'], () => undefined);
    expect(p.headers).toEqual({ 'X-Tenant': MASK });
    expect(p.store.get('x-tenant')).toBe('acme');
  });

  it('keeps a plain stored value that a client saw masked (not yet migrated) and moves it to the vault', () => {
    const p = plan(
      { headers: { 'X-Gateway-Token': 'tok-123' } },
      { 'X-Gateway-Token': MASK },
      undefined,
      () => undefined,
    );
    expect(p.headers).toEqual({ 'X-Gateway-Token': MASK });
    expect(p.store.get('x-gateway-token')).toBe('tok-123');
  });

  it('matches stored headers case-insensitively and reports a case change', () => {
    const p = plan(stored, { 'x-team': 'blue', 'helicone-auth': MASK }, undefined, held);
    expect(p.headers).toEqual({ 'x-team': 'blue', 'helicone-auth': MASK });
    expect(p.store.size).toBe(0);
    expect(p.forget).toEqual([]);
    expect(p.changed).toEqual(['x-team', 'helicone-auth']);
  });

  it('refuses the mask for a header the connection does not have', async () => {
    const error = await refusal(() => plan(stored, { 'X-Other': MASK }, undefined, held));
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.message).toMatch(/no header "X-Other"/);
  });

  it('keeps the record free of prototype tricks', () => {
    const p = plan(
      undefined,
      JSON.parse('{"__proto__": "x", "X-A": "1"}') as Record<string, string>,
      undefined,
      () => undefined,
    );
    expect(Object.getPrototypeOf(p.headers)).toBe(Object.prototype);
    expect(Object.hasOwn(p.headers!, '__proto__')).toBe(true);
  });
});
