/**
 * Parsed params type their optional fields as `T | undefined` (zod's output), while the records the
 * daemon keeps hold only the fields that are there (`exactOptionalPropertyTypes`). These two meet
 * at the boundary: an input type accepts both, and `definedOnly` makes the record.
 */

/** T's optional fields may also be given as undefined: what a service accepts from parsed params. */
export type Loose<T> = { [K in keyof T]: undefined extends T[K] ? T[K] | undefined : T[K] };

/** The keys of T whose value may be undefined, optional or not. */
type UndefinableKeys<T> = Exclude<{ [K in keyof T]: undefined extends T[K] ? K : never }[keyof T], undefined>;

/** T as it is once its undefined-valued keys are gone: those keys optional, and never undefined. */
export type DefinedOnly<T> = Omit<T, UndefinableKeys<T>> & { [K in UndefinableKeys<T>]?: Exclude<T[K], undefined> };

/** A shallow copy without the keys whose value is undefined. */
export function definedOnly<T extends object>(value: T): DefinedOnly<T> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = field;
  return out as DefinedOnly<T>;
}
