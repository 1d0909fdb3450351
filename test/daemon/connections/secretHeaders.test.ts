/** Which header values count as credentials, how responses show them, and their vault ids. */
import { describe, expect, it } from 'vitest';
import { SECRET_HEADER_MASK } from '../../../shared/protocol';
import { headerVaultId, headerVaultPrefix, isSecretHeader, publicHeaders } from '../../../daemon/connections/secretHeaders';

describe('isSecretHeader', () => {
  it.each([
    'Helicone-Auth', 'X-Portkey-Api-Key', 'Cf-Access-Client-Secret', 'X-Gateway-Token', 'X-Password', 'X-Passwd', 'Cookie',
    'X-Session-Id', 'X-Credential', 'X-Amz-Signature', 'proxy-authorization', 'x-api-KEY-2',
  ])('treats the name %s as secret whatever its value', (name) => {
    expect(isSecretHeader(name, 'x')).toBe(true);
  });

  it.each([
    ['Bearer abc', 'an auth scheme'],
    ['basic dXNlcjpwYXNz', 'an auth scheme in any case'],
    ['sk-short', 'an sk- key'],
    ['0123456789abcdefABCDEF_-.=', 'one token of 24+ characters'],
    ['  aaaaaaaaaaaaaaaaaaaaaaaaaaaa  ', 'a long token with stray spaces'],
  ])('treats a value like %j as secret (%s)', (value) => {
    expect(isSecretHeader('X-Anything', value)).toBe(true);
  });

  it.each([
    ['X-Team', 'blue'],
    ['HTTP-Referer', 'https://example.com/app'],
    ['X-Title', 'My app with spaces and more than twenty-four characters'],
    ['X-Short', '0123456789abcdef0123456'],
    ['X-Region', 'eu-west-1'],
  ])('leaves %s: %s in plain sight', (name, value) => {
    expect(isSecretHeader(name, value)).toBe(false);
  });
});

describe('publicHeaders', () => {
  it('masks the listed secret headers and lists them', () => {
    expect(publicHeaders({ 'X-Team': 'blue', 'X-Custom': SECRET_HEADER_MASK }, ['x-custom'])).toEqual({
      headers: { 'X-Team': 'blue', 'X-Custom': SECRET_HEADER_MASK },
      secretHeaders: ['X-Custom'],
    });
  });

  it('masks a plaintext value that looks secret even when it is not listed (a record not yet migrated)', () => {
    expect(publicHeaders({ 'Helicone-Auth': 'Bearer sk-live-123' }, undefined)).toEqual({ headers: { 'Helicone-Auth': SECRET_HEADER_MASK }, secretHeaders: ['Helicone-Auth'] });
  });

  it('adds nothing when there are no headers, and no list when none is secret', () => {
    expect(publicHeaders(undefined, undefined)).toEqual({});
    expect(publicHeaders({ 'X-Team': 'blue' }, [])).toEqual({ headers: { 'X-Team': 'blue' } });
  });
});

describe('vault ids', () => {
  it('are the connection id, #header: and the lowercased name', () => {
    expect(headerVaultId('conn_ab12', 'Helicone-Auth')).toBe('conn_ab12#header:helicone-auth');
    expect(headerVaultId('conn_ab12', 'Helicone-Auth').startsWith(headerVaultPrefix('conn_ab12'))).toBe(true);
    // A connection's prefix never covers another connection whose id starts the same way.
    expect(headerVaultId('conn_ab123', 'x').startsWith(headerVaultPrefix('conn_ab12'))).toBe(false);
  });
});
