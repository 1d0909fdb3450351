/**
 * Tool parameter schemas as Gemini takes them. Gemini's OpenAI-compatible endpoint reads
 * `tools[].function.parameters` into its own Schema object (an OpenAPI 3.0 subset) and refuses the
 * whole request with a 400 ("Invalid JSON payload received. Unknown name \"additionalProperties\" at
 * 'tools[0].function_declarations[0].parameters': Cannot find field.") for any JSON Schema keyword
 * outside it — `$schema`, `additionalProperties`, `propertyNames`, `$ref`/`$defs`, `const`,
 * `oneOf`, `exclusiveMinimum`… which MCP servers, zod and pydantic all emit.
 *
 * So schemas for a Gemini connection are rewritten to the subset, keeping what they mean where the
 * subset can say it: `$ref` is inlined from `$defs`/`definitions`, `const` becomes a one-value
 * `enum`, `oneOf` becomes `anyOf`, `type: [T, "null"]` becomes `type: T, nullable: true`, a lone
 * `allOf` is merged. The rest (validation keywords the model would only read as hints:
 * `additionalProperties`, `propertyNames`, `patternProperties`, `exclusiveMinimum`, `multipleOf`,
 * `uniqueItems`, string `format`s other than `enum`/`date-time`…) is dropped: the model still sees
 * every property, its type and description (docs/translation.md, "Gemini").
 */
import { isObject } from './errors';

/** The members of Gemini's Schema object: everything else is refused with a 400. */
export const GEMINI_SCHEMA_KEYS: ReadonlySet<string> = new Set([
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

/** String formats Gemini takes (its Schema documents `enum` and `date-time`; numbers take int32/int64/float/double). */
const STRING_FORMATS = new Set(['enum', 'date-time']);
const NUMBER_FORMATS = new Set(['int32', 'int64', 'float', 'double']);

/** How deep `$ref`s are inlined: a recursive schema (a tree type) stops here as a plain object. */
const MAX_REF_DEPTH = 8;

interface Context {
  defs: Record<string, unknown>;
  depth: number;
}

/** The schema rewritten to Gemini's subset (a new object; the input is not changed). */
export function cleanGeminiSchema(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const defs = {
    ...(isObject(schema.definitions) ? schema.definitions : {}),
    ...(isObject(schema.$defs) ? schema.$defs : {}),
  };
  return clean(schema, { defs, depth: 0 });
}

/** True when the schema holds something Gemini refuses (the forward path rewrites only then). */
export function needsGeminiCleaning(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(needsGeminiCleaning);
  if (!isObject(schema)) return false;
  for (const [key, value] of Object.entries(schema)) {
    if (!GEMINI_SCHEMA_KEYS.has(key)) return true;
    if (key === 'type' && typeof value !== 'string') return true;
    if (key === 'format' && !STRING_FORMATS.has(String(value)) && !NUMBER_FORMATS.has(String(value))) return true;
    if (key === 'properties' && isObject(value) && Object.values(value).some(needsGeminiCleaning)) return true;
    if ((key === 'items' || key === 'anyOf') && needsGeminiCleaning(value)) return true;
  }
  return false;
}

function clean(schema: Record<string, unknown>, ctx: Context): Record<string, unknown> {
  const resolved = resolveRef(schema, ctx);
  if (resolved !== schema)
    return resolved === undefined ? { type: 'object' } : clean(resolved, { ...ctx, depth: ctx.depth + 1 });
  const source = mergeAllOf(schema, ctx);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    switch (key) {
      case 'properties':
        if (isObject(value)) {
          const props: Record<string, unknown> = {};
          // Property names are the tool's own words, never keywords: only their schemas are cleaned.
          for (const [name, sub] of Object.entries(value)) props[name] = isObject(sub) ? clean(sub, ctx) : sub;
          if (Object.keys(props).length > 0) out.properties = props;
        }
        break;
      case 'items':
        // A tuple (`items: [A, B]`) has no counterpart: its first member's schema stands for all.
        if (Array.isArray(value)) {
          if (isObject(value[0])) out.items = clean(value[0], ctx);
        } else if (isObject(value)) out.items = clean(value, ctx);
        break;
      case 'anyOf':
      case 'oneOf':
        if (Array.isArray(value)) out.anyOf = value.filter(isObject).map((s) => clean(s, ctx));
        break;
      case 'const':
        if (source.enum === undefined) out.enum = [value];
        break;
      case 'type':
        Object.assign(out, typeOf(value));
        break;
      case 'format':
        if (formatAllowed(value, source.type)) out.format = value;
        break;
      case 'required':
        if (Array.isArray(value)) out.required = value.filter((n) => typeof n === 'string');
        break;
      default:
        if (GEMINI_SCHEMA_KEYS.has(key)) out[key] = value;
    }
  }
  // An `enum` of strings only says what a string may be: Gemini wants the type spelled out.
  if (Array.isArray(out.enum) && out.type === undefined && out.enum.every((v) => typeof v === 'string'))
    out.type = 'string';
  if (Array.isArray(out.required) && isObject(out.properties)) {
    const props = out.properties;
    out.required = (out.required as string[]).filter((n) => Object.hasOwn(props, n));
  } else if (out.properties === undefined) delete out.required;
  return out;
}

/** `$ref: "#/$defs/X"` → the definition (undefined past the depth limit or when unknown); else the schema itself. */
function resolveRef(schema: Record<string, unknown>, ctx: Context): Record<string, unknown> | undefined {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  if (ctx.depth >= MAX_REF_DEPTH) return undefined;
  const m = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  const target = m ? ctx.defs[decodePointer(m[1]!)] : undefined;
  if (!isObject(target)) return undefined;
  // Sibling keywords (a description beside the $ref) win over the definition's.
  const { $ref: _ref, ...siblings } = schema;
  return { ...target, ...siblings };
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `allOf: [A, B]` (pydantic's way of adding a description to a $ref) merged into one object schema. */
function mergeAllOf(schema: Record<string, unknown>, ctx: Context): Record<string, unknown> {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  const merged: Record<string, unknown> = {};
  for (const member of allOf as unknown[]) {
    const part = isObject(member) ? resolveRef(member, ctx) : undefined;
    if (!part) continue;
    for (const [k, v] of Object.entries(part)) {
      if (k === 'properties' && isObject(v))
        merged.properties = { ...(isObject(merged.properties) ? merged.properties : {}), ...v };
      else if (k === 'required' && Array.isArray(v))
        merged.required = [...(Array.isArray(merged.required) ? merged.required : []), ...v];
      else merged[k] = v;
    }
  }
  return { ...merged, ...rest };
}

/** `type` as Gemini takes it: one name; `[T, "null"]` → nullable T; several → anyOf. */
function typeOf(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return value === 'null' ? { nullable: true } : { type: value };
  if (!Array.isArray(value)) return {};
  const types = value.filter((t): t is string => typeof t === 'string');
  const nonNull = types.filter((t) => t !== 'null');
  const nullable = nonNull.length < types.length ? { nullable: true } : {};
  if (nonNull.length === 1) return { type: nonNull[0], ...nullable };
  if (nonNull.length === 0) return nullable;
  return { anyOf: nonNull.map((t) => ({ type: t })), ...nullable };
}

function formatAllowed(format: unknown, type: unknown): boolean {
  if (typeof format !== 'string') return false;
  if (type === 'string') return STRING_FORMATS.has(format);
  if (type === 'integer' || type === 'number') return NUMBER_FORMATS.has(format);
  return false;
}
