/**
 * The chat page: builds its DOM inside `root`, draws `HostToChat` messages and posts `ChatToHost` ones.
 * No `vscode` API here (main.ts wires that in), so tests drive it with happy-dom and a fake frame clock.
 *
 * Streaming contract with the host: a `chat` message is a full snapshot (each turn's text as sent so
 * far); `delta`s after it are appended. Deltas still waiting for a frame when a snapshot arrives are
 * dropped, because the snapshot already holds them.
 */
import { assertNever, type ChatErrorAction, type ChatToHost, type ChatViewState, type HostToChat } from '../../../shared/webview';
import { codeOf, StreamingBody } from './answerBody';
import { buildComposer, renderAttachments, setSendButton, showSendError } from './composer';
import { h } from './dom';
import { FrameBatcher, type RequestFrame } from './frames';
import { buildHeader, effectiveConnection, fillConnections, fillModels, type ModelList } from './header';
import { renderHistory } from './history';
import { renderTurn } from './turns';

/** What the page keeps through `vscode.setState` (VS Code writes it to disk): the unsent draft only. */
export interface ChatPageState {
  draft: string;
}

export interface ChatViewOptions {
  /** `requestAnimationFrame` by default; tests pass a clock they advance by hand. */
  raf?: RequestFrame;
  /** Where the draft survives the view being hidden or reloaded (`vscode.getState` / `setState`). */
  state?: { get(): unknown; set(state: ChatPageState): void };
  now?: () => Date;
}

export interface ChatView {
  receive(message: HostToChat): void;
}

// How close to the end (px) still counts as "at the bottom": keep following the stream from there.
const STICKY_PX = 40;

export function createChatView(root: HTMLElement, post: (m: ChatToHost) => void, opts: ChatViewOptions = {}): ChatView {
  const now = opts.now ?? (() => new Date());
  const header = buildHeader();
  const banner = h('div', { class: 'daemon-banner', role: 'status', hidden: true });
  const historyList = h('ul', { class: 'history-list' });
  const history = h('section', { class: 'history', id: 'history', 'aria-label': 'Chat history', hidden: true },
    h('h2', { class: 'history-heading' }, 'History'), historyList);
  const empty = h('div', { class: 'empty-state' }, 'Loading…');
  const log = h('div', { class: 'messages', role: 'log', 'aria-label': 'Chat messages', tabindex: '0' });
  const composer = buildComposer();
  root.replaceChildren(header.el, banner, history, empty, log, composer.el);

  let state: ChatViewState | undefined;
  let historyOpen = false;
  let sendRequestId: number | undefined;
  let nextRequestId = 1;
  let shownConnectionId: string | undefined;
  const models = new Map<string, ModelList>();
  // Each turn's element, reused while the turn is unchanged (`key`), and its streaming renderer.
  const turnEls = new Map<string, { key: string; el: HTMLElement; stream?: StreamingBody }>();
  const frames = new FrameBatcher(opts.raf ?? ((cb) => requestAnimationFrame(cb)), flushDeltas);

  const saved = opts.state?.get() as Partial<ChatPageState> | undefined;
  composer.input.value = typeof saved?.draft === 'string' ? saved.draft : '';
  updateSend();

  const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight <= STICKY_PX;
  const scrollToBottom = () => void (log.scrollTop = log.scrollHeight);

  /** Text, or context alone: the host sends attachments without text (the chat is then titled "About app.ts:12-30"). */
  function hasMessage(): boolean {
    return composer.input.value.trim() !== '' || (state?.attachments.length ?? 0) > 0;
  }

  function updateSend(): void {
    const canSend = hasMessage() && state?.daemon === 'connected' && sendRequestId === undefined;
    setSendButton(composer.send, state?.busy ?? false, canSend);
  }

  function saveDraft(): void {
    opts.state?.set({ draft: composer.input.value });
  }

  function loadModels(connectionId: string): void {
    const known = models.get(connectionId);
    if (known && known.state !== 'error') return;
    models.set(connectionId, { state: 'loading' });
    post({ type: 'loadModels', connectionId });
  }

  function renderPickers(s: ChatViewState): void {
    const conn = effectiveConnection(s.connections, s.chat.connectionId);
    fillConnections(header.connection, s.connections, conn);
    if (conn && conn.id !== shownConnectionId) loadModels(conn.id);
    shownConnectionId = conn?.id;
    fillModels(header.model, s.chat.model ?? conn?.defaultModel, conn ? models.get(conn.id) : undefined);
    header.model.disabled = !conn;
  }

  function renderDaemon(s: ChatViewState): void {
    banner.textContent = s.daemon === 'starting' ? 'Connecting to the Switchboard daemon…'
      : s.daemon === 'down' ? 'The Switchboard daemon is not reachable. The extension keeps retrying; run "Switchboard: Restart Daemon" or "Switchboard: Show Daemon Log" from the Command Palette.'
      : '';
    banner.dataset.state = s.daemon;
    banner.hidden = s.daemon === 'connected';
  }

  function renderEmpty(): void {
    const text = !state ? 'Loading…'
      : state.connections.length === 0 ? 'Add a connection to start chatting: run "Switchboard: Add Connection" from the Command Palette.'
      : state.chat.turns.length === 0 ? 'Ask anything about your code. Add a selection or a file for context, then press Enter to send.'
      : '';
    empty.textContent = text;
    empty.hidden = text === '' || historyOpen;
  }

  /** Draws the turns, reusing the element of every turn that did not change (keeps focus and selection). */
  function renderTurns(s: ChatViewState, scroll: boolean): void {
    const stick = scroll || atBottom();
    const els = s.chat.turns.map((t) => {
      const key = JSON.stringify(t);
      const cached = turnEls.get(t.id);
      if (cached?.key === key) return cached.el;
      const el = renderTurn(t);
      turnEls.set(t.id, { key, el });
      return el;
    });
    const ids = new Set(s.chat.turns.map((t) => t.id));
    for (const id of turnEls.keys()) if (!ids.has(id)) turnEls.delete(id);
    // Insert in place rather than replacing all: moving a node that holds focus would drop it.
    els.forEach((el, i) => {
      if (log.children[i] !== el) log.insertBefore(el, log.children[i] ?? null);
    });
    while (log.children.length > els.length) log.lastElementChild!.remove();
    if (stick) scrollToBottom();
  }

  function flushDeltas(texts: Map<string, string>): void {
    const s = state;
    if (!s) return;
    const stick = atBottom();
    for (const [turnId, text] of texts) {
      const i = s.chat.turns.findIndex((t) => t.id === turnId);
      const turn = s.chat.turns[i];
      if (turn?.role !== 'assistant' || turn.status !== 'streaming') continue;
      const next = { ...turn, text: turn.text + text };
      s.chat.turns[i] = next;
      const cached = turnEls.get(turnId);
      if (!cached) continue;
      cached.stream ??= new StreamingBody(cached.el.querySelector<HTMLElement>('.turn-body')!);
      cached.stream.update(next.text);
      cached.key = JSON.stringify(next);
    }
    if (stick) scrollToBottom();
  }

  function setHistoryOpen(open: boolean): void {
    historyOpen = open;
    history.hidden = !open;
    log.hidden = open;
    header.history.setAttribute('aria-expanded', String(open));
    renderEmpty();
  }

  function trySend(): void {
    if (!state || state.busy) return;
    const text = composer.input.value.replace(/^\s*\n/, '').trimEnd();
    if (!hasMessage() || state.daemon !== 'connected' || sendRequestId !== undefined) return;
    sendRequestId = nextRequestId++;
    showSendError(composer.error, undefined);
    post({ type: 'send', requestId: sendRequestId, text });
    updateSend();
  }

  function onAction(b: HTMLButtonElement): void {
    const data = b.dataset;
    switch (data.action) {
      case 'new-chat': setHistoryOpen(false); return post({ type: 'newChat' });
      case 'toggle-history': return setHistoryOpen(!historyOpen);
      case 'open-in-editor': return post({ type: 'openInEditor' });
      case 'send': return trySend();
      case 'stop': return post({ type: 'stop' });
      case 'add-selection': return post({ type: 'addSelection' });
      case 'add-file': return post({ type: 'addFile' });
      case 'remove-attachment': return post({ type: 'removeAttachment', id: data.attachmentId! });
      case 'copy-code': case 'insert-code': {
        const code = codeOf(b);
        if (code !== undefined) post({ type: data.action === 'copy-code' ? 'copyCode' : 'insertCode', code });
        return;
      }
      case 'error-action': return post({ type: 'errorAction', action: data.errorAction as ChatErrorAction, turnId: data.turnId! });
      case 'open-chat': setHistoryOpen(false); return post({ type: 'openChat', chatId: data.chatId! });
      case 'rename-chat': return post({ type: 'renameChat', chatId: data.chatId! });
      case 'delete-chat': return post({ type: 'deleteChat', chatId: data.chatId! });
      default: return; // a click on a button that acts through its own listener
    }
  }

  root.addEventListener('click', (e) => {
    const target = e.target as Element;
    // Links never navigate the webview; the host opens http(s) ones in the browser. Stopping the event
    // here also keeps VS Code's own link handler (on the webview's window) from opening it a second time.
    const link = target.closest('a');
    if (link) {
      e.preventDefault();
      e.stopPropagation();
      const href = link.getAttribute('href');
      if (href) post({ type: 'openLink', href });
      return;
    }
    const b = target.closest<HTMLButtonElement>('button[data-action]');
    if (b && !b.disabled) onAction(b);
  });
  // A middle click would otherwise open the link in a new webview window.
  root.addEventListener('auxclick', (e) => {
    if ((e.target as Element).closest('a')) e.preventDefault();
  });
  header.connection.addEventListener('change', () => {
    const connectionId = header.connection.value;
    if (!connectionId) return;
    post({ type: 'selectConnection', connectionId });
    loadModels(connectionId);
  });
  header.model.addEventListener('focus', () => {
    if (shownConnectionId) loadModels(shownConnectionId);
    if (state) renderPickers(state);
  });
  header.model.addEventListener('change', () => {
    const model = header.model.value;
    if (model && !model.startsWith('\u0000')) post({ type: 'selectModel', model });
  });
  composer.input.addEventListener('input', () => {
    saveDraft();
    updateSend();
  });
  composer.input.addEventListener('keydown', (e) => {
    // keyCode 229: a key the IME is still composing (Safari/Chromium report it before isComposing).
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    trySend();
  });

  function receive(m: HostToChat): void {
    if (m.type === 'init') {
      state = structuredClone(m.state);
      sendRequestId = undefined;
      frames.clear();
      turnEls.clear();
      renderPickers(state);
      renderDaemon(state);
      renderHistory(historyList, state.history, state.chat.id, now());
      renderAttachments(composer.chips, state.attachments);
      renderTurns(state, true);
      renderEmpty();
      updateSend();
      return;
    }
    const s = state;
    if (!s) return; // Nothing to draw on before `init`; the host sends it in answer to `ready`.
    switch (m.type) {
      case 'chat': {
        frames.clear();
        const before = new Set(s.chat.turns.map((t) => t.id));
        const scroll = m.chat.id !== s.chat.id || m.chat.turns.some((t) => t.role === 'user' && !before.has(t.id));
        s.chat = structuredClone(m.chat);
        s.busy = m.busy;
        renderPickers(s);
        renderTurns(s, scroll);
        renderHistory(historyList, s.history, s.chat.id, now());
        renderEmpty();
        updateSend();
        return;
      }
      case 'history':
        s.history = m.chats;
        return renderHistory(historyList, s.history, s.chat.id, now());
      case 'connections':
        s.connections = m.connections;
        renderPickers(s);
        return renderEmpty();
      case 'models':
        models.set(m.connectionId, m.error !== undefined ? { state: 'error', error: m.error } : { state: 'loaded', models: m.models });
        return renderPickers(s);
      case 'attachments':
        s.attachments = m.attachments;
        renderAttachments(composer.chips, s.attachments);
        return updateSend();
      case 'delta':
        if (m.chatId === s.chat.id) frames.push(m.turnId, m.text);
        return;
      case 'accepted':
        if (m.requestId !== sendRequestId) return;
        sendRequestId = undefined;
        composer.input.value = '';
        saveDraft();
        return updateSend();
      case 'rejected':
        if (m.requestId !== sendRequestId) return;
        sendRequestId = undefined;
        showSendError(composer.error, m.error);
        return updateSend();
      case 'daemon':
        s.daemon = m.state;
        // A send the daemon's loss left unanswered must not keep Send disabled.
        if (m.state !== 'connected') sendRequestId = undefined;
        renderDaemon(s);
        return updateSend();
      case 'focusInput':
        setHistoryOpen(false);
        return composer.input.focus();
      default:
        return assertNever(m);
    }
  }

  return { receive };
}
