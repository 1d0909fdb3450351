// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  codeBlockInfos,
  commandOf,
  fenceInfo,
  isShell,
  looksLikePath,
  pathInFirstLine,
  pathInLeadIn,
} from '../../../../extension/chat/page/codeBlocks';

describe('code blocks: which file a block is for', () => {
  it('reads the language and path from the fence info', () => {
    expect(fenceInfo('ts')).toEqual({ language: 'ts' });
    expect(fenceInfo('ts src/app.ts')).toEqual({ language: 'ts', path: 'src/app.ts' });
    expect(fenceInfo('ts:src/app.ts')).toEqual({ language: 'ts', path: 'src/app.ts' });
    expect(fenceInfo('typescript title="src/app.ts"')).toEqual({ language: 'typescript', path: 'src/app.ts' });
    expect(fenceInfo('python filename=tools/run.py')).toEqual({ language: 'python', path: 'tools/run.py' });
    expect(fenceInfo('src/app.ts')).toEqual({ path: 'src/app.ts' });
    expect(fenceInfo('c++')).toEqual({ language: 'c++' });
    expect(fenceInfo('')).toEqual({});
  });

  it('reads a path from a first-line comment', () => {
    expect(pathInFirstLine('// src/app.ts\nconst a = 1;')).toBe('src/app.ts');
    expect(pathInFirstLine('# file: scripts/build.py\nprint(1)')).toBe('scripts/build.py');
    expect(pathInFirstLine('<!-- docs/index.html -->\n<p>')).toBe('docs/index.html');
    expect(pathInFirstLine('// This is a comment\nx')).toBeUndefined();
    expect(pathInFirstLine('const a = 1;')).toBeUndefined();
  });

  it('reads a path from the line before the block only when it leads into it', () => {
    expect(pathInLeadIn('In `src/app.ts`:')).toBe('src/app.ts');
    expect(pathInLeadIn('**src/app.ts**')).toBe('src/app.ts');
    expect(pathInLeadIn('File: src/app.ts')).toBe('src/app.ts');
    expect(pathInLeadIn('Update `package.json` and then run it like this:')).toBe('package.json');
    expect(pathInLeadIn('I changed `src/app.ts` as follows.')).toBeUndefined();
    expect(pathInLeadIn('Call `foo()`:')).toBeUndefined();
  });

  it('tells paths from other words', () => {
    for (const p of ['src/app.ts', 'app.ts', './a/b.py', 'Dir/file', '.github/workflows/ci.yml'])
      expect(looksLikePath(p), p).toBe(true);
    for (const p of ['hello world.ts', 'https://x.io/a.js', 'foo()', '1.5', '', 'dir/'])
      expect(looksLikePath(p), p).toBe(false);
  });

  it('gives one entry per drawn block, in order, from fence, comment or lead-in', () => {
    const md = [
      'First, in `src/a.ts`:',
      '',
      '```ts',
      'a();',
      '```',
      '',
      '- a list item',
      '',
      '  ```py tools/b.py',
      '  b()',
      '  ```',
      '',
      'Then:',
      '',
      '```js',
      '// lib/c.js',
      'c();',
      '```',
      '',
      '    indented code',
      '',
      '```bash',
      'npm test',
      '```',
    ].join('\n');
    expect(codeBlockInfos(md)).toEqual([
      { language: 'ts', path: 'src/a.ts' },
      { language: 'py', path: 'tools/b.py' },
      { language: 'js', path: 'lib/c.js' },
      {},
      { language: 'bash' },
    ]);
  });
});

describe('code blocks: shell commands', () => {
  it('knows shell languages', () => {
    expect(isShell('bash')).toBe(true);
    expect(isShell('PowerShell')).toBe(true);
    expect(isShell('ts')).toBe(false);
    expect(isShell(undefined)).toBe(false);
  });

  it('runs only the prompted lines of a console session, without the prompt', () => {
    expect(commandOf('$ npm ci\nadded 3 packages\n$ npm test', 'console')).toBe('npm ci\nnpm test');
    expect(commandOf('npm ci\nnpm test', 'bash')).toBe('npm ci\nnpm test');
    expect(commandOf('no prompt here', 'console')).toBe('no prompt here');
  });
});
