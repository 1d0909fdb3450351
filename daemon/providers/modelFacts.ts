/**
 * What is known about the well-known models of the catalog's providers: context window, longest
 * answer, and what they can do. Data, like the catalog and its prices; `GET /v1/models` shows it so a
 * tool can size its prompts and pick a model that takes tools or images. A model missing here has no
 * facts (nothing is guessed); listed ids match their dated snapshots the way prices do
 * (`gpt-4o` → `gpt-4o-2024-08-06`, see priceMatch.ts).
 *
 * Figures are the providers' published ones as best known when written (see MODEL_FACTS_AS_OF).
 */
import { matchModel } from '../pricing/priceMatch';

/** When these figures were last checked against the providers' model pages. */
export const MODEL_FACTS_AS_OF = '2025-11';

import type { ModelCapability } from '../../shared/protocol';

export type { ModelCapability } from '../../shared/protocol';

export interface ModelFacts {
  /** Catalog id, matched as prices are (exact, else the longest `<id>-<variant>`). */
  model: string;
  /** Tokens of input (prompt + answer for chat models) the model accepts. */
  contextWindow: number;
  /** Longest answer in tokens; absent for embedding models. */
  maxOutputTokens?: number;
  capabilities: readonly ModelCapability[];
}

const CHAT_TOOLS_VISION: readonly ModelCapability[] = ['chat', 'tools', 'vision'];
const REASONING: readonly ModelCapability[] = ['chat', 'tools', 'vision', 'reasoning'];
const EMBEDDINGS: readonly ModelCapability[] = ['embeddings'];

const m = (model: string, contextWindow: number, maxOutputTokens: number | undefined, capabilities: readonly ModelCapability[]): ModelFacts =>
  Object.freeze({ model, contextWindow, ...(maxOutputTokens !== undefined && { maxOutputTokens }), capabilities });

const OPENAI: readonly ModelFacts[] = [
  m('gpt-5.1', 400_000, 128_000, REASONING),
  m('gpt-5', 400_000, 128_000, REASONING),
  m('gpt-5-mini', 400_000, 128_000, REASONING),
  m('gpt-5-nano', 400_000, 128_000, REASONING),
  m('gpt-4.1', 1_047_576, 32_768, CHAT_TOOLS_VISION),
  m('gpt-4.1-mini', 1_047_576, 32_768, CHAT_TOOLS_VISION),
  m('gpt-4.1-nano', 1_047_576, 32_768, CHAT_TOOLS_VISION),
  m('gpt-4o', 128_000, 16_384, CHAT_TOOLS_VISION),
  m('gpt-4o-mini', 128_000, 16_384, CHAT_TOOLS_VISION),
  m('o3', 200_000, 100_000, REASONING),
  m('o3-mini', 200_000, 100_000, ['chat', 'tools', 'reasoning']),
  m('o4-mini', 200_000, 100_000, REASONING),
  m('text-embedding-3-small', 8_191, undefined, EMBEDDINGS),
  m('text-embedding-3-large', 8_191, undefined, EMBEDDINGS),
  m('text-embedding-ada-002', 8_191, undefined, EMBEDDINGS),
];

const ANTHROPIC: readonly ModelFacts[] = [
  m('claude-opus-4-5', 200_000, 64_000, REASONING),
  m('claude-opus-4-1', 200_000, 32_000, REASONING),
  m('claude-opus-4', 200_000, 32_000, REASONING),
  m('claude-sonnet-4-5', 200_000, 64_000, REASONING),
  m('claude-sonnet-4', 200_000, 64_000, REASONING),
  m('claude-haiku-4-5', 200_000, 64_000, REASONING),
  m('claude-3-7-sonnet', 200_000, 64_000, REASONING),
  m('claude-3-5-haiku', 200_000, 8_192, CHAT_TOOLS_VISION),
];

const GEMINI: readonly ModelFacts[] = [
  m('gemini-2.5-pro', 1_048_576, 65_536, REASONING),
  m('gemini-2.5-flash', 1_048_576, 65_536, REASONING),
  m('gemini-2.5-flash-lite', 1_048_576, 65_536, REASONING),
  m('gemini-2.0-flash', 1_048_576, 8_192, CHAT_TOOLS_VISION),
];

const DEEPSEEK: readonly ModelFacts[] = [
  m('deepseek-chat', 128_000, 8_192, ['chat', 'tools']),
  m('deepseek-reasoner', 128_000, 64_000, ['chat', 'reasoning']),
];

const FACTS: Readonly<Record<string, readonly ModelFacts[]>> = {
  openai: OPENAI,
  // Azure deployments are named by their owner, but are often named after the model.
  'azure-openai': OPENAI,
  anthropic: ANTHROPIC,
  gemini: GEMINI,
  deepseek: DEEPSEEK,
};

/** OpenRouter names models `<vendor>/<model>`: the vendor's own facts apply. */
const OPENROUTER_VENDORS: Readonly<Record<string, string>> = { openai: 'openai', anthropic: 'anthropic', google: 'gemini', deepseek: 'deepseek' };

/** The facts of `model` on a connection of `providerId`, or undefined when nothing is known. */
export function modelFactsOf(providerId: string, model: string): ModelFacts | undefined {
  if (providerId === 'openrouter') {
    const slash = model.indexOf('/');
    const vendor = slash > 0 ? OPENROUTER_VENDORS[model.slice(0, slash)] : undefined;
    return vendor ? modelFactsOf(vendor, model.slice(slash + 1)) : undefined;
  }
  const list = Object.hasOwn(FACTS, providerId) ? FACTS[providerId]! : undefined;
  return list ? matchModel(list, model) : undefined;
}
