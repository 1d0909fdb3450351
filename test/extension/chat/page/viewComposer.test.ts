// @vitest-environment happy-dom
import './happyDomNodeName';
import { describe, expect, it } from 'vitest';
import type { ChatAttachment } from '../../../../shared/webview';
import { setup, viewState } from './fixtures';

const sel: ChatAttachment = {
  id: 'att1',
  kind: 'selection',
  label: 'app.ts:12-30',
  path: 'src/app.ts',
  startLine: 12,
  endLine: 30,
  text: 'x',
};
const file: ChatAttachment = { id: 'att2', kind: 'file', label: 'util.ts', path: 'src/util.ts', text: 'y' };
const noConnection = {
  code: 'NO_CONNECTION',
  message: 'No connection is chosen for this chat.',
  hint: 'Pick one in the Connection list.',
  actions: [],
};

describe('chat view: composer', () => {
  it('sends on Enter and inserts a newline on Shift+Enter', () => {
    const t = setup();
    t.type('explain this');
    t.posted.length = 0;
    const shift = t.key('Enter', { shiftKey: true });
    expect(shift.defaultPrevented).toBe(false);
    expect(t.posted).toEqual([]);
    const enter = t.key('Enter');
    expect(enter.defaultPrevented).toBe(true);
    expect(t.posted).toEqual([{ type: 'send', requestId: 1, text: 'explain this' }]);
  });

  it('does not send on an Enter that confirms an IME composition', () => {
    const t = setup();
    t.type('日本');
    t.posted.length = 0;
    t.key('Enter', { isComposing: true });
    t.key('Enter', { keyCode: 229 } as KeyboardEventInit);
    expect(t.posted).toEqual([]);
  });

  it('sends from the Send button, which is disabled for blank text', () => {
    const t = setup();
    const send = t.button('Send')!;
    expect(send.disabled).toBe(true);
    t.type('   \n ');
    expect(send.disabled).toBe(true);
    t.key('Enter');
    expect(t.posted.filter((m) => m.type === 'send')).toEqual([]);
    t.type('hi');
    expect(send.disabled).toBe(false);
    send.click();
    expect(t.posted.at(-1)).toEqual({ type: 'send', requestId: 1, text: 'hi' });
  });

  it('sends context alone: pending attachments enable Send without text', () => {
    const t = setup();
    const send = t.button('Send')!;
    expect(send.disabled).toBe(true);
    t.receive({ type: 'attachments', attachments: [sel] });
    expect(send.disabled).toBe(false);
    t.key('Enter');
    expect(t.posted.at(-1)).toEqual({ type: 'send', requestId: 1, text: '' });
    t.receive({ type: 'accepted', requestId: 1 });
    t.receive({ type: 'attachments', attachments: [] });
    expect(send.disabled).toBe(true);
  });

  it('clears the input only when the host accepts that send', () => {
    const t = setup();
    t.type('question');
    t.key('Enter');
    expect(t.input().value).toBe('question');
    expect(t.button('Send')!.disabled).toBe(true); // no second send while the first is pending
    t.receive({ type: 'accepted', requestId: 99 });
    expect(t.input().value).toBe('question');
    t.receive({ type: 'accepted', requestId: 1 });
    expect(t.input().value).toBe('');
    expect(t.saved()).toEqual({ draft: '' });
  });

  it('keeps the text and shows the error and its hint when the host rejects the send', () => {
    const t = setup();
    t.type('question');
    t.key('Enter');
    t.receive({ type: 'rejected', requestId: 1, error: noConnection });
    expect(t.input().value).toBe('question');
    const error = t.$('.composer-error[role="alert"]')!;
    expect(error.hidden).toBe(false);
    expect(error.querySelector('.error-message')!.textContent).toBe(noConnection.message);
    expect(error.querySelector('.error-hint')!.textContent).toBe(noConnection.hint);
    // The person can try again; the error goes away with the next send.
    t.key('Enter');
    expect(t.posted.at(-1)).toEqual({ type: 'send', requestId: 2, text: 'question' });
    expect(error.hidden).toBe(true);
  });

  it('does not send while an answer streams', () => {
    const t = setup({ state: viewState({ busy: true }) });
    t.type('next');
    t.posted.length = 0;
    t.key('Enter');
    expect(t.posted).toEqual([]);
  });

  it('keeps the draft in the page state and restores it', () => {
    const t = setup();
    t.type('half a thought');
    expect(t.saved()).toEqual({ draft: 'half a thought' });
    const again = setup({ saved: { draft: 'half a thought' } });
    expect(again.input().value).toBe('half a thought');
    expect(again.button('Send')!.disabled).toBe(false);
  });

  it('shows context chips and posts removeAttachment, addSelection and addFile', () => {
    const t = setup({ state: viewState({ attachments: [sel] }) });
    t.receive({ type: 'attachments', attachments: [sel, file] });
    expect(t.$$('.attachments .attachment-chip .chip-label').map((e) => e.textContent)).toEqual([
      'app.ts:12-30',
      'util.ts',
    ]);
    t.posted.length = 0;
    t.button('Remove app.ts:12-30')!.click();
    t.button('Add selection')!.click();
    t.button('Add file')!.click();
    expect(t.posted).toEqual([{ type: 'removeAttachment', id: 'att1' }, { type: 'addSelection' }, { type: 'addFile' }]);
  });

  it('shows the attachments a sent message carried', () => {
    const t = setup();
    t.receive({
      type: 'chat',
      chat: { ...viewState().chat, turns: [{ role: 'user', id: 'u1', text: 'why?', attachments: [sel], at: '' }] },
      busy: false,
    });
    expect(t.$$('.turn.user .attachment-chip').map((e) => e.textContent)).toEqual(['app.ts:12-30']);
  });

  it('focuses the input when the host asks', () => {
    const t = setup();
    t.receive({ type: 'focusInput' });
    expect(document.activeElement).toBe(t.input());
  });

  it('lets Send work again when the daemon goes away before answering', () => {
    const t = setup();
    t.type('q');
    t.key('Enter');
    t.receive({ type: 'daemon', state: 'down' });
    t.receive({ type: 'daemon', state: 'connected' });
    expect(t.button('Send')!.disabled).toBe(false);
  });
});
