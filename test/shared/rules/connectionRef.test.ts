import { describe, expect, it } from 'vitest';
import { looksLikeConnectionId, matchConnection } from '../../../shared/rules/connectionRef';

const work = { id: 'conn_b1de55093fcc', name: 'work' };
const other = { id: 'conn_0123456789ab', name: 'Other' };
/** Stored before id-shaped names were refused: its name is work's id. */
const legacy = { id: 'conn_aaaaaaaaaaaa', name: 'conn_b1de55093fcc' };

describe('looksLikeConnectionId', () => {
  it.each(['conn_b1de55093fcc', 'CONN_B1DE55093FCC', 'conn_0', ' conn_abc '])('says %j looks like an id', (text) => {
    expect(looksLikeConnectionId(text)).toBe(true);
  });
  it.each(['work', 'conn_', 'conn_work', 'conn_b1de-5509', 'my conn_abc', 'conn_abc/def'])(
    'says %j does not',
    (text) => {
      expect(looksLikeConnectionId(text)).toBe(false);
    },
  );
});

describe('matchConnection', () => {
  it('matches an exact id, and says so', () => {
    expect(matchConnection('conn_b1de55093fcc', [work, other])).toEqual({ kind: 'id', connection: work });
  });

  it('matches a name without regard to case, and says so', () => {
    expect(matchConnection('OTHER', [work, other])).toEqual({ kind: 'name', connection: other });
  });

  it('matches ids exactly: another case is not an id', () => {
    expect(matchConnection('CONN_B1DE55093FCC', [work, other])).toEqual({ kind: 'none' });
  });

  it("refuses text that is one connection's id and another's name, naming both", () => {
    expect(matchConnection('conn_b1de55093fcc', [work, legacy])).toEqual({
      kind: 'ambiguous',
      byId: work,
      byName: legacy,
    });
    expect(matchConnection('CONN_B1DE55093FCC', [work, legacy])).toEqual({ kind: 'name', connection: legacy });
  });

  it("is not ambiguous when the id and the name are the same connection's", () => {
    const self = { id: 'conn_abcdef012345', name: 'conn_abcdef012345' };
    expect(matchConnection('conn_abcdef012345', [self])).toEqual({ kind: 'id', connection: self });
  });

  it('finds nothing for unknown text', () => {
    expect(matchConnection('nope', [work, other])).toEqual({ kind: 'none' });
  });
});
