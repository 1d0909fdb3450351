/**
 * What is known about the well-known models of the catalog's providers: context window, longest
 * answer, and what they can do. The figures are data (modelFacts.json), like the catalog and its
 * prices; the user's own (`modelFacts/set`, kept in db.json) are laid over them field by field
 * (models/factBook.ts). `GET /v1/models`, `models/list` (VS Code's model picker sizes prompts with
 * it) show them. A model missing here has no facts (nothing is guessed).
 *
 * Matching is the prices' rule (priceMatch.ts): the exact id, else the longest listed id the model
 * extends with a variant suffix (`gpt-4o` → `gpt-4o-2024-08-06`). OpenRouter's `<vendor>/<model>`
 * ids take the vendor's facts; Bedrock's ids drop their inference-profile prefix (`us.`, `eu.`,
 * `global.`…) and `:N` version, and `anthropic.…` ids take Anthropic's facts.
 */
import type { ModelCapability } from '../../shared/protocol';
import { matchModel } from './priceMatch';
import data from './modelFacts.json';

export type { ModelCapability } from '../../shared/protocol';

/** When these figures were last checked against the providers' model pages. */
export const MODEL_FACTS_AS_OF: string = data.asOf;

export interface ModelFacts {
  /** Catalog id, matched as prices are (exact, else the longest `<id>-<variant>`). */
  model: string;
  /** Tokens of input (prompt + answer for chat models) the model accepts. */
  contextWindow?: number;
  /** Longest answer in tokens; absent for embedding models and where the provider publishes none. */
  maxOutputTokens?: number;
  capabilities?: readonly ModelCapability[];
}

const FACTS: Readonly<Record<string, readonly ModelFacts[]>> = Object.freeze(
  Object.fromEntries(
    Object.entries(data.providers).map(([id, list]) => [
      id,
      Object.freeze(list.map((f) => Object.freeze(f as ModelFacts))),
    ]),
  ),
);

/** Azure deployments are named by their owner, but are often named after the model. */
const SAME_FACTS_AS: Readonly<Record<string, string>> = { 'azure-openai': 'openai' };

/** OpenRouter names models `<vendor>/<model>`: the vendor's own facts apply. */
const OPENROUTER_VENDORS: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'gemini',
  deepseek: 'deepseek',
  'x-ai': 'xai',
  mistralai: 'mistral',
  cohere: 'cohere',
};

/** Bedrock's cross-region inference profiles prefix a model id with where it may run. */
const BEDROCK_PROFILE = /^(?:us|eu|apac|ap|jp|au|ca|us-gov|global)\./;

/** The built-in facts listed for `providerId` (what `modelFacts/list` shows as `catalog`). */
export function catalogFactsOf(providerId: string): readonly ModelFacts[] {
  const id = SAME_FACTS_AS[providerId] ?? providerId;
  return Object.hasOwn(FACTS, id) ? FACTS[id]! : [];
}

/**
 * Where the facts of `model` on `providerId` are looked up: the provider (or vendor) whose list
 * holds it, and the id as listed there.
 */
export function factsKey(providerId: string, model: string): { provider: string; model: string } {
  if (providerId === 'openrouter') {
    const slash = model.indexOf('/');
    const vendor = slash > 0 ? OPENROUTER_VENDORS[model.slice(0, slash)] : undefined;
    if (vendor) return { provider: vendor, model: model.slice(slash + 1) };
  }
  if (providerId === 'bedrock') {
    const bare = model.replace(BEDROCK_PROFILE, '').replace(/:\d+$/, '');
    if (bare.startsWith('anthropic.')) return { provider: 'anthropic', model: bare.slice('anthropic.'.length) };
    return { provider: 'bedrock', model: bare };
  }
  return { provider: SAME_FACTS_AS[providerId] ?? providerId, model };
}

/** The built-in facts of `model` on a connection of `providerId`, or undefined when nothing is known. */
export function modelFactsOf(providerId: string, model: string): ModelFacts | undefined {
  const key = factsKey(providerId, model);
  return matchModel(catalogFactsOf(key.provider), key.model);
}
