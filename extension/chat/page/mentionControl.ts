/**
 * The composer's `@` and `/` suggestions: watches the message box, asks the host for `@` matches
 * (its answer is used only if it is still the latest question), lists the slash commands and, after
 * `/ask `, the connections. Picking a mention removes `@query` from the text and asks the host to
 * attach it (a chip appears); picking a command or a connection completes the text.
 */
import {
  CHAT_SLASH_COMMANDS as SLASH_COMMANDS,
  type ChatMention,
  type ChatToHost,
  type ChatViewState,
} from '../../../shared/webview';
import type { Composer } from './composer';
import { SuggestBox, triggerAt, type Suggestion, type Trigger } from './suggest';

export class MentionControl {
  readonly box = new SuggestBox('Suggestions');
  private lastRequestId = 0;
  private trigger: Trigger | undefined;

  constructor(
    private readonly composer: Composer,
    private readonly post: (m: ChatToHost) => void,
    private readonly state: () => ChatViewState | undefined,
  ) {
    const { input } = composer;
    input.addEventListener('input', () => this.update());
    input.addEventListener('click', () => this.update());
    input.addEventListener('blur', () => this.box.hide());
    // Registered before the send control's: Enter picks a suggestion instead of sending.
    input.addEventListener('keydown', (e) => {
      if (e.isComposing || !this.box.key(e)) return;
      e.preventDefault();
      e.stopImmediatePropagation();
    });
  }

  /** The host's answer to a `mentionQuery`. */
  mentions(requestId: number, items: ChatMention[]): void {
    if (requestId !== this.lastRequestId || this.trigger?.kind !== 'mention') return;
    const start = this.trigger.start;
    this.box.show(
      items.map((m) => ({
        kind: m.kind,
        label: m.label,
        ...(m.detail ? { detail: m.detail } : {}),
        pick: () => {
          this.replace(start, '');
          this.post({ type: 'addMention', mention: m });
        },
      })),
      'No file or symbol matches',
    );
  }

  private update(): void {
    const { input } = this.composer;
    this.trigger = triggerAt(input.value, input.selectionStart ?? input.value.length);
    const t = this.trigger;
    if (!t) return this.box.hide();
    if (t.kind === 'mention') {
      this.lastRequestId += 1;
      this.post({ type: 'mentionQuery', requestId: this.lastRequestId, query: t.query });
      return;
    }
    if (t.kind === 'slash') {
      const q = t.query.toLowerCase();
      return this.box.show(
        SLASH_COMMANDS.filter((c) => c.name.startsWith(q)).map((c): Suggestion => ({
          label: c.usage,
          detail: c.description,
          pick: () => this.replace(0, `/${c.name} `),
        })),
      );
    }
    const q = t.query.toLowerCase();
    const connections = (this.state()?.connections ?? []).filter((c) => c.name.toLowerCase().startsWith(q));
    this.box.show(
      connections.map((c): Suggestion => ({
        label: c.name,
        detail: c.defaultModel ? `${c.provider} · ${c.defaultModel}` : c.provider,
        pick: () => this.replace(t.start, `${c.name} `),
      })),
      'No connection has that name',
    );
  }

  /** Replaces the text from `start` to the caret with `text`, leaving the caret after it. */
  private replace(start: number, text: string): void {
    const { input } = this.composer;
    const caret = input.selectionStart ?? input.value.length;
    input.value = input.value.slice(0, start) + text + input.value.slice(caret);
    const at = start + text.length;
    input.setSelectionRange(at, at);
    this.box.hide();
    // Lets the send control save the draft and enable Send; and shows the next suggestions (`/ask ` → connections).
    input.dispatchEvent(new Event('input'));
    input.focus();
  }
}
