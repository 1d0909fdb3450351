/**
 * The form's fields for what a connection carries besides how to reach it: a description, the
 * enabled switch, and generation defaults (temperature, max tokens) applied to requests that set
 * none. Pure, like form.ts, which merges these into the whole form.
 */
import type { Connection } from '../../../shared/protocol';
import type { ManagerCreateFields, ManagerUpdateFields } from '../../../shared/webview';

export interface CarriesValues {
  description: string;
  enabled: boolean;
  /** As typed; empty: no default. */
  temperature: string;
  maxTokens: string;
}

export type CarriesField = keyof CarriesValues;

export function emptyCarries(): CarriesValues {
  return { description: '', enabled: true, temperature: '', maxTokens: '' };
}

export function carriesFromConnection(c: Connection): CarriesValues {
  const d = c.generationDefaults;
  return {
    description: c.description ?? '',
    enabled: c.enabled !== false,
    temperature: d?.temperature === undefined ? '' : String(d.temperature),
    maxTokens: d?.maxTokens === undefined ? '' : String(d.maxTokens),
  };
}

export function validateCarries(v: CarriesValues): Partial<Record<CarriesField, string>> {
  const errors: Partial<Record<CarriesField, string>> = {};
  if (v.description.length > 2000) errors.description = 'Use at most 2000 characters.';
  else if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(v.description))
    errors.description = 'Remove the control characters.';
  const t = v.temperature.trim();
  if (t !== '' && !(Number.isFinite(Number(t)) && Number(t) >= 0 && Number(t) <= 2))
    errors.temperature = 'Enter a number from 0 to 2, or leave it empty.';
  const m = v.maxTokens.trim();
  if (m !== '' && !(/^\d+$/.test(m) && Number(m) >= 1 && Number(m) <= 1_000_000))
    errors.maxTokens = 'Enter a whole number from 1 to 1000000, or leave it empty.';
  return errors;
}

function defaultsOf(v: CarriesValues): { temperature?: number; maxTokens?: number } | undefined {
  const t = v.temperature.trim();
  const m = v.maxTokens.trim();
  if (t === '' && m === '') return undefined;
  return { ...(t !== '' && { temperature: Number(t) }), ...(m !== '' && { maxTokens: Number(m) }) };
}

export function carriesCreateFields(
  v: CarriesValues,
): Pick<ManagerCreateFields, 'description' | 'enabled' | 'generationDefaults'> {
  const defaults = defaultsOf(v);
  const description = v.description.trim();
  return {
    ...(description !== '' && { description }),
    ...(!v.enabled && { enabled: false }),
    ...(defaults && { generationDefaults: defaults }),
  };
}

/** Only what changed; `null` clears. */
export function carriesUpdateFields(
  original: Connection,
  v: CarriesValues,
): Pick<ManagerUpdateFields, 'description' | 'enabled' | 'generationDefaults'> {
  const out: Pick<ManagerUpdateFields, 'description' | 'enabled' | 'generationDefaults'> = {};
  const description = v.description.trim();
  if (description !== (original.description ?? '')) out.description = description === '' ? null : description;
  if (v.enabled !== (original.enabled !== false)) out.enabled = v.enabled;
  const defaults = defaultsOf(v);
  if (JSON.stringify(defaults ?? null) !== JSON.stringify(original.generationDefaults ?? null))
    out.generationDefaults = defaults ?? null;
  return out;
}
