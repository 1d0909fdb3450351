/**
 * A chat view under test: happy-dom document, a recorded `post`, a frame clock advanced by hand and an
 * in-memory `setState`.
 */
import type { ChatSession, ChatToHost, ChatTurn, ChatViewState, HostToChat } from '../../../../shared/webview';
import { createChatView, type ChatPageState } from '../../../../extension/chat/page/view';

export const NOW = new Date('2025-06-01T12:00:00Z');

export function chat(turns: ChatTurn[] = [], over: Partial<ChatSession> = {}): ChatSession {
  return {
    id: 'chat1',
    title: 'First chat',
    createdAt: '2025-06-01T10:00:00Z',
    updatedAt: '2025-06-01T11:55:00Z',
    connectionId: 'c1',
    model: 'gpt-4o',
    turns,
    ...over,
  };
}

export function userTurn(id: string, text: string): ChatTurn {
  return { role: 'user', id, text, attachments: [], at: '2025-06-01T11:00:00Z' };
}

export function answer(id: string, over: Partial<Extract<ChatTurn, { role: 'assistant' }>> = {}): ChatTurn {
  return { role: 'assistant', id, text: '', status: 'streaming', at: '2025-06-01T11:00:01Z', ...over };
}

export function viewState(over: Partial<ChatViewState> = {}): ChatViewState {
  return {
    chat: chat(),
    connections: [
      {
        id: 'c1',
        name: 'Work',
        provider: 'openai',
        defaultModel: 'gpt-4o',
        isDefault: true,
        status: 'ok',
        keyAvailable: true,
      },
      { id: 'c2', name: 'Backup', provider: 'anthropic', isDefault: false, status: 'error', keyAvailable: true },
    ],
    history: [
      {
        id: 'chat1',
        title: 'First chat',
        updatedAt: '2025-06-01T11:55:00Z',
        turnCount: 0,
        connectionId: 'c1',
        model: 'gpt-4o',
      },
      { id: 'chat0', title: 'Older chat', updatedAt: '2025-05-30T09:00:00Z', turnCount: 4 },
    ],
    attachments: [],
    daemon: 'connected',
    busy: false,
    ...over,
  };
}

export function setup(opts: { state?: ChatViewState; saved?: ChatPageState } = {}) {
  document.body.replaceChildren();
  const root = document.createElement('main');
  document.body.append(root);
  const posted: ChatToHost[] = [];
  const frames: Array<() => void> = [];
  let saved: ChatPageState | undefined = opts.saved;
  const view = createChatView(root, (m) => posted.push(m), {
    raf: (cb) => frames.push(cb),
    state: { get: () => saved, set: (s) => void (saved = s) },
    now: () => NOW,
  });
  const receive = (m: HostToChat) => view.receive(m);
  receive({ type: 'init', state: opts.state ?? viewState() });
  return {
    root,
    posted,
    frames,
    receive,
    saved: () => saved,
    /** Runs the frame callbacks queued so far (like one browser frame). */
    frame() {
      for (const cb of frames.splice(0)) cb();
    },
    $: <T extends Element = HTMLElement>(selector: string) => root.querySelector<T>(selector),
    $$: <T extends Element = HTMLElement>(selector: string) => [...root.querySelectorAll<T>(selector)],
    button: (label: string) => root.querySelector<HTMLButtonElement>(`button[aria-label="${label}"]`),
    input: () => root.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')!,
    type(text: string) {
      const input = root.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')!;
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    key(key: string, init: KeyboardEventInit = {}) {
      const input = root.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')!;
      const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
      input.dispatchEvent(event);
      return event;
    },
  };
}
