/**
 * No import circles in the extension or the daemon (#15): every arrow between their files points one
 * way (scripts/importCircles.mjs walks the imports, type-only ones included).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without declarations
import { findImportCircles } from '../../scripts/importCircles.mjs';

const circles = findImportCircles as (folders: string[], root?: string) => string[][];

describe('import circles', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'sb-circles-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const tree = (name: string, files: Record<string, string>): string => {
    const root = join(scratch, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    return root;
  };

  it('finds none in extension/ or daemon/', () => {
    expect(circles(['extension', 'daemon'])).toEqual([]);
  }, 60_000);

  it('finds a loop through three files, type-only imports and folder indexes included', () => {
    const root = tree('three', {
      'src/a.ts': "import { b } from './b';\nexport const a = b;",
      'src/b.ts': "import type { C } from './c/index';\nexport const b = 1 as unknown as C;",
      'src/c/index.ts': "export { a } from '../a';\nexport type C = number;",
      'src/d.ts': "import { a } from './a';\nexport const d = a;",
    });
    expect(circles(['src'], root)).toEqual([['src/a.ts', 'src/b.ts', 'src/c/index.ts', 'src/a.ts']]);
  });

  it('finds a dynamic import() closing a loop, and passes a tree whose arrows point one way', () => {
    const loop = tree('dynamic', {
      'src/a.ts': "import { b } from './b';\nexport const a = b;",
      'src/b.ts': "export const b = 1;\nexport const later = () => import('./a');",
    });
    expect(circles(['src'], loop)).toEqual([['src/a.ts', 'src/b.ts', 'src/a.ts']]);
    const oneWay = tree('oneWay', {
      'src/a.ts': "import { b } from './b';\nimport { c } from './c';\nexport const a = b + c;",
      'src/b.ts': "import { c } from './c';\nexport const b = c;",
      'src/c.ts': "import { z } from 'zod';\nexport const c = z ? 1 : 0;",
    });
    expect(circles(['src'], oneWay)).toEqual([]);
  });
});
