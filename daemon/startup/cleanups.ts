/** What a running daemon must undo when it stops, undone in reverse order of doing. */
import type { Logger } from '../log';

export type Cleanup = () => Promise<void> | void;

export class Cleanups {
  private readonly steps: Cleanup[] = [];

  constructor(private readonly log: Logger) {}

  /** Adds a step; steps run last-added first, so what started last stops first. */
  push(step: Cleanup): void {
    this.steps.push(step);
  }

  /** Runs every step once, in reverse. A failing step is logged and the others still run. */
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        this.log.warn('cleanup step failed', { error });
      }
    }
  }
}
