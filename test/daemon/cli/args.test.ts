/** The pure parts of the CLI: argument splitting, key-flag refusal and tables. */
import { describe, expect, it } from 'vitest';
import { refuseKeyFlags, splitCommand, UsageError } from '../../../daemon/cli/args';
import { formatTable } from '../../../daemon/cli/output';

describe('argument handling', () => {
  it('finds command words around global flags', () => {
    const hasSub = (g: string) => g === 'connections';
    expect(splitCommand(['--home', '/h', 'connections', '--json', 'add', '--name', 'x'], hasSub)).toEqual({
      group: 'connections',
      sub: 'add',
      rest: ['--home', '/h', '--json', '--name', 'x'],
    });
    expect(splitCommand(['chat', 'add'], hasSub)).toEqual({ group: 'chat', rest: ['add'] });
  });

  it('refuses key flags', () => {
    expect(() => refuseKeyFlags(['--api-key=sk-x'])).toThrow(UsageError);
    expect(() => refuseKeyFlags(['--key', 'sk-x'])).toThrow(/--key is not accepted/);
    expect(() => refuseKeyFlags(['--key-stdin', '--key-env', 'X'])).not.toThrow();
  });

  it('aligns table columns by visible width', () => {
    expect(
      formatTable(
        ['A', 'B'],
        [
          ['\u001b[32mok\u001b[0m', 'x'],
          ['long', 'y'],
        ],
      ),
    ).toBe('A     B\n\u001b[32mok\u001b[0m    x\nlong  y\n');
  });
});
