// @vitest-environment happy-dom
/**
 * The chat page's code-block actions (Apply / New File / Run) and message actions (copy, regenerate,
 * regenerate with…, choose an answer, edit and resend, delete, Escape to stop), reasoning and tool
 * calls, and answers of one message paged or side by side (#17 items 6 and 7).
 */
import './happyDomNodeName';
import { describe, expect, it } from 'vitest';
import type { ChatAnswerMeta } from '../../../../shared/webview';
import { answer, chat, setup, userTurn, viewState } from './fixtures';

const meta = (model: string, connectionId = 'c1'): ChatAnswerMeta => ({
  connectionId,
  connectionName: connectionId === 'c1' ? 'Work' : 'Backup',
  model,
  firstTokenMs: 100,
  totalMs: 500,
});
const click = (el: Element | null | undefined) => (el as HTMLButtonElement).click();

describe('chat view: code-block actions', () => {
  const text = [
    'In `src/app.ts`:',
    '',
    '```ts',
    'export const a = 1;',
    '```',
    '',
    'Then run:',
    '',
    '```console',
    '$ npm test',
    'ok',
    '```',
    '',
    '```py tools/x.py',
    'print(1)',
    '```',
  ].join('\n');

  it('offers Apply, New File, and Run for shell blocks only, and posts what the block names', () => {
    const t = setup({
      state: viewState({ chat: chat([userTurn('u1', 'x'), answer('a1', { text, status: 'done' })]) }),
    });
    const blocks = t.$$('.code-block');
    expect(blocks).toHaveLength(3);
    expect(blocks.map((b) => b.querySelector('button[data-action="apply-code"]')!.getAttribute('aria-label'))).toEqual([
      'Apply to src/app.ts',
      'Apply to the Active Editor',
      'Apply to tools/x.py',
    ]);
    expect(blocks.map((b) => !!b.querySelector('button[aria-label="Run in Terminal"]'))).toEqual([false, true, false]);
    t.posted.length = 0;
    click(blocks[0]!.querySelector('button[data-action="apply-code"]'));
    click(blocks[0]!.querySelector('button[aria-label="Open in a New File"]'));
    click(blocks[1]!.querySelector('button[aria-label="Run in Terminal"]'));
    click(blocks[2]!.querySelector('button[data-action="apply-code"]'));
    expect(t.posted).toEqual([
      { type: 'applyCode', code: 'export const a = 1;', path: 'src/app.ts', language: 'ts' },
      { type: 'newFile', code: 'export const a = 1;', language: 'ts' },
      // A console session runs its prompted lines, without the prompt and the output.
      { type: 'runInTerminal', code: 'npm test' },
      { type: 'applyCode', code: 'print(1)', path: 'tools/x.py', language: 'py' },
    ]);
  });
});

describe('chat view: message actions', () => {
  it('offers Copy, Regenerate, Regenerate with… and Delete on the last answer; Edit and Delete on messages', () => {
    const turns = [
      userTurn('u1', 'one'),
      answer('a1', { text: 'first', status: 'done' }),
      userTurn('u2', 'two'),
      answer('a2', { text: 'second', status: 'done' }),
    ];
    const t = setup({ state: viewState({ chat: chat(turns) }) });
    const labels = (id: string) =>
      [...t.$(`[data-turn-id="${id}"] .turn-actions`)!.querySelectorAll('button')]
        .filter((b) => !b.hidden)
        .map((b) => b.getAttribute('aria-label'));
    expect(labels('a2')).toEqual([
      'Copy Answer',
      'Regenerate',
      'Regenerate with Another Connection or Model',
      'Delete Answer',
    ]);
    // Only the last answer can be regenerated.
    expect(labels('a1')).toEqual(['Copy Answer', 'Delete Answer']);
    expect(labels('u1')).toEqual(['Edit and Resend', 'Delete Message and Its Answers']);
    // A new message makes a2 older: its Regenerate hides without redrawing it.
    const a2 = t.$('.turn[data-turn-id="a2"]');
    t.receive({ type: 'chat', chat: chat([...turns, userTurn('u3', 'three'), answer('a3')]), busy: true });
    expect(t.$('.turn[data-turn-id="a2"]')).toBe(a2);
    expect(labels('a2')).toEqual(['Copy Answer', 'Delete Answer']);
    t.receive({ type: 'chat', chat: chat(turns), busy: false });
    t.posted.length = 0;
    for (const label of ['Copy Answer', 'Regenerate', 'Regenerate with Another Connection or Model', 'Delete Answer']) {
      click(t.$(`[data-turn-id="a2"] button[aria-label="${label}"]`));
    }
    click(t.$('[data-turn-id="u1"] button[aria-label="Delete Message and Its Answers"]'));
    expect(t.posted).toEqual([
      { type: 'copyAnswer', turnId: 'a2' },
      { type: 'regenerate', turnId: 'a2' },
      { type: 'regenerate', turnId: 'a2', pick: true },
      { type: 'deleteTurn', turnId: 'a2' },
      { type: 'deleteTurn', turnId: 'u1' },
    ]);
  });

  it('shows no answer actions while the answer streams, and marks the log busy (actions that change the chat hide)', () => {
    const t = setup({ state: viewState({ chat: chat([userTurn('u1', 'x'), answer('a1')]), busy: true }) });
    expect(t.$('[data-turn-id="a1"] .turn-actions')).toBeNull();
    expect(t.$('.messages')!.dataset.busy).toBe('true');
    expect(t.$('[data-turn-id="u1"] .turn-actions')!.classList.contains('idle-only')).toBe(true);
    t.receive({
      type: 'chat',
      chat: chat([userTurn('u1', 'x'), answer('a1', { text: 'done', status: 'done' })]),
      busy: false,
    });
    expect(t.$('.messages')!.dataset.busy).toBe('false');
    expect(t.$('[data-turn-id="a1"] .turn-actions')).not.toBeNull();
  });

  it('edits a message in place: Enter resends, Escape cancels without stopping anything', () => {
    const t = setup({
      state: viewState({ chat: chat([userTurn('u1', 'old text'), answer('a1', { text: 'x', status: 'done' })]) }),
    });
    click(t.$('[data-turn-id="u1"] button[aria-label="Edit and Resend"]'));
    const box = t.$<HTMLTextAreaElement>('[data-turn-id="u1"] textarea[aria-label="Edit message"]')!;
    expect(box.value).toBe('old text');
    expect(t.$('[data-turn-id="u1"] .user-text')!.hidden).toBe(true);
    t.posted.length = 0;
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    expect(t.$('[data-turn-id="u1"] .edit-box')).toBeNull();
    expect(t.$('[data-turn-id="u1"] .user-text')!.hidden).toBe(false);
    expect(t.posted).toEqual([]);
    click(t.$('[data-turn-id="u1"] button[aria-label="Edit and Resend"]'));
    const again = t.$<HTMLTextAreaElement>('[data-turn-id="u1"] textarea[aria-label="Edit message"]')!;
    again.value = 'new text';
    again.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    click(t.$('[data-turn-id="u1"] button[aria-label="Send Edited Message"]'));
    expect(t.posted).toEqual([
      { type: 'editMessage', turnId: 'u1', text: 'new text' },
      { type: 'editMessage', turnId: 'u1', text: 'new text' },
    ]);
  });

  it('keeps an open edit box through unrelated updates', () => {
    const turns = [userTurn('u1', 'old'), answer('a1', { text: 'x', status: 'done' })];
    const t = setup({ state: viewState({ chat: chat(turns) }) });
    click(t.$('[data-turn-id="u1"] button[aria-label="Edit and Resend"]'));
    t.$<HTMLTextAreaElement>('[data-turn-id="u1"] textarea')!.value = 'typing';
    t.receive({ type: 'chat', chat: chat(turns, { title: 'Renamed' }), busy: false });
    expect(t.$<HTMLTextAreaElement>('[data-turn-id="u1"] textarea')!.value).toBe('typing');
  });

  it('stops a streaming answer with Escape, and only then', () => {
    const t = setup({ state: viewState({ chat: chat([userTurn('u1', 'x'), answer('a1')]), busy: true }) });
    t.posted.length = 0;
    t.key('Escape');
    expect(t.posted).toEqual([{ type: 'stop' }]);
    t.receive({ type: 'chat', chat: chat([userTurn('u1', 'x'), answer('a1', { status: 'stopped' })]), busy: false });
    t.posted.length = 0;
    t.key('Escape');
    expect(t.posted).toEqual([]);
  });
});

describe('chat view: several answers to one message', () => {
  const group = (models: [string, string]) => [
    userTurn('u1', 'q'),
    answer('a1', { text: 'first', status: 'done', alternate: true, meta: meta(models[0]) }),
    answer('a2', { text: 'second', status: 'done', meta: meta(models[1]) }),
  ];

  it('shows answers from the same model one at a time, with ‹ Answer 2 of 2 ›', () => {
    const t = setup({ state: viewState({ chat: chat(group(['gpt-4o', 'gpt-4o'])) }) });
    const g = t.$('.answer-group')!;
    expect(g.dataset.layout).toBe('pages');
    expect(g.querySelector('.group-position')!.textContent).toBe('Answer 2 of 2');
    expect(t.$('.turn[data-turn-id="a1"]')!.hidden).toBe(true);
    expect(t.$('.turn[data-turn-id="a2"]')!.hidden).toBe(false);
    expect(t.button('Next Answer')!.disabled).toBe(true);
    t.posted.length = 0;
    click(t.button('Previous Answer'));
    expect(t.posted).toEqual([{ type: 'chooseAnswer', turnId: 'a1' }]);
    // The alternate is not regenerated from; the chosen one is.
    expect(t.$<HTMLButtonElement>('[data-turn-id="a2"] button[aria-label="Regenerate"]')!.hidden).toBe(false);
    expect(t.$('[data-turn-id="a1"] button[aria-label="Use This Answer"]')).not.toBeNull();
  });

  it('compares answers of different models side by side, and toggles between the layouts', () => {
    const t = setup({ state: viewState({ chat: chat(group(['gpt-4o', 'claude-big'])) }) });
    const g = t.$('.answer-group')!;
    expect(g.dataset.layout).toBe('side-by-side');
    expect(t.$('.turn[data-turn-id="a1"]')!.hidden).toBe(false);
    expect(t.$('.turn[data-turn-id="a2"]')!.hidden).toBe(false);
    expect(t.$$('.answer-group .answer-meta .meta-model').map((e) => e.textContent)).toEqual(['gpt-4o', 'claude-big']);
    expect(t.button('Side by Side')!.getAttribute('aria-pressed')).toBe('true');
    click(t.button('Side by Side'));
    expect(t.$('.answer-group')!.dataset.layout).toBe('pages');
    expect(t.$('.turn[data-turn-id="a1"]')!.hidden).toBe(true);
    // The choice of layout survives the next snapshot of the chat.
    t.receive({ type: 'chat', chat: chat(group(['gpt-4o', 'claude-big'])), busy: false });
    expect(t.$('.answer-group')!.dataset.layout).toBe('pages');
    click(t.button('Side by Side'));
    expect(t.$('.answer-group')!.dataset.layout).toBe('side-by-side');
  });

  it('puts a regenerated answer from another model beside the first while it streams, naming its model', () => {
    const turns = [
      userTurn('u1', 'q'),
      answer('a1', { text: 'first', status: 'done', alternate: true, meta: meta('gpt-4o') }),
      answer('a2', { source: { connectionId: 'c1', connectionName: 'Work', model: 'gpt-4o-mini' } }),
    ];
    const t = setup({ state: viewState({ chat: chat(turns), busy: true }) });
    const g = t.$('.answer-group')!;
    expect(g.dataset.layout).toBe('side-by-side');
    expect(t.$('.turn[data-turn-id="a1"]')!.hidden).toBe(false);
    expect(t.$('.turn[data-turn-id="a2"]')!.hidden).toBe(false);
    expect(t.$$('.answer-group .answer-meta .meta-model').map((e) => e.textContent)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(t.$('[data-turn-id="a2"] .answer-source')!.textContent).toBe('gpt-4o-mini · Work');
    // It ends: the meta line (what answered) takes the place of the source line.
    t.receive({
      type: 'chat',
      chat: chat([turns[0]!, turns[1]!, answer('a2', { text: 'second', status: 'done', meta: meta('gpt-4o-mini') })]),
      busy: false,
    });
    expect(t.$('.answer-group')!.dataset.layout).toBe('side-by-side');
    expect(t.$('[data-turn-id="a2"] .answer-source')).toBeNull();
    expect(t.$$('.answer-group .answer-meta .meta-model').map((e) => e.textContent)).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });

  it('draws a lone answer without a group', () => {
    const t = setup({
      state: viewState({ chat: chat([userTurn('u1', 'q'), answer('a1', { text: 'x', status: 'done' })]) }),
    });
    expect(t.$('.answer-group')).toBeNull();
    expect(t.$('.messages > [data-turn-id="a1"]')).not.toBeNull();
  });
});

describe('chat view: reasoning and tool calls', () => {
  it('streams reasoning into a folded section ("Thinking…" until text arrives), then the answer', () => {
    const t = setup({ state: viewState({ chat: chat([userTurn('u1', 'x'), answer('a1')]), busy: true }) });
    t.receive({ type: 'delta', chatId: 'chat1', turnId: 'a1', text: '', reasoning: 'Let me ' });
    t.receive({ type: 'delta', chatId: 'chat1', turnId: 'a1', text: '', reasoning: 'think.' });
    t.frame();
    const details = t.$<HTMLDetailsElement>('[data-turn-id="a1"] details.reasoning')!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe('Thinking…');
    expect(details.querySelector('.reasoning-text')!.textContent).toBe('Let me think.');
    t.receive({ type: 'delta', chatId: 'chat1', turnId: 'a1', text: 'The answer.' });
    t.frame();
    expect(t.$('[data-turn-id="a1"] details.reasoning summary')!.textContent).toBe('Reasoning');
    expect(t.$('[data-turn-id="a1"] .turn-body')!.textContent).toContain('The answer.');
    t.receive({
      type: 'chat',
      chat: chat([
        userTurn('u1', 'x'),
        answer('a1', { text: 'The answer.', reasoning: 'Let me think.', status: 'done' }),
      ]),
      busy: false,
    });
    expect(t.$('[data-turn-id="a1"] details.reasoning .reasoning-text')!.textContent).toBe('Let me think.');
    expect(t.$<HTMLDetailsElement>('[data-turn-id="a1"] details.reasoning')!.open).toBe(false);
  });

  it('shows reasoning as text, never as markup', () => {
    const t = setup({
      state: viewState({
        chat: chat([
          userTurn('u1', 'x'),
          answer('a1', { text: 'ok', reasoning: '<img src=x onerror=alert(1)> **not bold**', status: 'done' }),
        ]),
      }),
    });
    const r = t.$('[data-turn-id="a1"] .reasoning-text')!;
    expect(r.textContent).toBe('<img src=x onerror=alert(1)> **not bold**');
    expect(r.querySelector('img, strong')).toBeNull();
  });

  it('shows a tool call by name with its arguments, pretty-printed when complete', () => {
    const t = setup({
      state: viewState({
        chat: chat([
          userTurn('u1', 'x'),
          answer('a1', {
            text: '',
            status: 'done',
            toolCalls: [{ id: 'c', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
          }),
        ]),
      }),
    });
    const call = t.$<HTMLDetailsElement>('[data-turn-id="a1"] details.tool-call')!;
    expect(call.querySelector('summary')!.textContent).toBe('Called tool get_weather');
    expect(call.querySelector('.tool-arguments')!.textContent).toBe('{\n  "city": "Oslo"\n}');
  });
});
