/**
 * What Gemini's OpenAI-compatible endpoint refuses with a 400, with its real messages where known,
 * so a client (or the daemon) that does not handle Gemini fails here as it would against Google:
 * - on Gemini 3 models, a replayed assistant tool call of the current turn (after the last user
 *   message) without the thought signature Gemini gave it ("Function call is missing a
 *   thought_signature in functionCall parts…"), or with one Gemini never issued ("Corrupted thought
 *   signature."); `skip_thought_signature_validator` is accepted, as Google documents;
 * - tool parameter schemas with any key outside Gemini's Schema object (`$schema`,
 *   `additionalProperties`, `propertyNames`, `$ref`, `const`…), or a `type` that is not one name
 *   ("Invalid JSON payload received. Unknown name \"additionalProperties\" at
 *   'tools[0].function_declarations[0].parameters': Cannot find field.");
 * - a `reasoning_effort` outside none/minimal/low/medium/high, or one given together with
 *   `extra_body.google.thinking_config` (these two messages are worded by the mock).
 */
import type { ConversationRefusal } from './conversation';

/** The members of Gemini's Schema object. */
const SCHEMA_KEYS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);
const EFFORTS = new Set(['none', 'minimal', 'low', 'medium', 'high']);
/** Google's documented value for histories whose calls Gemini did not make. */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

export function checkGemini(body: any, signatures: ReadonlySet<string>): ConversationRefusal | undefined {
  return (
    checkReasoning(body) ?? checkTools(body) ?? (isGemini3(body?.model) ? checkSignatures(body, signatures) : undefined)
  );
}

/** Thought signatures are required from Gemini 3 on. */
export function isGemini3(model: unknown): boolean {
  const m = /gemini-(\d+)/.exec(String(model ?? ''));
  return m !== null && Number(m[1]) >= 3;
}

function checkReasoning(body: any): ConversationRefusal | undefined {
  const effort = body?.reasoning_effort;
  if (effort === undefined) return undefined;
  if (!EFFORTS.has(effort))
    return {
      message: `Invalid value for reasoning_effort: "${String(effort)}". Supported values are none, minimal, low, medium and high.`,
    };
  if (body?.extra_body?.google?.thinking_config !== undefined)
    return { message: 'reasoning_effort and thinking_config cannot be set at the same time.' };
  return undefined;
}

function checkTools(body: any): ConversationRefusal | undefined {
  const tools: any[] = Array.isArray(body?.tools) ? body.tools : [];
  const problems: string[] = [];
  tools.forEach((t, i) => {
    const params = t?.function?.parameters;
    if (params && typeof params === 'object') walk(params, `tools[0].function_declarations[${i}].parameters`, problems);
  });
  return problems.length > 0 ? { message: problems.join('\n') } : undefined;
}

/** Google names nested schemas by position: `.properties[2].value`, `.items`, `.any_of[0]`. */
function walk(schema: any, at: string, problems: string[]): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  for (const [key, value] of Object.entries(schema)) {
    if (!SCHEMA_KEYS.has(key)) {
      problems.push(`Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`);
      continue;
    }
    if (key === 'type' && (typeof value !== 'string' || !TYPES.has(value.toLowerCase()))) {
      problems.push(
        `Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(value)}`,
      );
    }
    if (key === 'properties' && value && typeof value === 'object')
      Object.values(value).forEach((sub, n) => walk(sub, `${at}.properties[${n}].value`, problems));
    if (key === 'items') walk(value, `${at}.items`, problems);
    if (key === 'anyOf' && Array.isArray(value)) value.forEach((sub, n) => walk(sub, `${at}.any_of[${n}]`, problems));
  }
}

function checkSignatures(body: any, signatures: ReadonlySet<string>): ConversationRefusal | undefined {
  const messages: any[] = Array.isArray(body?.messages)
    ? body.messages.filter((m: any) => m?.role !== 'system' && m?.role !== 'developer')
    : [];
  // The current turn: everything after the last user message (tool results are `tool` messages).
  const start = messages.map((m) => m?.role).lastIndexOf('user') + 1;
  for (let i = start; i < messages.length; i++) {
    const calls: any[] =
      messages[i]?.role === 'assistant' && Array.isArray(messages[i].tool_calls) ? messages[i].tool_calls : [];
    if (calls.length === 0) continue;
    // In parallel calls only the first carries the signature.
    const first = calls[0];
    const signature = first?.extra_content?.google?.thought_signature;
    if (typeof signature !== 'string' || signature === '') {
      return {
        message:
          'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing ' +
          `thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(first?.function?.name)}\` , ` +
          `position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      };
    }
    if (signature !== SKIP_SIGNATURE && !signatures.has(signature)) return { message: 'Corrupted thought signature.' };
  }
  return undefined;
}
