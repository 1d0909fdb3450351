/**
 * The "Switchboard" output channel: the extension's own lines, and on request the end of the
 * daemon's `daemon.log` (which the daemon already redacts). Nothing here is ever given a key; as a
 * second line of defence, anything shaped like a well-known key format is masked before it is shown.
 */
import { forPeople } from './userWords';
import { open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Well-known key shapes (OpenAI/Anthropic/OpenRouter `sk-…`, Groq `gsk_…`, Google `AIza…`, xAI, bearer tokens). */
const KEY_SHAPES =
  /\b(?:sk-[A-Za-z0-9_-]{12,}|gsk_[A-Za-z0-9]{12,}|xai-[A-Za-z0-9]{12,}|AIza[0-9A-Za-z_-]{20,}|Bearer\s+[A-Za-z0-9._~+/-]{16,}=*)/g;

/** Masks anything that looks like a key, keeping its last four characters. */
export function scrub(text: string): string {
  return text.replace(KEY_SHAPES, (k) => `…${k.slice(-4)}`);
}

/** How many bytes of `daemon.log` "Show Daemon Log" reads at most. */
const TAIL_BYTES = 512 * 1024;

export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Switchboard');

  info(message: string): void {
    this.write('INFO ', message);
  }

  warn(message: string, error?: unknown): void {
    this.write('WARN ', error === undefined ? message : `${message}: ${describeError(error)}`);
  }

  error(message: string, error?: unknown): void {
    this.write('ERROR', error === undefined ? message : `${message}: ${describeError(error)}`);
  }

  /** Reveals the channel without taking focus. */
  show(): void {
    this.channel.show(true);
  }

  /** Appends the last `lines` lines of `daemon.log` in `home`, then reveals the channel. */
  async showDaemonLog(home: string, lines: number): Promise<void> {
    const file = path.join(home, 'daemon.log');
    const text = await readTail(file, TAIL_BYTES).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined) {
      this.info(`No daemon log yet at ${file}.`);
    } else {
      const tail = text.replace(/\n$/, '').split('\n').slice(-Math.max(1, lines));
      this.channel.appendLine(`──── ${file} (last ${tail.length} lines) ────`);
      for (const line of tail) this.channel.appendLine(scrub(line));
      this.channel.appendLine(`──── end of daemon log ────`);
    }
    this.show();
  }

  dispose(): void {
    this.channel.dispose();
  }

  private write(level: string, message: string): void {
    this.channel.appendLine(`${new Date().toISOString()} ${level} ${scrub(message)}`);
  }
}

/** A person-readable error: the message and, for Switchboard errors, the hint. */
export function describeError(error: unknown): string {
  // Notifications, the status bar and the tree show this: in a person's words (userWords.ts).
  if (error instanceof Error) {
    const hint = (error as { data?: { hint?: unknown } }).data?.hint;
    return forPeople(
      typeof hint === 'string' && hint && !error.message.includes(hint) ? `${error.message} ${hint}` : error.message,
    );
  }
  return forPeople(String(error));
}

async function readTail(file: string, maxBytes: number): Promise<string> {
  const { size } = await stat(file);
  const start = Math.max(0, size - maxBytes);
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    // Drop the partial first line when the read started mid-file.
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await handle.close();
  }
}
