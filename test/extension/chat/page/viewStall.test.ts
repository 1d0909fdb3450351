// @vitest-environment happy-dom
/**
 * A streaming answer whose upstream went silent (#17 item 10): the page shows "No data for N s" with
 * Stop and Retry where the answer is, counts up as the host reports, and drops the notice as soon as
 * text arrives again or the answer ends.
 */
import './happyDomNodeName';
import { describe, expect, it } from 'vitest';
import { answer, chat, setup, userTurn, viewState } from './fixtures';

const streaming = () =>
  setup({ state: viewState({ chat: chat([userTurn('u1', 'q'), answer('a1', { text: 'Partial' })]), busy: true }) });
const notice = (t: ReturnType<typeof setup>) => t.$('[data-turn-id="a1"] .answer-stalled');

describe('chat view: a stalled answer', () => {
  it('shows "No data for N s" with Stop and Retry, counting up as the host reports', () => {
    const t = streaming();
    expect(notice(t)).toBeNull();
    t.receive({ type: 'stall', chatId: 'chat1', turnId: 'a1', seconds: 10 });
    expect(notice(t)!.getAttribute('role')).toBe('status');
    expect(notice(t)!.querySelector('.stall-text')!.textContent).toBe('No data for 10 s');
    t.receive({ type: 'stall', chatId: 'chat1', turnId: 'a1', seconds: 11 });
    expect(t.$$('.answer-stalled')).toHaveLength(1);
    expect(notice(t)!.querySelector('.stall-text')!.textContent).toBe('No data for 11 s');
    // The partial answer stays as it was.
    expect(t.$('[data-turn-id="a1"] .turn-body')!.textContent).toContain('Partial');
    t.posted.length = 0;
    t.button('Stop the Stalled Answer')!.click();
    t.button('Stop and Ask Again')!.click();
    expect(t.posted).toEqual([{ type: 'stop' }, { type: 'retry' }]);
  });

  it('drops the notice when text arrives again, and when the host says the stall is over', () => {
    const t = streaming();
    t.receive({ type: 'stall', chatId: 'chat1', turnId: 'a1', seconds: 12 });
    t.receive({ type: 'delta', chatId: 'chat1', turnId: 'a1', text: ' and more.' });
    t.frame();
    expect(notice(t)).toBeNull();
    expect(t.$('[data-turn-id="a1"] .turn-body')!.textContent).toContain('Partial and more.');
    t.receive({ type: 'stall', chatId: 'chat1', turnId: 'a1', seconds: 10 });
    expect(notice(t)).not.toBeNull();
    t.receive({ type: 'stall', chatId: 'chat1', turnId: 'a1', seconds: null });
    expect(notice(t)).toBeNull();
  });

  it('keeps the notice across a redraw of the turn, and drops it when the answer ends', () => {
    const t = streaming();
    t.receive({ type: 'stall', chatId: 'chat1', turnId: 'a1', seconds: 15 });
    // A snapshot that redraws the streaming turn (a tool call, another view's send…).
    t.receive({
      type: 'chat',
      chat: chat([userTurn('u1', 'q'), answer('a1', { text: 'Partial', reasoning: 'hm' })]),
      busy: true,
    });
    expect(notice(t)!.querySelector('.stall-text')!.textContent).toBe('No data for 15 s');
    t.receive({
      type: 'chat',
      chat: chat([userTurn('u1', 'q'), answer('a1', { text: 'Partial', status: 'stopped' })]),
      busy: false,
    });
    expect(notice(t)).toBeNull();
  });

  it("ignores another chat's stall", () => {
    const t = streaming();
    t.receive({ type: 'stall', chatId: 'other', turnId: 'a1', seconds: 10 });
    expect(notice(t)).toBeNull();
  });
});
