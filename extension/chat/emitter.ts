/**
 * A minimal event emitter for the chat's vscode-free classes (store, runner, host), so they can be
 * unit-tested without VS Code. Same shape as `vscode.Event`: subscribe, get a disposable back.
 */
import type { Disposable } from '../../shared/client';

export type { Disposable } from '../../shared/client';

/** Subscribes `listener`; dispose the result to unsubscribe. */
export type Listen<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<(value: T) => void>();

  /** Subscribe here. */
  readonly event: Listen<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  /** Calls every listener; one that throws does not stop the others. */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // A view's bug must not break the stream for the other views: report and go on.
        console.error('Switchboard chat: a listener failed', error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
