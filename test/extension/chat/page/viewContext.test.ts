// @vitest-environment happy-dom
import './happyDomNodeName';
import { describe, expect, it } from 'vitest';
import { triggerAt } from '../../../../extension/chat/page/suggest';
import { chat, setup, userTurn, viewState } from './fixtures';

const options = (t: ReturnType<typeof setup>) =>
  t.$$('.suggestions li[role="option"]').map((li) => li.querySelector('.suggestion-label')!.textContent);

describe('chat page: what is being typed at the caret', () => {
  it('finds @mentions anywhere after a space, / commands only at the start, and /ask connections', () => {
    expect(triggerAt('@', 1)).toEqual({ kind: 'mention', query: '', start: 0 });
    expect(triggerAt('look at @app', 12)).toEqual({ kind: 'mention', query: 'app', start: 8 });
    expect(triggerAt('mail me@example.com', 19)).toBeUndefined();
    expect(triggerAt('@app done', 9)).toBeUndefined();
    expect(triggerAt('/ex', 3)).toEqual({ kind: 'slash', query: 'ex', start: 0 });
    expect(triggerAt('see /ex', 7)).toBeUndefined();
    expect(triggerAt('/usr/bin', 8)).toBeUndefined();
    expect(triggerAt('/ask Cl', 7)).toEqual({ kind: 'ask', query: 'Cl', start: 5 });
    expect(triggerAt('/ask Claude why', 15)).toBeUndefined();
  });
});

describe('chat page: @-mentions', () => {
  it('asks the host for matches, lists them, and on Enter attaches the pick instead of sending', () => {
    const t = setup();
    t.type('explain @ap');
    expect(t.posted.at(-1)).toEqual({ type: 'mentionQuery', requestId: 1, query: 'ap' });
    t.type('explain @app');
    expect(t.posted.at(-1)).toEqual({ type: 'mentionQuery', requestId: 2, query: 'app' });
    // An answer to an older question is ignored: the person typed on.
    t.receive({
      type: 'mentions',
      requestId: 1,
      items: [{ kind: 'file', label: 'apple.ts', uri: 'file:///w/apple.ts' }],
    });
    expect(options(t)).toEqual([]);
    const file = { kind: 'file' as const, label: 'app.ts', detail: 'src/app.ts', uri: 'file:///w/src/app.ts' };
    t.receive({
      type: 'mentions',
      requestId: 2,
      items: [{ kind: 'problems', label: 'problems', detail: '2 errors' }, file],
    });
    expect(options(t)).toEqual(['problems', 'app.ts']);
    expect(t.$('.suggestions li[aria-selected="true"] .suggestion-label')!.textContent).toBe('problems');
    t.posted.length = 0;
    t.key('ArrowDown');
    const enter = t.key('Enter');
    expect(enter.defaultPrevented).toBe(true);
    expect(t.posted).toEqual([{ type: 'addMention', mention: file }]);
    expect(t.input().value).toBe('explain ');
    expect(t.$('.suggestions')!.hidden).toBe(true);
  });

  it('closes on Escape, and then Enter sends', () => {
    const t = setup();
    t.type('hi @x');
    t.receive({ type: 'mentions', requestId: 1, items: [{ kind: 'terminal', label: 'terminal' }] });
    expect(options(t)).toEqual(['terminal']);
    t.key('Escape');
    expect(t.$('.suggestions')!.hidden).toBe(true);
    t.posted.length = 0;
    t.key('Enter');
    expect(t.posted).toEqual([{ type: 'send', requestId: 1, text: 'hi @x' }]);
  });

  it('picks with the mouse', () => {
    const t = setup();
    t.type('@sel');
    t.receive({
      type: 'mentions',
      requestId: 1,
      items: [{ kind: 'selection', label: 'selection', detail: 'app.ts:3-4' }],
    });
    t.$('.suggestions li[data-index="0"]')!.dispatchEvent(
      new MouseEvent('mousedown', { bubbles: true, cancelable: true }),
    );
    expect(t.posted.at(-1)).toEqual({
      type: 'addMention',
      mention: { kind: 'selection', label: 'selection', detail: 'app.ts:3-4' },
    });
  });

  it("shows each chip's kind with a remove button", () => {
    const t = setup();
    t.receive({
      type: 'attachments',
      attachments: [
        { id: 'p', kind: 'problems', label: 'Problems (1 error, 0 other)', path: 'workspace', text: 'x' },
        { id: 'i', kind: 'image', label: 'shot.png', path: 'shot.png', text: '' },
      ],
    });
    expect(
      t.$$('.attachment-chip').map((c) => `${c.dataset.kind}:${c.querySelector('.chip-label')!.textContent}`),
    ).toEqual(['problems:Problems (1 error, 0 other)', 'image:shot.png']);
    t.button('Remove shot.png')!.click();
    expect(t.posted.at(-1)).toEqual({ type: 'removeAttachment', id: 'i' });
  });
});

describe('chat page: slash commands', () => {
  it('lists the commands after / and completes the pick; /ask then lists the connections', () => {
    const t = setup();
    t.type('/');
    expect(options(t)).toEqual(['/explain', '/fix', '/tests', '/ask <connection> <question>']);
    t.type('/t');
    expect(options(t)).toEqual(['/tests']);
    t.key('Tab');
    expect(t.input().value).toBe('/tests ');
    expect(t.posted.filter((m) => m.type === 'send')).toEqual([]);
    t.type('/as');
    t.key('Enter');
    expect(t.input().value).toBe('/ask ');
    expect(options(t)).toEqual(['Work', 'Backup']);
    t.type('/ask b');
    expect(options(t)).toEqual(['Backup']);
    t.key('Enter');
    expect(t.input().value).toBe('/ask Backup ');
    expect(t.$('.suggestions')!.hidden).toBe(true);
  });
});

describe('chat page: images', () => {
  it('"Attach image" asks the host; a pasted image goes to it as base64', async () => {
    const t = setup();
    t.button('Attach image')!.click();
    expect(t.posted.at(-1)).toEqual({ type: 'attachImage' });
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'shot.png', { type: 'image/png' });
    const paste = new Event('paste', { bubbles: true, cancelable: true }) as ClipboardEvent;
    Object.defineProperty(paste, 'clipboardData', {
      value: { items: [{ kind: 'file', type: 'image/png', getAsFile: () => png }] },
    });
    t.input().dispatchEvent(paste);
    expect(paste.defaultPrevented).toBe(true);
    await expect
      .poll(() => t.posted.at(-1))
      .toEqual({ type: 'addImage', name: 'shot.png', mediaType: 'image/png', data: 'iVBORw==' });
  });

  it('leaves a text paste alone', () => {
    const t = setup();
    const paste = new Event('paste', { bubbles: true, cancelable: true }) as ClipboardEvent;
    Object.defineProperty(paste, 'clipboardData', {
      value: { items: [{ kind: 'string', type: 'text/plain', getAsFile: () => null }] },
    });
    t.input().dispatchEvent(paste);
    expect(paste.defaultPrevented).toBe(false);
  });
});

describe('chat page: empty state (onboarding)', () => {
  it('offers Add Connection and Import from Environment as buttons when there is no connection', () => {
    const t = setup({ state: viewState({ connections: [] }) });
    const empty = t.$('.empty-state')!;
    expect(empty.hidden).toBe(false);
    expect(empty.textContent).not.toContain('Command Palette');
    t.button('Add Connection')!.click();
    t.button('Import from Environment')!.click();
    t.button('Open the Get Started walkthrough')!.click();
    expect(t.posted.slice(-3)).toEqual([
      { type: 'runCommand', command: 'addConnection' },
      { type: 'runCommand', command: 'importFromEnvironment' },
      { type: 'runCommand', command: 'openWalkthrough' },
    ]);
  });

  it('says how to add context in a new chat, and nothing once it has turns', () => {
    const t = setup();
    expect(t.$('.empty-state')!.textContent).toContain('Type @ to add a file');
    t.receive({ type: 'chat', chat: chat([userTurn('u1', 'hi')]), busy: false });
    expect(t.$('.empty-state')!.hidden).toBe(true);
    expect(t.button('Add Connection')).toBeNull();
  });
});
