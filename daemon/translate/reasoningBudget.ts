/**
 * OpenAI's `reasoning_effort` and Anthropic's `thinking.budget_tokens` are two dials for one thing.
 * The table is the daemon's choice (documented in docs/translation.md): an effort becomes a budget
 * in the middle of the range Anthropic recommends for it, and a budget becomes the smallest effort
 * whose budget covers it.
 */
import type { ReasoningOptions } from '../../shared/protocol';

type Effort = NonNullable<ReasoningOptions['effort']>;

/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

const BUDGET_OF: Record<Exclude<Effort, 'none'>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
};

/** The thinking budget for reasoning options; undefined when reasoning is off. */
export function budgetFor(reasoning: ReasoningOptions): number | undefined {
  if (reasoning.budgetTokens !== undefined) return Math.max(MIN_THINKING_BUDGET, reasoning.budgetTokens);
  if (reasoning.effort === undefined || reasoning.effort === 'none') return undefined;
  return BUDGET_OF[reasoning.effort];
}

/** The effort for reasoning options (an explicit effort wins; a budget maps to low/medium/high). */
export function effortFor(reasoning: ReasoningOptions): Effort {
  if (reasoning.effort !== undefined) return reasoning.effort;
  const budget = reasoning.budgetTokens ?? 0;
  if (budget <= BUDGET_OF.low) return 'low';
  if (budget <= BUDGET_OF.medium) return 'medium';
  return 'high';
}
