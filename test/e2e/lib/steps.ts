/**
 * The e2e scenario is one story told in steps, each depending on the ones before: after the first
 * failure the rest are skipped (they could only fail for the same reason) and a screenshot of the
 * failure is kept.
 */
export class Steps {
  passed = 0;
  failed = 0;
  skipped = 0;
  private broken = false;
  readonly timings: Array<{ name: string; ms: number }> = [];

  constructor(private readonly onFailure: (name: string) => Promise<void>) {}

  get ok(): boolean {
    return !this.broken;
  }

  /** Runs a step unless an earlier one failed. */
  async step(name: string, fn: () => Promise<void>): Promise<void> {
    if (this.broken) {
      this.skipped++;
      console.log(`  - ${name} (skipped)`);
      return;
    }
    const started = Date.now();
    try {
      await fn();
      const ms = Date.now() - started;
      this.passed++;
      this.timings.push({ name, ms });
      console.log(`  ✓ ${name} (${ms} ms)`);
    } catch (error) {
      this.failed++;
      this.broken = true;
      console.log(
        `  ✗ ${name} (${Date.now() - started} ms)\n      ${String((error as Error).message ?? error)
          .split('\n')
          .join('\n      ')}`,
      );
      await this.onFailure(name).catch(() => undefined);
    }
  }

  /** Counts a failure that happened outside any step (setup, teardown). */
  fail(name: string, error: unknown): void {
    this.failed++;
    this.broken = true;
    console.log(
      `  ✗ ${name}\n      ${String((error as Error).message ?? error)
        .split('\n')
        .join('\n      ')}`,
    );
  }
}

/** Turns a step name into a file name for its failure screenshot. */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}
