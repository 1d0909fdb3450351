/** How responses show secret header values, and their vault ids. */
import { describe, expect, it } from 'vitest';
import { SECRET_HEADER_MASK } from '../../../shared/protocol';
import { headerVaultId, headerVaultPrefix, publicHeaders } from '../../../daemon/connections/secretHeaders';

describe('publicHeaders', () => {
  it('masks the listed secret headers and lists them', () => {
    expect(publicHeaders({ 'X-Team': 'blue', 'X-Custom': SECRET_HEADER_MASK }, ['x-custom'])).toEqual({
      headers: { 'X-Team': 'blue', 'X-Custom': SECRET_HEADER_MASK },
      secretHeaders: ['X-Custom'],
    });
  });

  it('masks a plaintext value that looks secret even when it is not listed (a record not yet migrated)', () => {
    expect(publicHeaders({ 'Helicone-Auth': 'Bearer sk-live-123' }, undefined)).toEqual({
      headers: { 'Helicone-Auth': SECRET_HEADER_MASK },
      secretHeaders: ['Helicone-Auth'],
    });
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
