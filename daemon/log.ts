/**
 * The daemon's log: one line per event on stderr and in `daemon.log` in the home. Every line passes
 * through the redactor, so no code path can log a key.
 */
import { redactor } from './redactor';
import { appendPrivateSync } from './privateAppend';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** A file to append to as well as stderr. */
  file?: string;
  /** Where lines go besides the file; default stderr. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  let fileRefused = false;
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
    const line =
      redactor.redact(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${extra}`) + '\n';
    write(line);
    if (options.file && !fileRefused) {
      try {
        appendPrivateSync(options.file, line);
      } catch (error) {
        // The log file is a convenience; losing a line must never take the daemon down. A symlink
        // in its place is refused (ELOOP) and said once, on stderr.
        if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
          fileRefused = true;
          write(
            `${new Date().toISOString()} WARN  ${options.file} is a symbolic link; the daemon does not follow it and logs to stderr only. Remove the link to get the log file back.\n`,
          );
        }
      }
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v));
  } catch {
    return '[unserializable]';
  }
}

/** A logger that drops everything (unit tests). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
