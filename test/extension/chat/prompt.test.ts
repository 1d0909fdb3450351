import { describe, expect, it } from 'vitest';
import type { ChatTurn } from '../../../shared/webview';
import { buildMessages, renderAttachment, titleFrom } from '../../../extension/chat/prompt';
import { attachment } from './fakes';

const at = '2025-01-01T00:00:00Z';
const u = (text: string): ChatTurn => ({ role: 'user', id: text, text, attachments: [], at });
const a = (text: string, status: 'done' | 'stopped' | 'error' = 'done'): ChatTurn => ({
  role: 'assistant',
  id: text,
  text,
  status,
  at,
});

describe('buildMessages', () => {
  it('sends the history in order, then the new message', () => {
    expect(buildMessages([u('q1'), a('a1'), u('q2'), a('a2')], { text: 'q3', attachments: [] })).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: 'a2' },
      { role: 'user', content: 'q3' },
    ]);
  });

  it('leaves out failed answers and merges the question they leave alone with the next message', () => {
    expect(buildMessages([u('q1'), a('boom', 'error')], { text: 'try again', attachments: [] })).toEqual([
      { role: 'user', content: 'q1\n\ntry again' },
    ]);
  });

  it("keeps a stopped answer's partial text, and skips an empty one", () => {
    expect(
      buildMessages([u('q1'), a('half', 'stopped'), u('q2'), a('', 'stopped')], { text: 'q3', attachments: [] }),
    ).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'half' },
      { role: 'user', content: 'q2\n\nq3' },
    ]);
  });

  it('puts attachments before the text as fenced code with path and lines', () => {
    const file = attachment({
      kind: 'file',
      label: 'util.py',
      path: 'lib/util.py',
      languageId: 'python',
      text: 'print(1)\n',
      startLine: undefined,
      endLine: undefined,
    });
    const [msg] = buildMessages([], { text: 'What do these do?', attachments: [attachment(), file] });
    expect(msg!.content).toBe(
      'From `src/app.ts` (lines 2-3):\n```typescript\nconst a = 1;\nconst b = 2;\n```\n\n' +
        'File `lib/util.py`:\n```python\nprint(1)\n```\n\n' +
        'What do these do?',
    );
  });

  it('sends attachments alone when there is no text', () => {
    expect(buildMessages([], { text: '  ', attachments: [attachment()] })[0]!.content).toMatch(
      /^From `src\/app.ts`[^]*```$/,
    );
  });
});

describe('renderAttachment', () => {
  it('uses a fence longer than any backtick run in the text, so the block cannot be closed early', () => {
    const md = attachment({ languageId: 'markdown', text: 'Example:\n```js\nx\n```\n````\n' });
    const out = renderAttachment(md);
    expect(out.split('\n')[1]).toBe('`````markdown');
    expect(out.endsWith('\n`````')).toBe(true);
  });

  it('names a single line once', () => {
    expect(renderAttachment(attachment({ startLine: 4, endLine: 4 }))).toMatch(/^From `src\/app.ts` \(line 4\):/);
  });
});

describe('titleFrom', () => {
  it('takes the first line, shortened to 60 characters', () => {
    expect(titleFrom('  Explain this\nplease', [])).toBe('Explain this');
    const long = titleFrom('a'.repeat(100), []);
    expect(long).toHaveLength(60);
    expect(long.endsWith('…')).toBe(true);
  });

  it('names the attachment when there is no text', () => {
    expect(titleFrom('', [attachment()])).toBe('About app.ts:2-3');
    expect(titleFrom('', [])).toBe('New chat');
  });
});
