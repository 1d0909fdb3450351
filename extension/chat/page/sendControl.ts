/**
 * Sending from the composer: when Send is enabled, Enter to send (never mid-IME composition), the
 * unsent draft kept through `vscode.setState`, and the one send in flight until the host accepts it
 * (the box is cleared) or refuses it (the text stays, with the reason beside it).
 */
import type { ChatErrorView, ChatToHost, ChatViewState } from '../../../shared/webview';
import { setSendButton, showSendError, type Composer } from './composer';

/** What the page keeps through `vscode.setState` (VS Code writes it to disk): the unsent draft only. */
export interface ChatPageState {
  draft: string;
}

/** Where the draft survives the view being hidden or reloaded (`vscode.getState` / `setState`). */
export interface DraftStorage {
  get(): unknown;
  set(state: ChatPageState): void;
}

export class SendControl {
  /** The send waiting for `accepted` / `rejected`; Send stays disabled meanwhile. */
  private pendingRequestId: number | undefined;
  private nextRequestId = 1;

  constructor(
    private readonly composer: Composer,
    private readonly post: (m: ChatToHost) => void,
    /** The page's state; undefined before `init`. */
    private readonly state: () => ChatViewState | undefined,
    private readonly draft: DraftStorage | undefined,
  ) {
    const saved = draft?.get() as Partial<ChatPageState> | undefined;
    composer.input.value = typeof saved?.draft === 'string' ? saved.draft : '';
    this.update();
    composer.input.addEventListener('input', () => {
      this.saveDraft();
      this.update();
    });
    composer.input.addEventListener('keydown', (e) => {
      // keyCode 229: a key the IME is still composing (Safari/Chromium report it before isComposing).
      // defaultPrevented: the suggestion list took the Enter (it picks, it does not send).
      if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229 || e.defaultPrevented) return;
      e.preventDefault();
      this.send();
    });
  }

  /** Send, or Stop while an answer streams; Send only when there is something to send and someone to take it. */
  update(): void {
    const s = this.state();
    const canSend = this.hasMessage() && s?.daemon === 'connected' && this.pendingRequestId === undefined;
    setSendButton(this.composer.send, s?.busy ?? false, canSend);
  }

  send(): void {
    const s = this.state();
    if (!s || s.busy) return;
    const text = this.composer.input.value.replace(/^\s*\n/, '').trimEnd();
    if (!this.hasMessage() || s.daemon !== 'connected' || this.pendingRequestId !== undefined) return;
    this.pendingRequestId = this.nextRequestId++;
    showSendError(this.composer.error, undefined);
    this.post({ type: 'send', requestId: this.pendingRequestId, text });
    this.update();
  }

  /** The host took the message: the box empties. */
  accepted(requestId: number): void {
    if (requestId !== this.pendingRequestId) return;
    this.pendingRequestId = undefined;
    this.composer.input.value = '';
    this.saveDraft();
    this.update();
  }

  /** The host refused it: the text stays, the reason shows beside it. */
  rejected(requestId: number, error: ChatErrorView): void {
    if (requestId !== this.pendingRequestId) return;
    this.pendingRequestId = undefined;
    showSendError(this.composer.error, error);
    this.update();
  }

  /** No answer will come for the send in flight (a new `init`, the daemon lost): Send must not stay disabled. */
  forget(): void {
    this.pendingRequestId = undefined;
  }

  /** Text, or context alone: the host sends attachments without text (the chat is then titled "About app.ts:12-30"). */
  private hasMessage(): boolean {
    return this.composer.input.value.trim() !== '' || (this.state()?.attachments.length ?? 0) > 0;
  }

  private saveDraft(): void {
    this.draft?.set({ draft: this.composer.input.value });
  }
}
