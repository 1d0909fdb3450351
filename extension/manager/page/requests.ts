/**
 * The page's requests in flight. Each answer names its request; an answer to a request made before
 * the form switched to another connection is dropped (its result belongs to a form no longer shown).
 * Pure, so the stale-answer rule is unit-tested.
 */
export type RequestKind = 'test' | 'save' | 'delete' | 'price' | 'provider';

export interface Pending {
  kind: RequestKind;
  generation: number;
  /** The connection a delete is about. */
  id?: string;
  name?: string;
}

export class Requests {
  private generation = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** Called with a request kind and whether one of that kind is now in flight (to disable its button). */
  constructor(private readonly onBusy: (kind: RequestKind, busy: boolean) => void = () => undefined) {}

  /** The form now shows something else: answers to earlier requests no longer apply. */
  newForm(): void {
    this.generation++;
  }

  start(kind: RequestKind, about?: { id: string; name: string }): number {
    const requestId = this.nextId++;
    this.pending.set(requestId, { kind, generation: this.generation, ...about });
    this.onBusy(kind, true);
    return requestId;
  }

  /** Takes the pending entry of an answer; undefined when unknown or the form has moved on since. */
  settle(requestId: number): Pending | undefined {
    const p = this.pending.get(requestId);
    this.pending.delete(requestId);
    if (!p) return undefined;
    if (![...this.pending.values()].some((q) => q.kind === p.kind)) this.onBusy(p.kind, false);
    return p.generation === this.generation ? p : undefined;
  }

  /** Whether this page is deleting the connection right now (its disappearance is expected). */
  deleting(id: string): boolean {
    return [...this.pending.values()].some((p) => p.kind === 'delete' && p.id === id);
  }
}
