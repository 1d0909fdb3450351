/**
 * A tool call's thought signature (Gemini's, `ToolCall.signature`) carried through Anthropic
 * clients inside the `tool_use` id. Anthropic's format has no field for it, and a client such as
 * Claude Code keeps a `tool_use` block exactly as it came — the id is the one member every client
 * must send back unchanged (its `tool_result` answers it by id), even those that drop thinking
 * blocks or unknown members. So an answer from Gemini reaches an Anthropic client as
 * `tool_use.id = "<call id>__thought__<signature as base64url>"`, and the next request's `tool_use`
 * and `tool_result` ids are split back into the call id and its signature (docs/translation.md).
 *
 * The encoded id stays within Anthropic's id alphabet (`[a-zA-Z0-9_-]`), so a conversation that
 * later goes to an Anthropic connection still passes its checks (there the plain call id is sent).
 */

/** Between the call id and its encoded signature. */
export const SIGNATURE_MARK = '__thought__';

/** The `tool_use` id an Anthropic client gets for a call (with its signature, when it has one). */
export function toolUseId(id: string, signature: string | undefined): string {
  if (signature === undefined || signature === '') return id;
  return `${id}${SIGNATURE_MARK}${Buffer.from(signature, 'utf8').toString('base64url')}`;
}

/** A `tool_use` (or `tool_result.tool_use_id`) id from an Anthropic client: the call id and its signature, if it carries one. */
export function fromToolUseId(encoded: string): { id: string; signature?: string } {
  const at = encoded.indexOf(SIGNATURE_MARK);
  if (at <= 0) return { id: encoded };
  const tail = encoded.slice(at + SIGNATURE_MARK.length);
  // Only what this module wrote is split: anything else is some client's own id, kept whole.
  if (tail === '' || !/^[A-Za-z0-9_-]+$/.test(tail)) return { id: encoded };
  return { id: encoded.slice(0, at), signature: Buffer.from(tail, 'base64url').toString('utf8') };
}
