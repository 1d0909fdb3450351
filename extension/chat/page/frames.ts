/**
 * Streamed text arrives faster than it is worth drawing (a delta every few milliseconds at 200
 * tokens/s). Deltas are collected per turn and handed over once per animation frame, so an answer's
 * Markdown is parsed and drawn at most once a frame, however many deltas came in between.
 */

export type RequestFrame = (callback: () => void) => unknown;

/** Streamed pieces of one answer waiting for a frame. */
export interface PendingText {
  text: string;
  reasoning: string;
}

export class FrameBatcher {
  private pending = new Map<string, PendingText>();
  private scheduled = false;

  constructor(
    private readonly requestFrame: RequestFrame,
    private readonly flush: (texts: Map<string, PendingText>) => void,
  ) {}

  /** Queues `text` (and `reasoning`) to be appended to turn `turnId` in the next frame. */
  push(turnId: string, text: string, reasoning = ''): void {
    const queued = this.pending.get(turnId) ?? { text: '', reasoning: '' };
    this.pending.set(turnId, { text: queued.text + text, reasoning: queued.reasoning + reasoning });
    if (this.scheduled) return;
    this.scheduled = true;
    this.requestFrame(() => this.run());
  }

  /** Drops queued text (a newer snapshot of the chat already holds it). */
  clear(): void {
    this.pending.clear();
  }

  private run(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const texts = this.pending;
    this.pending = new Map();
    this.flush(texts);
  }
}
