// @vitest-environment happy-dom
import './happyDomNodeName';
import { describe, expect, it, vi } from 'vitest';
import * as markdown from '../../../../extension/chat/page/markdown';
import { answer, chat, setup, userTurn, viewState } from './fixtures';

// Counts Markdown renders while keeping the real renderer.
vi.mock('../../../../extension/chat/page/markdown', async (importOriginal) => {
  const actual = await importOriginal<typeof markdown>();
  return { ...actual, renderMarkdown: vi.fn(actual.renderMarkdown) };
});
const renders = vi.mocked(markdown.renderMarkdown);

const streaming = () => chat([userTurn('u1', 'write code'), answer('a1')]);
const delta = (text: string, turnId = 'a1') => ({ type: 'delta', chatId: 'chat1', turnId, text }) as const;
const meta = {
  connectionId: 'c1',
  connectionName: 'Work',
  model: 'gpt-4o',
  usage: { inputTokens: 12, outputTokens: 34 },
  firstTokenMs: 120,
  totalMs: 900,
};

describe('chat view: answers', () => {
  it('streams deltas into the answer and finishes it from the chat message', () => {
    const t = setup({ state: viewState({ chat: streaming(), busy: true }) });
    const turn = () => t.$('.turn.assistant[data-turn-id="a1"]')!;
    expect(turn().dataset.status).toBe('streaming');
    expect(turn().textContent).toContain('Waiting for the answer…');
    t.receive(delta('Here is '));
    t.receive(delta('**bold**'));
    t.frame();
    expect(turn().querySelector('strong')!.textContent).toBe('bold');
    expect(turn().textContent).toContain('Here is bold');
    t.receive({
      type: 'chat',
      chat: chat([userTurn('u1', 'write code'), answer('a1', { text: 'Here is **bold** text', status: 'done', meta })]),
      busy: false,
    });
    expect(turn().dataset.status).toBe('done');
    expect(turn().getAttribute('aria-busy')).toBe('false');
    expect(turn().querySelector('.turn-body')!.textContent!.trim()).toBe('Here is bold text');
    expect(t.button('Send')).not.toBeNull();
  });

  it('renders many deltas of one frame with one Markdown render', () => {
    const t = setup({ state: viewState({ chat: streaming(), busy: true }) });
    renders.mockClear();
    for (let i = 0; i < 200; i++) t.receive(delta(`w${i} `));
    expect(t.frames).toHaveLength(1);
    expect(renders).not.toHaveBeenCalled();
    t.frame();
    expect(renders).toHaveBeenCalledTimes(1);
    expect(t.$('.turn.assistant .turn-body')!.textContent).toContain('w0 w1 w2');
    expect(t.$('.turn.assistant .turn-body')!.textContent).toContain('w199');
    // The next delta asks for a new frame.
    t.receive(delta('more'));
    expect(t.frames).toHaveLength(1);
    t.frame();
    expect(renders).toHaveBeenCalledTimes(2);
  });

  it('ignores deltas for another chat and drops queued deltas a newer snapshot already holds', () => {
    const t = setup({ state: viewState({ chat: streaming(), busy: true }) });
    t.receive({ type: 'delta', chatId: 'other', turnId: 'a1', text: 'nope' });
    t.receive(delta('Hello'));
    t.receive({
      type: 'chat',
      chat: chat([userTurn('u1', 'write code'), answer('a1', { text: 'Hello' })]),
      busy: true,
    });
    t.frame();
    t.receive(delta(' world'));
    t.frame();
    expect(t.$('.turn.assistant .turn-body')!.textContent!.trim()).toBe('Hello world');
  });

  it('follows the stream only when the person was already at the bottom', () => {
    const t = setup({ state: viewState({ chat: streaming(), busy: true }) });
    const log = t.$('[role="log"]')!;
    // Layout stand-in: the log grows by 100 px per character of text, in a 200 px viewport.
    const height = () => 100 * (log.textContent ?? '').length;
    Object.defineProperty(log, 'scrollHeight', { get: height });
    Object.defineProperty(log, 'clientHeight', { get: () => 200 });
    log.scrollTop = height() - 200; // at the bottom
    t.receive(delta('abc'));
    t.frame();
    expect(log.scrollTop).toBe(height());
    log.scrollTop = 300; // scrolled up to read
    t.receive(delta('def'));
    t.frame();
    expect(log.scrollTop).toBe(300);
    expect(t.$('.turn.assistant .turn-body')!.textContent!.trim()).toBe('abcdef');
  });

  it('turns Send into Stop while busy, and Stop posts stop', () => {
    const t = setup({ state: viewState({ chat: streaming(), busy: true }) });
    expect(t.button('Send')).toBeNull();
    const stop = t.button('Stop')!;
    expect(stop.textContent).toBe('Stop');
    expect(stop.disabled).toBe(false);
    t.posted.length = 0;
    stop.click();
    expect(t.posted).toEqual([{ type: 'stop' }]);
  });

  it("keeps a stopped answer's partial text and marks it Stopped", () => {
    const t = setup({
      state: viewState({
        chat: chat([userTurn('u1', 'x'), answer('a1', { text: 'Partial answ', status: 'stopped' })]),
      }),
    });
    const turn = t.$('.turn.assistant')!;
    expect(turn.dataset.status).toBe('stopped');
    expect(turn.querySelector('.turn-body')!.textContent!.trim()).toBe('Partial answ');
    expect(turn.querySelector('.answer-stopped')!.textContent).toBe('Stopped');
  });

  it('posts the raw code of a block from Copy and Insert at Cursor', () => {
    const code = 'const a = "<b>";\nif (a) {\n  run();\n}';
    const t = setup({
      state: viewState({
        chat: chat([
          answer('a1', { text: `Try:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nand\n\n\`\`\`\nplain\n\`\`\``, status: 'done' }),
        ]),
      }),
    });
    const blocks = t.$$('.code-block');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]!.querySelector('code.language-ts .hljs-keyword')).not.toBeNull();
    t.posted.length = 0;
    blocks[0]!.querySelector<HTMLButtonElement>('button[aria-label="Copy"]')!.click();
    blocks[0]!.querySelector<HTMLButtonElement>('button[aria-label="Insert at Cursor"]')!.click();
    blocks[1]!.querySelector<HTMLButtonElement>('button[aria-label="Copy"]')!.click();
    expect(t.posted).toEqual([
      { type: 'copyCode', code },
      { type: 'insertCode', code },
      { type: 'copyCode', code: 'plain' },
    ]);
  });

  it('shows an error where the answer would be, with one labelled button per action', () => {
    const error = {
      code: 'INVALID_API_KEY',
      message: 'The API key was refused.',
      hint: 'Replace the key of "Work".',
      actions: ['retry', 'testConnection', 'replaceKey', 'selectConnection', 'editConnection'] as const,
    };
    const t = setup({
      state: viewState({
        chat: chat([
          userTurn('u1', 'x'),
          answer('a1', { status: 'error', error: { ...error, actions: [...error.actions] } }),
        ]),
      }),
    });
    const box = t.$('.turn.assistant .answer-error[role="alert"]')!;
    expect(box.querySelector('.error-message')!.textContent).toBe('The API key was refused.');
    expect(box.querySelector('.error-hint')!.textContent).toBe('Replace the key of "Work".');
    const buttons = [...box.querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent)).toEqual([
      'Retry',
      'Test Connection',
      'Replace Key',
      'Select Another Connection',
      'Edit Connection',
    ]);
    t.posted.length = 0;
    for (const b of buttons) b.click();
    expect(t.posted).toEqual(error.actions.map((action) => ({ type: 'errorAction', action, turnId: 'a1' })));
  });

  it('writes the meta line: model, connection, tokens, first token and cost', () => {
    const t = setup({
      state: viewState({
        chat: chat([answer('a1', { text: 'x', status: 'done', meta: { ...meta, costUsd: 0.0012 } })]),
      }),
    });
    expect(t.$('.answer-meta')!.textContent).toBe('gpt-4o · Work · 12 in · 34 out · first token 120 ms · $0.0012');
  });

  it('says "cost unknown" for an unpriced model and names the connections it fell back from', () => {
    const skipped = [{ connectionId: 'c2', name: 'Backup', model: 'm', code: 'RATE_LIMITED', message: 'slow down' }];
    const t = setup({
      state: viewState({
        chat: chat([answer('a1', { text: 'x', status: 'done', meta: { ...meta, costUsd: null, skipped } })]),
      }),
    });
    expect(t.$('.answer-meta .meta-cost')!.textContent).toBe('cost unknown');
    // The real wait, where it is seen: right after the connection that answered (#17 item 10).
    expect(t.$('.answer-meta .answer-fallback')!.textContent).toBe('first token 120 ms, after Backup was rate-limited');
    expect(t.$('.answer-meta')!.textContent).toMatch(
      /^gpt-4o · Work · first token 120 ms, after Backup was rate-limited · /,
    );
  });

  it('shows no meta line while streaming', () => {
    const t = setup({ state: viewState({ chat: chat([answer('a1', { text: 'x', meta })]), busy: true }) });
    expect(t.$('.answer-meta')).toBeNull();
  });

  it('opens links through the host instead of navigating', () => {
    const t = setup({
      state: viewState({
        chat: chat([
          answer('a1', { text: 'See [docs](https://example.com/docs) or [bad](javascript:alert(1))', status: 'done' }),
        ]),
      }),
    });
    const links = t.$$<HTMLAnchorElement>('.turn.assistant a');
    expect(links).toHaveLength(1);
    t.posted.length = 0;
    // VS Code listens on the webview's window and would open the link a second time.
    const reachedWindow = vi.fn();
    window.addEventListener('click', reachedWindow);
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    links[0]!.dispatchEvent(click);
    window.removeEventListener('click', reachedWindow);
    expect(click.defaultPrevented).toBe(true);
    expect(reachedWindow).not.toHaveBeenCalled();
    expect(t.posted).toEqual([{ type: 'openLink', href: 'https://example.com/docs' }]);
  });

  it('renders hostile HTML in an answer as text', () => {
    const t = setup({
      state: viewState({
        chat: chat([answer('a1', { text: '<img src=x onerror=alert(1)><script>alert(1)</script>', status: 'done' })]),
      }),
    });
    const body = t.$('.turn.assistant .turn-body')!;
    expect(body.querySelector('img, script')).toBeNull();
    expect(body.textContent).toContain('<img src=x onerror=alert(1)><script>alert(1)</script>');
  });

  it('keeps the element of a turn that did not change when the chat is redrawn', () => {
    const t = setup({
      state: viewState({ chat: chat([userTurn('u1', 'a'), answer('a1', { text: 'one', status: 'done' })]) }),
    });
    const first = t.$('.turn[data-turn-id="a1"]');
    t.receive({
      type: 'chat',
      chat: chat([
        userTurn('u1', 'a'),
        answer('a1', { text: 'one', status: 'done' }),
        userTurn('u2', 'b'),
        answer('a2'),
      ]),
      busy: true,
    });
    expect(t.$('.turn[data-turn-id="a1"]')).toBe(first);
    expect(t.$$('.turn').map((e) => e.dataset.turnId)).toEqual(['u1', 'a1', 'u2', 'a2']);
  });
});
