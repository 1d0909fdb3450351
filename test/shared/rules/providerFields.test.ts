/**
 * The rules on a custom provider's key header: what the protocol's schema, the CLI and the manager's
 * "Custom provider…" form all refuse, in the same words (shared/rules/providerFields.ts).
 */
import { describe, expect, it } from 'vitest';
import { ProviderInput } from '../../../shared/protocol';
import {
  authHeaderNameProblem,
  authHeaderValue,
  authPrefixProblem,
  providerIdProblem,
} from '../../../shared/rules/providerFields';

const base = {
  id: 'acme',
  name: 'Acme',
  adapter: 'openai',
  defaultBaseUrl: 'https://llm.acme.test/v1',
  requiresKey: true,
};
const schemaMessage = (authHeader: unknown) => {
  const r = ProviderInput.safeParse({ ...base, authHeader });
  return r.success ? undefined : r.error.issues[0]!.message;
};

describe('the auth header rules', () => {
  it('take the headers gateways use, Authorization and api-key included', () => {
    for (const name of ['api-key', 'Authorization', 'x-api-key', 'X-Gateway-Token'])
      expect(authHeaderNameProblem(name)).toBeUndefined();
    expect(authPrefixProblem('Token')).toBeUndefined();
  });

  it('refuse a name that is no header, one that frames the request, and a prefix with spaces', () => {
    expect(authHeaderNameProblem('api key')).toMatch(/is not a valid header name/);
    expect(authHeaderNameProblem('Content-Type')).toMatch(/frames the request and cannot carry a key/);
    expect(authHeaderNameProblem('host')).toMatch(/frames the request/);
    expect(authPrefixProblem('Token x')).toMatch(/one word without spaces/);
    expect(authPrefixProblem('Tökén')).toMatch(/visible ASCII/);
    expect(authPrefixProblem('x'.repeat(41))).toMatch(/at most 40/);
    expect(providerIdProblem('My Gateway')).toMatch(/lowercase letters/);
    expect(providerIdProblem('my-gateway')).toBeUndefined();
  });

  it('are what the protocol schema says, word for word', () => {
    expect(schemaMessage({ name: 'api-key', prefix: 'Token' })).toBeUndefined();
    expect(schemaMessage({ name: 'api-key' })).toBeUndefined();
    expect(schemaMessage({ name: 'Content-Length' })).toBe(authHeaderNameProblem('Content-Length'));
    expect(schemaMessage({ name: 'api-key', prefix: 'Token x' })).toBe(authPrefixProblem('Token x'));
    expect(schemaMessage({ name: 'api-key', prefix: '' })).toMatch(/leave it out/);
    expect(schemaMessage({ name: 'api-key', extra: 1 })).toBeDefined();
  });

  it('put one space between the prefix and the key, none without a prefix', () => {
    expect(authHeaderValue('Token', 'k-1')).toBe('Token k-1');
    expect(authHeaderValue(undefined, 'k-1')).toBe('k-1');
  });
});
