/**
 * What an import reads, whatever file it came from: connections, providers and prices as unchecked
 * values (each is validated on its own, so one bad entry fails alone), settings, and notes about
 * what the file held that is not imported (keys written in it above all).
 */
import type { ImportFormat } from '../../shared/protocol';

export interface ImportSource {
  format: Exclude<ImportFormat, 'auto'>;
  connections: unknown[];
  providers: unknown[];
  prices: unknown[];
  settings?: unknown;
  notes: string[];
}

/** A plain object, or undefined. */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A non-empty trimmed string, or undefined. */
export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The import failed as a whole (not JSON/YAML, not a format we know, from a newer Switchboard). */
export class UnreadableImport extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}
