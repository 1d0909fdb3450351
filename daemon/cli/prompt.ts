/**
 * Reading from the person or the pipe: all of stdin, a key typed without echo (raw mode), and a
 * yes/no confirmation. Prompts go to stderr so stdout stays the command's answer.
 */
import { createInterface } from 'node:readline';
import { UsageError } from './args';

/** Thrown when the person presses Ctrl+C at a prompt: exit 130. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor() {
    super('Interrupted.');
  }
}

export function stdinIsTTY(): boolean {
  return process.stdin.isTTY === true;
}

/** Everything piped into stdin, as UTF-8. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A key piped into stdin: the first line, trimmed. Refuses an empty one. */
export async function readKeyFromStdin(): Promise<string> {
  const text = await readStdin();
  const key = (text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim();
  if (!key)
    throw new UsageError(
      'No key arrived on stdin.',
      'Pipe the key in, e.g. `printenv OPENAI_API_KEY | switchboard key set openai`.',
    );
  return key;
}

/**
 * Asks for a secret on the terminal without echoing it: raw mode, one character at a time,
 * Backspace edits, Enter ends, Ctrl+C / Ctrl+D abort. Nothing typed is ever written anywhere.
 */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY)
    return Promise.reject(
      new UsageError(
        'Cannot prompt for a key: stdin is not a terminal.',
        'Pipe the key in with --key-stdin, or use --key-env NAME.',
      ),
    );
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value.trim());
    };
    const onData = (data: Buffer | string) => {
      for (const ch of typeof data === 'string' ? data : data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new InterruptedError());
        if (ch === '\u0004') return value ? finish() : finish(new InterruptedError());
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u0015')
          value = ''; // Ctrl+U: start over
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** A hidden prompt that insists on a non-empty answer. */
export async function promptKey(label: string): Promise<string> {
  const key = await promptHidden(`API key for ${label} (input hidden): `);
  if (!key) throw new UsageError('No key was entered.', 'Run the command again and paste the key at the prompt.');
  return key;
}

/** Asks a yes/no question on the terminal; default no. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      rl.once('SIGINT', () => reject(new InterruptedError()));
      rl.once('close', () => resolve(''));
      rl.question(`${question} [y/N] `, resolve);
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
