/** PKCE S256 (RFC 7636 appendix B's vector), the sign-in URL, and the state check on the way back. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import {
  callbackWithState,
  codeFromCallback,
  openRouterAuthBase,
  openRouterAuthUrl,
  OPENROUTER_AUTH_URL_TEST_VARIABLE,
} from '../../shared/oauth/openRouterAuth';
import { newPkce, s256Challenge } from '../../shared/oauth/pkce';

describe('OpenRouter sign-in (PKCE)', () => {
  it('derives the S256 challenge as RFC 7636 does', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    const a = newPkce();
    const b = newPkce();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.challenge).toBe(s256Challenge(a.verifier));
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.state).not.toBe(b.state);
  });

  it('builds the auth URL OpenRouter documents, with the state inside the callback', () => {
    const url = new URL(
      openRouterAuthUrl('https://openrouter.ai', callbackWithState('http://127.0.0.1:5000/callback', 'st4te'), 'chal'),
    );
    expect(url.origin + url.pathname).toBe('https://openrouter.ai/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      callback_url: 'http://127.0.0.1:5000/callback?state=st4te',
      code_challenge: 'chal',
      code_challenge_method: 'S256',
    });
  });

  it('reads the auth base from the test-only variable, else OpenRouter', () => {
    expect(openRouterAuthBase({})).toBe('https://openrouter.ai');
    expect(openRouterAuthBase({ [OPENROUTER_AUTH_URL_TEST_VARIABLE]: 'http://127.0.0.1:9/' })).toBe(
      'http://127.0.0.1:9',
    );
  });

  it("takes the code only from an address with this sign-in's state (whole address or pasted query)", () => {
    expect(codeFromCallback('http://127.0.0.1:5000/callback?state=s1&code=abc', 's1')).toBe('abc');
    expect(codeFromCallback('vscode://switchboard-dev.switchboard/openrouter?state=s1&code=abc', 's1')).toBe('abc');
    expect(codeFromCallback('?state=s1&code=abc', 's1')).toBe('abc');
    const codeOf = (address: string) => {
      try {
        codeFromCallback(address, 's1');
        return 'accepted';
      } catch (error) {
        return error instanceof SwitchboardError ? error.code : 'other';
      }
    };
    expect(codeOf('http://127.0.0.1/cb?state=s2&code=abc')).toBe(ErrorCode.OAUTH_EXCHANGE_FAILED);
    expect(codeOf('http://127.0.0.1/cb?code=abc')).toBe(ErrorCode.OAUTH_EXCHANGE_FAILED);
    expect(codeOf('http://127.0.0.1/cb?state=s1')).toBe(ErrorCode.OAUTH_EXCHANGE_FAILED);
    expect(codeOf('http://127.0.0.1/cb?state=s1&error=access_denied')).toBe(ErrorCode.OAUTH_EXCHANGE_FAILED);
  });
});
