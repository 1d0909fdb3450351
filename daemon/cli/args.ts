/**
 * Command-line parsing on `node:util` `parseArgs`. Each command declares its flags once (name,
 * type, value name, description); the parser config and the `--help` text both come from that.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the CLI was called: exit code 2, with a hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly hint = 'Run the command with --help to see its usage.',
  ) {
    super(message);
  }
}

/** One flag of a command. */
export interface Flag {
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  /** May be given several times (strings only). */
  multiple?: boolean;
  /** Placeholder in help, e.g. `NAME`. */
  value?: string;
  description: string;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

/** What a command receives: its flags' values and its positional arguments. */
export interface Parsed {
  values: Values;
  positionals: string[];
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: Flag[] = [
  {
    name: 'home',
    type: 'string',
    value: 'DIR',
    description: 'Switchboard home (default: $SWITCHBOARD_HOME or the platform config dir)',
  },
  { name: 'json', type: 'boolean', description: 'Print machine-readable JSON on stdout' },
  { name: 'help', short: 'h', type: 'boolean', description: 'Show help' },
  { name: 'version', type: 'boolean', description: 'Print the version' },
];

/**
 * Flags that would put a key in argv — visible in `ps`, shell history and CI logs. Refused before
 * parsing, and the message never repeats what followed them.
 */
const KEY_FLAGS = /^--(key|api-key|apikey|api_key|token|secret)(=|$)/i;

export function refuseKeyFlags(argv: readonly string[]): void {
  const bad = argv.find((a) => KEY_FLAGS.test(a));
  if (!bad) return;
  const flag = bad.split('=')[0];
  throw new UsageError(
    `${flag} is not accepted: a key on the command line is visible to every user of this machine (ps) and is saved in shell history.`,
    'Pipe the key in with --key-stdin (e.g. `pbpaste | switchboard connections add … --key-stdin`), let the CLI prompt for it (hidden input), use --key-env NAME to read it from an environment variable, or run `switchboard key set <connection>`.',
  );
}

/** Parses `argv` (the words after the command) against global + command flags, strictly. */
export function parseCommandArgs(argv: string[], flags: Flag[]): Parsed {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const f of [...GLOBAL_FLAGS, ...flags]) {
    options[f.name] = {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(argv, [...GLOBAL_FLAGS, ...flags]),
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Values, positionals };
  } catch (error) {
    // parseArgs's messages are good ("Unknown option '--x'", "Option '--name <value>' argument missing").
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

/**
 * `--days -3` → `--days=-3`: parseArgs takes a value starting with `-` for an option, so without this
 * a negative number gets its "argument is ambiguous" message instead of the flag's range message.
 * Only number-shaped values are joined; `-m -x` still reads `-x` as an option.
 */
function joinNegativeValues(argv: readonly string[], flags: readonly Flag[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const flag = flags.find(
      (f) => f.type === 'string' && (a === `--${f.name}` || (f.short !== undefined && a === `-${f.short}`)),
    );
    const next = argv[i + 1];
    if (flag && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`--${flag.name}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/**
 * Finds the command words (`connections add`) among argv, skipping global flags wherever they are,
 * and returns them with the remaining arguments.
 */
export function splitCommand(
  argv: readonly string[],
  hasSub: (group: string) => boolean,
): { group?: string; sub?: string; rest: string[] } {
  const rest = [...argv];
  const take = (): string | undefined => {
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--') return undefined;
      if (a === '--home') {
        i++;
        continue;
      }
      if (a.startsWith('-')) continue;
      rest.splice(i, 1);
      return a;
    }
    return undefined;
  };
  const group = take();
  if (group === undefined || !hasSub(group)) return { ...(group !== undefined && { group }), rest };
  // The subcommand must come next (after global flags only), so `chat "add"` is never misread.
  const before = rest.slice();
  const sub = take();
  if (sub === undefined) return { group, rest: before };
  return { group, sub, rest };
}

/** Help lines for flags, aligned. */
export function flagHelp(flags: Flag[]): string {
  const left = flags.map(
    (f) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.type === 'string' ? ` <${f.value ?? 'value'}>` : ''}`,
  );
  const width = Math.max(...left.map((l) => l.length));
  return flags
    .map((f, i) => `  ${left[i]!.padEnd(width)}  ${f.description}${f.multiple ? ' (repeatable)' : ''}`)
    .join('\n');
}

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function bool(values: Values, name: string): boolean {
  return values[name] === true;
}

export function list(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** An integer flag within bounds, or a usage error naming the flag. */
export function int(values: Values, name: string, min: number, max: number): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  return n;
}

/** A number flag within bounds. */
export function num(values: Values, name: string, min: number, max: number): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, not "${raw}".`);
  return n;
}

/** A `YYYY-MM-DD` flag. */
export function day(values: Values, name: string): string | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`)))
    throw new UsageError(`--${name} must be a day as YYYY-MM-DD, not "${raw}".`);
  return raw;
}

/** Exactly `count` positionals, named in the error when missing or extra. */
export function positionals(parsed: Parsed, names: string[], usage: string): string[] {
  if (parsed.positionals.length < names.length)
    throw new UsageError(
      `Missing ${names
        .slice(parsed.positionals.length)
        .map((n) => `<${n}>`)
        .join(' ')}.`,
      `Usage: ${usage}`,
    );
  // The extra word is not echoed: it may be a key pasted in the wrong place.
  if (parsed.positionals.length > names.length)
    throw new UsageError(
      `Too many arguments: expected ${names.length === 0 ? 'none' : names.map((n) => `<${n}>`).join(' ')}.`,
      `Usage: ${usage}`,
    );
  return parsed.positionals;
}
