/** One model entry of another tool's file, as the connection an import would create. */
import { keyFrom } from './keyReference';
import { KEYLESS, openAiStyleBase, providerFor } from './providerGuess';

export interface ToolEntry {
  /** Where in the file, for notes: `models[2]`. */
  at: string;
  name: string | undefined;
  /** The tool's provider name. */
  provider: string | undefined;
  baseUrl?: string | undefined;
  model?: string | undefined;
  /** The tool's key field, as written. */
  apiKey?: unknown;
  apiVersion?: string | undefined;
  capacity?: Array<{ period: 'minute'; requests?: number; tokens?: number }>;
}

/** The connection for an entry (unchecked: the import validates it), and notes about what was left out. */
export function connectionFromEntry(entry: ToolEntry, notes: string[]): Record<string, unknown> {
  const provider = providerFor(entry.provider) ?? (entry.baseUrl ? 'custom' : (entry.provider ?? ''));
  if (!providerFor(entry.provider) && entry.provider)
    notes.push(
      `${entry.at}: provider "${entry.provider}" is not one Switchboard knows${entry.baseUrl ? '; imported as a custom OpenAI-compatible server' : ''}.`,
    );
  const { key, wroteKey } = keyFrom(entry.apiKey, !KEYLESS.has(provider));
  const name = entry.name ?? entry.model ?? entry.at;
  if (wroteKey)
    notes.push(
      `${entry.at} ("${name}"): the key written in the file was not imported (only environment references are); give the key after importing.`,
    );
  const baseUrl = openAiStyleBase(provider, entry.baseUrl);
  return {
    name,
    provider,
    ...(baseUrl && { baseUrl }),
    ...(entry.model && { defaultModel: entry.model }),
    ...(entry.apiVersion && { apiVersion: entry.apiVersion }),
    ...(entry.capacity && entry.capacity.length > 0 && { capacity: entry.capacity }),
    key,
  };
}
