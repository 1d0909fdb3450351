/**
 * The chat page: builds its parts inside `root`, draws `HostToChat` messages through their named
 * renderers and posts `ChatToHost` ones. No `vscode` API here (main.ts wires that in), so tests drive
 * it with happy-dom and a fake frame clock.
 *
 * Streaming contract with the host: a `chat` message is a full snapshot (each turn's text as sent so
 * far); `delta`s after it are appended. Deltas still waiting for a frame when a snapshot arrives are
 * dropped, because the snapshot already holds them.
 */
import { assertNever, type ChatToHost, type ChatViewState, type HostToChat } from '../../../shared/webview';
import { wireActions } from './actions';
import { buildComposer, placeSuggestions, renderAttachments } from './composer';
import { wireImagePaste } from './imagePaste';
import { MentionControl } from './mentionControl';
import { FrameBatcher, type RequestFrame } from './frames';
import { buildHeader } from './header';
import { HistoryPanel } from './history';
import { buildDaemonBanner, buildEmptyState, renderDaemonBanner, renderEmptyState } from './notices';
import { Pickers } from './pickers';
import { SendControl, type DraftStorage } from './sendControl';
import { Transcript } from './transcript';

export type { ChatPageState } from './sendControl';

export interface ChatViewOptions {
  /** `requestAnimationFrame` by default; tests pass a clock they advance by hand. */
  raf?: RequestFrame;
  /** Where the draft survives the view being hidden or reloaded (`vscode.getState` / `setState`). */
  state?: DraftStorage;
  now?: () => Date;
}

export interface ChatView {
  receive(message: HostToChat): void;
}

export function createChatView(root: HTMLElement, post: (m: ChatToHost) => void, opts: ChatViewOptions = {}): ChatView {
  const now = opts.now ?? (() => new Date());
  /** Everything the page knows, from `init` on, kept current by the host's messages. */
  let state: ChatViewState | undefined;
  const current = () => state;

  const header = buildHeader();
  const banner = buildDaemonBanner();
  const empty = buildEmptyState();
  const transcript = new Transcript();
  const history = new HistoryPanel(transcript.el, () => renderEmptyState(empty, state, history.open));
  const composer = buildComposer();
  root.replaceChildren(header.el, banner, history.el, empty, transcript.el, composer.el);

  const pickers = new Pickers(header);
  // Before the send control: its keydown handler must see Enter only when no suggestion is picked.
  const mentions = new MentionControl(composer, post, current);
  placeSuggestions(composer, mentions.box.el);
  wireImagePaste(composer.input, post);
  const sending = new SendControl(composer, post, current, opts.state);
  const frames = new FrameBatcher(opts.raf ?? ((cb) => requestAnimationFrame(cb)), (texts) => {
    if (state) transcript.append(state.chat.turns, texts);
  });
  wireActions(root, post, {
    send: () => sending.send(),
    closeHistory: () => history.setOpen(false),
    toggleLayout: (key) => transcript.toggleLayout(key),
  });
  // Escape stops a streaming answer, from anywhere in the page (a box that handles Escape itself,
  // such as the edit box, marks the event handled).
  root.ownerDocument.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing || !state?.busy) return;
    e.preventDefault();
    post({ type: 'stop' });
  });

  /** Busy: the actions that change the chat hide (style.css) without redrawing the turns. */
  function showBusy(s: ChatViewState): void {
    transcript.el.dataset.busy = String(s.busy);
  }

  /** `init`: the whole page from scratch (a new page, or the host starting over). */
  function drawAll(s: ChatViewState): void {
    sending.forget();
    frames.clear();
    transcript.clear();
    pickers.render(s);
    renderDaemonBanner(banner, s.daemon);
    history.render(s.history, s.chat.id, now());
    renderAttachments(composer.chips, s.attachments);
    transcript.render(s.chat.turns, true);
    showBusy(s);
    renderEmptyState(empty, s, history.open);
    sending.update();
  }

  /** `chat`: a snapshot of the shown chat (another chat, a new turn, an answer that ended). */
  function drawChat(s: ChatViewState, m: Extract<HostToChat, { type: 'chat' }>): void {
    frames.clear();
    const before = new Set(s.chat.turns.map((t) => t.id));
    // Follow a chat just opened, or a message just sent; otherwise stay where the reader is.
    const scroll = m.chat.id !== s.chat.id || m.chat.turns.some((t) => t.role === 'user' && !before.has(t.id));
    s.chat = structuredClone(m.chat);
    s.busy = m.busy;
    pickers.render(s);
    transcript.render(s.chat.turns, scroll);
    showBusy(s);
    history.render(s.history, s.chat.id, now());
    renderEmptyState(empty, s, history.open);
    sending.update();
  }

  function receive(m: HostToChat): void {
    if (m.type === 'init') {
      state = structuredClone(m.state);
      return drawAll(state);
    }
    const s = state;
    if (!s) return; // Nothing to draw on before `init`; the host sends it in answer to `ready`.
    switch (m.type) {
      case 'chat':
        return drawChat(s, m);
      case 'history':
        s.history = m.chats;
        return history.render(s.history, s.chat.id, now());
      case 'connections':
        s.connections = m.connections;
        pickers.render(s);
        return renderEmptyState(empty, s, history.open);
      case 'models':
        return; // the model quick pick (host side) lists them now
      case 'attachments':
        s.attachments = m.attachments;
        renderAttachments(composer.chips, s.attachments);
        return sending.update();
      case 'delta':
        if (m.chatId === s.chat.id) frames.push(m.turnId, m.text, m.reasoning);
        return;
      case 'stall':
        if (m.chatId === s.chat.id) transcript.stall(m.turnId, m.seconds);
        return;
      case 'accepted':
        return sending.accepted(m.requestId);
      case 'rejected':
        return sending.rejected(m.requestId, m.error);
      case 'daemon':
        s.daemon = m.state;
        // A send the daemon's loss left unanswered must not keep Send disabled.
        if (m.state !== 'connected') sending.forget();
        renderDaemonBanner(banner, s.daemon);
        return sending.update();
      case 'focusInput':
        history.setOpen(false);
        return composer.input.focus();
      case 'toggleHistory':
        return history.setOpen(!history.open);
      case 'mentions':
        return mentions.mentions(m.requestId, m.items);
      default:
        return assertNever(m);
    }
  }

  return { receive };
}
