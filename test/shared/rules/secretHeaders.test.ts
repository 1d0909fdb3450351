/** Which header values count as credentials. */
import { describe, expect, it } from 'vitest';
import { isSecretHeader } from '../../../shared/rules/secretHeaders';

describe('isSecretHeader', () => {
  it.each([
    'Helicone-Auth',
    'X-Portkey-Api-Key',
    'Cf-Access-Client-Secret',
    'X-Gateway-Token',
    'X-Password',
    'X-Passwd',
    'Cookie',
    'X-Session-Id',
    'X-Credential',
    'X-Amz-Signature',
    'proxy-authorization',
    'x-api-KEY-2',
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
