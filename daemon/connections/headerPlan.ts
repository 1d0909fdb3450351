/**
 * What a create or update does to a connection's headers: the record to store (secret values
 * replaced by {@link SECRET_HEADER_MASK}), which secret values go into the vault, which leave it, and
 * which header names changed (for the audit log, which never sees a value). Pure: the service does
 * the vault and store writes.
 *
 * Rules, per header sent:
 * - the value {@link SECRET_HEADER_MASK} keeps what is stored (a client returning the list it got);
 * - a new value is secret when {@link isSecretHeader} says so, when `secretHeaders` names it, or —
 *   when `secretHeaders` is not sent at all — when the header was secret before; a kept secret stays
 *   secret (turning it plain would write the stored value into db.json);
 * - a stored header not sent any more is removed, its secret with it.
 */
import { SECRET_HEADER_MASK } from '../../shared/protocol';
import { validationError } from './errors';
import { isSecretHeader } from '../../shared/rules/secretHeaders';
import { lowerSet, putHeader } from './secretHeaders';

/** The header fields of a stored connection. */
export interface StoredHeaders {
  headers?: Record<string, string>;
  secretHeaders?: string[];
}

export interface HeaderPlan {
  /** The headers to store (`undefined`: none). Secret values are the mask. */
  headers: Record<string, string> | undefined;
  /** Names of the secret headers (`undefined`: none). */
  secretHeaders: string[] | undefined;
  /** Secret values to put in the vault, by lowercased header name. */
  store: Map<string, string>;
  /** Lowercased names whose vault entries go. */
  forget: string[];
  /** Header names added, changed (value or secrecy) or removed. */
  changed: string[];
}

interface OldHeader {
  name: string;
  /** The stored value: the mask for a secret one. */
  value: string;
  secret: boolean;
}

/**
 * Plans the headers of a new record (`before` undefined) or an update. Returns undefined when the
 * request touches neither `headers` nor `secretHeaders`. `secretValue` gives a stored secret by
 * lowercased name, undefined when it is missing or unreadable. Throws VALIDATION for a mask with
 * nothing stored behind it, one header given twice, or a `secretHeaders` name that is no header.
 */
export function planHeaders(
  before: StoredHeaders | undefined,
  headers: Record<string, string> | null | undefined,
  named: readonly string[] | null | undefined,
  secretValue: (lowerName: string) => string | undefined,
): HeaderPlan | undefined {
  if (headers === undefined && named === undefined) return undefined;
  const wasSecret = lowerSet(before?.secretHeaders);
  const old = new Map<string, OldHeader>();
  for (const [name, value] of Object.entries(before?.headers ?? {}))
    old.set(name.toLowerCase(), { name, value, secret: wasSecret.has(name.toLowerCase()) });

  // Only secretHeaders sent: the stored headers, as a client would send them back.
  const incoming = headers === undefined ? (before?.headers ?? {}) : headers;
  const entries = Object.entries(incoming ?? {});
  const sent = new Set<string>();
  for (const [name] of entries) {
    const lower = name.toLowerCase();
    if (sent.has(lower))
      throw validationError(
        'headers',
        `"${name}" is given twice (header names do not depend on case).`,
        'Keep one of them.',
      );
    sent.add(lower);
  }
  const namedSet = lowerSet(named ?? undefined);
  for (const name of named ?? []) {
    if (!sent.has(name.toLowerCase()))
      throw validationError(
        'secretHeaders',
        `"${name}" is not one of the connection's headers.`,
        'Name only headers that are in headers, or add the header.',
      );
  }

  const out: Record<string, string> = {};
  const secretNames: string[] = [];
  const plan: HeaderPlan = { headers: undefined, secretHeaders: undefined, store: new Map(), forget: [], changed: [] };
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    const prev = old.get(lower);
    const renamed = prev !== undefined && prev.name !== name;
    if (value === SECRET_HEADER_MASK && prev?.secret) {
      // Kept as stored, readable or not: nothing to write.
      putHeader(out, name, SECRET_HEADER_MASK);
      secretNames.push(name);
      if (renamed) plan.changed.push(name);
      continue;
    }
    if (value === SECRET_HEADER_MASK && prev === undefined) {
      throw validationError(
        `headers.${name}`,
        `the value ${SECRET_HEADER_MASK} stands for a stored secret, but the connection has no header "${name}".`,
        `Type the header's real value.`,
      );
    }
    // The mask on a plain stored header keeps its plain value (a client saw it masked because it looks secret).
    const real = value === SECRET_HEADER_MASK ? prev!.value : value;
    const secret = isSecretHeader(name, real) || (named === undefined ? prev?.secret === true : namedSet.has(lower));
    if (secret) {
      putHeader(out, name, SECRET_HEADER_MASK);
      secretNames.push(name);
      const current = prev?.secret ? secretValue(lower) : undefined;
      if (current !== real) plan.store.set(lower, real);
      const same = prev !== undefined && (prev.secret ? current === real : prev.value === real);
      if (!same || renamed) plan.changed.push(name);
    } else {
      putHeader(out, name, real);
      if (prev?.secret) plan.forget.push(lower);
      // A secret turned plain counts as changed: its old value is unknown here and may differ.
      const same = prev !== undefined && !prev.secret && prev.value === real;
      if (!same || renamed) plan.changed.push(name);
    }
  }
  for (const [lower, prev] of old) {
    if (sent.has(lower)) continue;
    if (prev.secret) plan.forget.push(lower);
    plan.changed.push(prev.name);
  }
  plan.headers = incoming === null || (headers === undefined && before?.headers === undefined) ? undefined : out;
  plan.secretHeaders = secretNames.length > 0 ? secretNames : undefined;
  return plan;
}
