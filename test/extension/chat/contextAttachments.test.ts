import { describe, expect, it } from 'vitest';
import { AttachmentError } from '../../../extension/chat/attachments';
import {
  cleanTerminalText,
  MAX_PROBLEMS,
  MAX_TERMINAL_CHARS,
  problemsAttachment,
  symbolAttachment,
  terminalAttachment,
  type ProblemSnapshot,
} from '../../../extension/chat/contextAttachments';
import { renderAttachment } from '../../../extension/chat/prompt';
import { definedOnly, type Loose } from '../../../shared/definedOnly';

const problem = (over: Partial<Loose<ProblemSnapshot>> = {}): ProblemSnapshot =>
  definedOnly<Loose<ProblemSnapshot>>({
    path: 'src/app.ts',
    line: 3,
    column: 5,
    severity: 'error',
    message: 'Cannot find name x.',
    source: 'ts',
    code: '2304',
    ...over,
  });

describe('problems as context', () => {
  it('lists errors first, one line each, and counts them in the label', () => {
    const a = problemsAttachment([
      problem({
        severity: 'warning',
        path: 'src/b.ts',
        line: 1,
        message: 'Unused import.',
        code: undefined,
        source: 'eslint',
      }),
      problem({ message: 'Cannot find name x.\n  Did you mean y?' }),
      problem({ severity: 'hint', message: 'hint left out' }),
    ]);
    expect(a).toMatchObject({ kind: 'problems', label: 'Problems (1 error, 1 other)', path: 'workspace' });
    expect(a.text).toBe(
      'src/app.ts:3:5 error Cannot find name x. Did you mean y? (ts 2304)\nsrc/b.ts:1:5 warning Unused import. (eslint)\n',
    );
    expect(renderAttachment(a)).toContain('Problems VS Code reports in the workspace:');
  });

  it('keeps to one file for /fix, and refuses when there is nothing to attach', () => {
    const a = problemsAttachment([problem(), problem({ path: 'src/other.ts' })], 'src/app.ts');
    expect(a.label).toBe('Problems in app.ts (1 error, 0 other)');
    expect(a.text.split('\n').filter(Boolean)).toHaveLength(1);
    expect(() => problemsAttachment([])).toThrow(AttachmentError);
    expect(() => problemsAttachment([problem()], 'src/none.ts')).toThrow('VS Code reports no problems in none.ts.');
  });

  it('lists at most MAX_PROBLEMS and says how many were left out', () => {
    const many = Array.from({ length: MAX_PROBLEMS + 5 }, (_, i) => problem({ line: i + 1 }));
    const lines = problemsAttachment(many).text.trim().split('\n');
    expect(lines).toHaveLength(MAX_PROBLEMS + 1);
    expect(lines.at(-1)).toBe('[… 5 more problems not listed]');
  });
});

describe('terminal output as context', () => {
  it('drops colours, shell-integration marks and progress redraws', () => {
    const raw = '\u001b]633;C\u0007$ npm test\r\n\u001b[31mFAIL\u001b[0m src/a.test.ts\r\n10%\r50%\r100%\r\n';
    expect(cleanTerminalText(raw)).toBe('$ npm test\nFAIL src/a.test.ts\n100%\n');
    const a = terminalAttachment('bash', raw);
    expect(a).toMatchObject({
      kind: 'terminal',
      label: 'Terminal: bash',
      path: 'bash',
      text: '$ npm test\nFAIL src/a.test.ts\n100%\n',
    });
    expect(renderAttachment(a)).toMatch(/^Recent output of the terminal "bash":\n```text\n\$ npm test/);
  });

  it('keeps the end of long output and refuses a terminal with nothing recorded, saying what to do', () => {
    const long = `${'old line\n'.repeat(5000)}the end`;
    const a = terminalAttachment('zsh', long);
    expect(a.text.startsWith('[… earlier output left out]\n')).toBe(true);
    expect(a.text.trimEnd().endsWith('the end')).toBe(true);
    expect(a.text.length).toBeLessThanOrEqual(MAX_TERMINAL_CHARS + 40);
    expect(() => terminalAttachment('bash', '\u001b[0m\r\n')).toThrow(
      /No output of "bash" was recorded.*run the command again/,
    );
  });
});

describe('a symbol as context', () => {
  it("carries the symbol's lines (1-based) and names it in the prompt", () => {
    const a = symbolAttachment({
      name: 'parseSlash',
      path: 'src/slash.ts',
      languageId: 'typescript',
      startLine: 9,
      endLine: 19,
      text: 'function parseSlash() {}',
    });
    expect(a).toMatchObject({ kind: 'symbol', label: 'parseSlash (slash.ts:10-20)', startLine: 10, endLine: 20 });
    expect(renderAttachment(a)).toBe(
      'parseSlash in `src/slash.ts` (lines 10-20):\n```typescript\nfunction parseSlash() {}\n```',
    );
    expect(() =>
      symbolAttachment({ name: 'x', path: 'a.ts', languageId: 'ts', startLine: 0, endLine: 0, text: ' ' }),
    ).toThrow(AttachmentError);
  });
});
