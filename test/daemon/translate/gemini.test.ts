/** Golden cases of the Gemini dialect: schema cleaning, reasoning mapping, signatures in tool_use ids. */
import { describe, expect, it } from 'vitest';
import { geminiForwardMembers, geminiReasoning } from '../../../daemon/translate/geminiDialect';
import { cleanGeminiSchema, GEMINI_SCHEMA_KEYS, needsGeminiCleaning } from '../../../daemon/translate/geminiSchema';
import { fromToolUseId, toolUseId } from '../../../daemon/translate/toolUseIds';

/** Every key anywhere in a schema (property names excluded). */
function keywords(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => keywords(s, out));
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      out.add(k);
      if (k === 'properties') Object.values(v as object).forEach((s) => keywords(s, out));
      else if (k === 'items' || k === 'anyOf') keywords(v, out);
    }
  }
  return out;
}

describe('cleanGeminiSchema', () => {
  it('inlines $ref, turns const/oneOf/type lists into the subset, merges allOf, drops the rest', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      propertyNames: { pattern: '^[a-z]+$' },
      properties: {
        // Property names that look like keywords are the tool's own: kept.
        $schema: { type: 'string' },
        mode: { const: 'fast' },
        kind: { oneOf: [{ type: 'string' }, { type: 'integer', format: 'int32', multipleOf: 2 }] },
        maybe: { type: ['integer', 'null'], exclusiveMinimum: 0 },
        either: { type: ['string', 'number'] },
        node: { $ref: '#/$defs/Node', description: 'the root' },
        merged: { allOf: [{ $ref: '#/definitions/Base' }], description: 'pydantic style' },
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], uniqueItems: true },
      },
      required: ['mode', 'gone'],
      $defs: { Node: { type: 'object', properties: { child: { $ref: '#/$defs/Node' } } } },
      definitions: {
        Base: { type: 'object', properties: { a: { type: 'string', format: 'email' } }, required: ['a'] },
      },
    };
    const out = cleanGeminiSchema(schema) as Record<string, any>;
    expect([...keywords(out)].filter((k) => !GEMINI_SCHEMA_KEYS.has(k))).toEqual([]);
    expect(out.properties.$schema).toEqual({ type: 'string' });
    expect(out.properties.mode).toEqual({ enum: ['fast'], type: 'string' });
    expect(out.properties.kind).toEqual({ anyOf: [{ type: 'string' }, { type: 'integer', format: 'int32' }] });
    expect(out.properties.maybe).toEqual({ type: 'integer', nullable: true });
    expect(out.properties.either).toEqual({ anyOf: [{ type: 'string' }, { type: 'number' }] });
    expect(out.properties.node.description).toBe('the root');
    expect(out.properties.merged).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
      required: ['a'],
      description: 'pydantic style',
    });
    expect(out.properties.pair).toEqual({ type: 'array', items: { type: 'string' } });
    expect(out.required).toEqual(['mode']); // a required name with no property is dropped
    // A recursive $ref stops at a bounded depth as a plain object.
    let depth = 0;
    for (let n = out.properties.node; n?.properties?.child; n = n.properties.child) depth++;
    expect(depth).toBeGreaterThan(0);
    expect(depth).toBeLessThanOrEqual(8);
    expect(schema.additionalProperties).toBe(false); // the input is not changed
  });

  it('leaves a clean schema alone, and says which schemas need cleaning', () => {
    const clean = { type: 'object', properties: { city: { type: 'string', enum: ['a'] } }, required: ['city'] };
    expect(needsGeminiCleaning(clean)).toBe(false);
    expect(cleanGeminiSchema(clean)).toEqual(clean);
    expect(
      needsGeminiCleaning({
        type: 'object',
        properties: { x: { type: 'array', items: { additionalProperties: {} } } },
      }),
    ).toBe(true);
    expect(needsGeminiCleaning({ type: ['string', 'null'] })).toBe(true);
  });
});

describe('the forward path', () => {
  it('rewrites only tools that need it and xhigh; nothing for a body Gemini takes', () => {
    expect(
      geminiForwardMembers({
        model: 'm',
        messages: [],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        reasoning_effort: 'low',
      }),
    ).toBeUndefined();
    const members = geminiForwardMembers({
      tools: [
        { type: 'function', function: { name: 'f', parameters: { type: 'object', additionalProperties: false } } },
      ],
      reasoning_effort: 'xhigh',
    })!;
    expect(JSON.parse(members.tools!)).toEqual([
      { type: 'function', function: { name: 'f', parameters: { type: 'object' } } },
    ]);
    expect(members.reasoning_effort).toBe('"high"');
  });
});

describe('reasoning', () => {
  it('Gemini 3 gets levels; 2.5 gets a budget when only a budget was given', () => {
    expect(geminiReasoning('gemini-3-pro-preview', { budgetTokens: 20_000 })).toEqual({ reasoning_effort: 'high' });
    expect(geminiReasoning('gemini-2.5-flash', { budgetTokens: 2000 })).toEqual({
      extra_body: { google: { thinking_config: { thinking_budget: 2000 } } },
    });
    expect(geminiReasoning('gemini-2.5-flash', { effort: 'xhigh' })).toEqual({ reasoning_effort: 'high' });
    expect(geminiReasoning('models/gemini-3-flash', { effort: 'none' })).toEqual({ reasoning_effort: 'none' });
  });
});

describe('tool_use ids', () => {
  it("carry a signature both ways within Anthropic's id alphabet", () => {
    const signature = 'CiQB0e2Kb+/x==';
    const id = toolUseId('function-call-1', signature);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromToolUseId(id)).toEqual({ id: 'function-call-1', signature });
    expect(toolUseId('toolu_01', undefined)).toBe('toolu_01');
    expect(fromToolUseId('toolu_01')).toEqual({ id: 'toolu_01' });
    // Someone else's id that happens to hold the mark, but not our encoding, is kept whole.
    expect(fromToolUseId('a__thought__not base64!')).toEqual({ id: 'a__thought__not base64!' });
  });
});
