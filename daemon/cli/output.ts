/**
 * Everything the CLI prints goes through here: data on stdout (a table, a line, or JSON with
 * `--json`), notes and errors on stderr so pipes stay clean, colours only on a terminal without
 * NO_COLOR, and a spinner only when stderr is a terminal.
 */
import { RpcError, SwitchboardError } from '../../shared/client';
import { UsageError } from './args';
import { InterruptedError } from './prompt';

type Stream = NodeJS.WriteStream;

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;

/** Removes ANSI escapes, so a coloured cell is measured by what a person sees. */
export function visibleLength(text: string): number {
  return [...text.replace(/\u001b\[[0-9;]*m/g, '')].length;
}

/** Aligns rows under headers, two spaces apart; the last column is not padded. */
export function formatTable(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n') + '\n';
}

/** A spinner on stderr; `stop` clears its line. A no-op when stderr is not a terminal. */
export interface Spinner {
  update(text: string): void;
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The CLI's output, configured once from the global flags. */
export class Output {
  /** Colours on stdout. */
  readonly colour: boolean;
  private readonly errColour: boolean;

  constructor(
    readonly json: boolean,
    private readonly stdout: Stream = process.stdout,
    private readonly stderr: Stream = process.stderr,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const allowed = env.NO_COLOR === undefined || env.NO_COLOR === '';
    this.colour = allowed && stdout.isTTY === true;
    this.errColour = allowed && stderr.isTTY === true;
  }

  /** Colours `text` for stdout (plain when colours are off). */
  paint(colour: Colour, text: string): string {
    return this.colour ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
  }

  /** Writes raw text to stdout (streamed chat deltas). */
  write(text: string): void {
    this.stdout.write(text);
  }

  /** A line of human output on stdout; suppressed with `--json`. */
  line(text = ''): void {
    if (!this.json) this.stdout.write(text + '\n');
  }

  /** A table on stdout; suppressed with `--json`. */
  table(headers: string[], rows: string[][]): void {
    if (this.json) return;
    this.stdout.write(
      formatTable(
        headers.map((h) => this.paint('bold', h)),
        rows,
      ),
    );
  }

  /** The `--json` answer: one JSON document on stdout. */
  data(value: unknown): void {
    if (this.json) this.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** A note for the person (what happened on the side, e.g. "started the daemon"): stderr, always. */
  note(text: string): void {
    this.stderr.write((this.errColour ? `\u001b[2m${text}\u001b[0m` : text) + '\n');
  }

  /** A warning on stderr. */
  warn(text: string): void {
    this.stderr.write(`${this.errColour ? '\u001b[33mwarning:\u001b[0m' : 'warning:'} ${text}\n`);
  }

  /** Whether stdin/stderr make an interactive session (prompts, spinner). */
  get interactive(): boolean {
    return this.stderr.isTTY === true && process.stdin.isTTY === true;
  }

  spinner(text: string): Spinner {
    if (!this.stderr.isTTY || this.json) return { update() {}, stop() {} };
    let frame = 0;
    let current = text;
    const draw = () =>
      this.stderr.write(
        `\r\u001b[2K${this.errColour ? `\u001b[36m${FRAMES[frame]}\u001b[0m` : FRAMES[frame]} ${current}`,
      );
    draw();
    const timer = setInterval(() => {
      frame = (frame + 1) % FRAMES.length;
      draw();
    }, 80);
    return {
      update: (t) => {
        current = t;
        draw();
      },
      stop: () => {
        clearInterval(timer);
        this.stderr.write('\r\u001b[2K');
      },
    };
  }

  /**
   * Reports a failure: `error: …` and `hint: …` on stderr, and with `--json` also
   * `{"error": {code, message, hint, …data}}` on stdout so a script parsing stdout sees it, with the
   * daemon's structured details (`retryAfterMs`, `limit`, `skipped`, `field`, …) it would act on.
   */
  error(error: unknown): void {
    this.explain(error);
    if (this.json) this.stdout.write(JSON.stringify({ error: errorJson(error) }, null, 2) + '\n');
  }

  /** The `error: …` and `hint: …` lines on stderr only (for a command that prints its own JSON). */
  explain(error: unknown): void {
    const { message, hint } = describeError(error);
    const label = this.errColour ? '\u001b[31merror:\u001b[0m' : 'error:';
    this.stderr.write(`${label} ${message}\n`);
    if (hint) this.stderr.write(`${this.errColour ? '\u001b[2mhint:\u001b[0m' : 'hint:'} ${hint}\n`);
  }
}

/** An error as `--json` prints it: code, message and hint first, then the data the daemon sent with it. */
export function errorJson(error: unknown): Record<string, unknown> {
  const { code, message, hint } = describeError(error);
  const data =
    error instanceof SwitchboardError
      ? error.data
      : error instanceof RpcError && typeof error.data === 'object' && error.data !== null
        ? (error.data as Record<string, unknown>)
        : {};
  // The daemon's data never holds a key (shared/errors.ts); code, message and hint keep the CLI's wording.
  const { code: _code, message: _message, hint: _hint, ...details } = data as Record<string, unknown>;
  return { code, message, ...(hint ? { hint } : {}), ...details };
}

/** Protocol field names as the CLI's flags spell them, for hints about invalid params. */
const FIELD_FLAGS: Record<string, string> = {
  name: '--name',
  provider: '--provider',
  baseUrl: '--base-url',
  defaultModel: '--model',
  allowedModels: '--allowed-models',
  apiKey: 'the key',
  organization: '--org',
  apiVersion: '--api-version',
  headers: '--header',
  timeoutMs: '--timeout-ms',
  maxRetries: '--max-retries',
  model: '--model',
  options: 'the chat options',
  capacity: '--limit',
  onLimit: '--on-limit',
  maxQueueWaitMs: '--max-queue-wait',
  budget: '--budget',
  fallbacks: '--fallback',
  fallbackModels: '--fallback-model',
  price: '--input/--output',
};

/** The code, message and hint of any error the CLI may meet. */
export function describeError(error: unknown): { code: string; message: string; hint?: string } {
  if (error instanceof InterruptedError) return { code: 'INTERRUPTED', message: 'Interrupted.' };
  if (error instanceof UsageError)
    return { code: 'USAGE', message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof SwitchboardError)
    return { code: error.code, message: error.message, ...(error.data.hint ? { hint: error.data.hint } : {}) };
  if (error instanceof RpcError) {
    const field = (error.data as { field?: unknown } | undefined)?.field;
    const hint =
      typeof field === 'string'
        ? `Check the value given for ${FIELD_FLAGS[field.split('.')[0]!] ?? `"${field}"`} (see --help).`
        : 'This looks like a bug in the CLI or a daemon of another version; run `switchboard daemon status`.';
    return { code: `RPC_${error.code}`, message: error.message, hint };
  }
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}
