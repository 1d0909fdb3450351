/**
 * The recent output of each terminal, for `@terminal`. VS Code's stable API has no way to read what
 * a terminal shows; what it does give is the output of each command run in a terminal with shell
 * integration (`onDidStartTerminalShellExecution` → `execution.read()`, VS Code 1.93+), from when
 * this extension started. So that is what is recorded: per terminal, the command lines and their
 * output, the last {@link KEEP_CHARS} characters.
 */
import * as vscode from 'vscode';

/** Characters kept per terminal (more than one attachment takes; the attachment keeps the end). */
export const KEEP_CHARS = 100_000;

export class TerminalOutputRecorder implements vscode.Disposable {
  private readonly output = new Map<vscode.Terminal, string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    // Older hosts (and some remote ones) lack the events: then nothing is recorded, and @terminal says so.
    const w = vscode.window as Partial<typeof vscode.window>;
    if (w.onDidStartTerminalShellExecution) {
      this.subscriptions.push(w.onDidStartTerminalShellExecution((e) => void this.record(e.terminal, e.execution)));
    }
    if (w.onDidEndTerminalShellExecution) {
      this.subscriptions.push(
        w.onDidEndTerminalShellExecution((e) => {
          if (e.exitCode !== undefined && e.exitCode !== 0) this.append(e.terminal, `[exit code ${e.exitCode}]\n`);
        }),
      );
    }
    this.subscriptions.push(vscode.window.onDidCloseTerminal((t) => this.output.delete(t)));
  }

  /** Whether this VS Code lets commands' output be read at all. */
  get supported(): boolean {
    return typeof (vscode.window as Partial<typeof vscode.window>).onDidStartTerminalShellExecution === 'function';
  }

  /** What was recorded of a terminal (empty when nothing was). */
  outputOf(terminal: vscode.Terminal): string {
    return this.output.get(terminal) ?? '';
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.output.clear();
  }

  private async record(terminal: vscode.Terminal, execution: vscode.TerminalShellExecution): Promise<void> {
    const command = execution.commandLine?.value;
    if (command) this.append(terminal, `$ ${command}\n`);
    try {
      for await (const data of execution.read()) this.append(terminal, data);
    } catch {
      // The terminal went away mid-command: what was read is kept.
    }
  }

  private append(terminal: vscode.Terminal, data: string): void {
    const next = (this.output.get(terminal) ?? '') + data;
    this.output.set(terminal, next.length > KEEP_CHARS ? next.slice(-KEEP_CHARS) : next);
  }
}
