/**
 * Gemini's OpenAI-compatible endpoint (`Provider.dialect: "gemini"`): what it needs beyond the
 * OpenAI wire format, applied on the translated path (openaiBody.ts) and — because a body that
 * Gemini refuses is no use relayed as sent — on the forward path too (only the members that must
 * change are rewritten, every other byte stays the client's; see {@link geminiForwardMembers}).
 *
 * - Thought signatures: Gemini 3 returns one on (the first of) each answer's tool calls, as
 *   `tool_calls[].extra_content.google.thought_signature`, and refuses a replayed call without it.
 *   The neutral model keeps it as `ToolCall.signature`; here it goes back out as `extra_content`.
 * - Tool schemas: cleaned to Gemini's Schema subset (geminiSchema.ts).
 * - Reasoning: `reasoning_effort` takes `none`, `minimal`, `low`, `medium` and `high` (Gemini maps
 *   them to its thinking levels, or to budgets on 2.5 models); OpenAI's `xhigh` is sent as `high`.
 *   A token budget (Anthropic clients' `thinking.budget_tokens`) is sent as Gemini's own
 *   `extra_body.google.thinking_config.thinking_budget` to 2.5 models, which take budgets, and as
 *   the effort covering it to Gemini 3, which thinks in levels.
 */
import type { ReasoningOptions, ToolCall } from '../../shared/protocol';
import { isObject } from './errors';
import { cleanGeminiSchema, needsGeminiCleaning } from './geminiSchema';
import { effortFor } from './reasoningBudget';

type Effort = NonNullable<ReasoningOptions['effort']>;

/** The effort as Gemini takes it (`xhigh`, beyond its range, is its highest). */
export function geminiEffort(effort: Effort): Effort {
  return effort === 'xhigh' ? 'high' : effort;
}

/** Gemini 3 and later think in levels; 2.5 models in token budgets. */
function thinksInLevels(model: string): boolean {
  const m = /gemini-(\d+)/.exec(model.toLowerCase());
  return m !== null && Number(m[1]) >= 3;
}

/** The request members that carry `reasoning` to Gemini `model`. */
export function geminiReasoning(model: string, reasoning: ReasoningOptions): Record<string, unknown> {
  if (reasoning.effort === undefined && reasoning.budgetTokens !== undefined && !thinksInLevels(model)) {
    return { extra_body: { google: { thinking_config: { thinking_budget: reasoning.budgetTokens } } } };
  }
  return { reasoning_effort: geminiEffort(effortFor(reasoning)) };
}

/** A tool call as Gemini's OpenAI-compatible endpoint takes it back: its thought signature included. */
export function geminiToolCall(c: ToolCall): Record<string, unknown> {
  return {
    id: c.id,
    type: 'function',
    function: { name: c.name, arguments: c.arguments },
    ...(c.signature !== undefined && { extra_content: { google: { thought_signature: c.signature } } }),
  };
}

/** The thought signature of an OpenAI-format tool call (`extra_content.google.thought_signature`), if any. */
export function thoughtSignatureOf(call: Record<string, unknown>): string | undefined {
  const extra = call.extra_content;
  const google = isObject(extra) ? extra.google : undefined;
  const signature = isObject(google) ? google.thought_signature : undefined;
  return typeof signature === 'string' && signature !== '' ? signature : undefined;
}

/** OpenAI-format `tools` with each function's parameters cleaned for Gemini. */
export function geminiTools(tools: unknown[]): unknown[] {
  return tools.map((t) => {
    if (!isObject(t) || !isObject(t.function) || !isObject(t.function.parameters)) return t;
    return { ...t, function: { ...t.function, parameters: cleanGeminiSchema(t.function.parameters) } };
  });
}

/**
 * The top-level members a client's chat completions body needs rewritten before it is forwarded
 * to a Gemini connection, as raw JSON texts for jsonSplice's setMembers — or undefined when the
 * body can go exactly as sent (the common case: no tools with refused keywords, no `xhigh`).
 * Tool-call signatures need nothing here: a client that speaks OpenAI's format to Gemini already
 * gets and sends back `extra_content`, and the forwarded messages carry it untouched.
 */
export function geminiForwardMembers(body: Record<string, unknown>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const tools = body.tools;
  if (
    Array.isArray(tools) &&
    tools.some((t) => isObject(t) && isObject(t.function) && needsGeminiCleaning(t.function.parameters))
  ) {
    out.tools = JSON.stringify(geminiTools(tools));
  }
  const effort = body.reasoning_effort;
  // Gemini takes none, minimal, low, medium and high; any other value is the upstream's to refuse.
  if (effort === 'xhigh') out.reasoning_effort = JSON.stringify(geminiEffort(effort));
  return Object.keys(out).length > 0 ? out : undefined;
}
