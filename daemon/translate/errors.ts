/**
 * The errors a translation raises: always VALIDATION (HTTP 400), always naming the field in the
 * client's own words (`messages[2].content[0].type`), why it cannot be done, and what to do.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';

/** `field` has no counterpart in the target format and would change the answer. */
export function untranslatable(
  field: string,
  why: string,
  hint = 'Remove the field, or use a connection that speaks the same API as the client.',
): SwitchboardError {
  return new SwitchboardError(ErrorCode.VALIDATION, `${field}: ${why}`, { hint, field });
}

/** Fields of a request body that the translator does not know. */
export function unknownFields(fields: string[], where = ''): SwitchboardError {
  const names = fields.map((f) => (where ? `${where}.${f}` : f));
  return new SwitchboardError(
    ErrorCode.VALIDATION,
    `${names.join(', ')}: unknown ${names.length === 1 ? 'field' : 'fields'}; this request is translated to another provider's format, and Switchboard does not drop what it cannot translate.`,
    {
      hint: 'Remove the field, or send the request to a connection that speaks the same API (it is then forwarded as sent).',
      field: names[0]!,
    },
  );
}

/** A malformed value: the client sent something its own API would refuse. */
export function invalid(field: string, expected: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.VALIDATION, `${field}: ${expected}`, {
    hint: 'Fix the request body; see the API reference of the format you send.',
    field,
  });
}

/** Throws {@link unknownFields} when `body` has keys outside `known`. */
export function refuseUnknown(body: Record<string, unknown>, known: ReadonlySet<string>, where = ''): void {
  const extra = Object.keys(body).filter((k) => !known.has(k));
  if (extra.length > 0) throw unknownFields(extra, where);
}

/** A plain object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
