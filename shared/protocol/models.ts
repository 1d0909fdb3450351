/** `models/list`: what a connection offers, from the provider's models endpoint; `modelFacts/*`: what is known of each model. */
import { z } from 'zod';
import { Id, ModelId } from './fields';
import type { EmbeddedError } from './types';

/** A model offered by a connection. */
export interface ModelInfo {
  id: string;
  displayName?: string;
  ownedBy?: string;
  /** ISO time the provider says it was created. */
  created?: string;
  /** Tokens of input (prompt + answer) the model accepts, when the catalog knows the model. */
  contextWindow?: number;
  /** Longest answer in tokens, when the catalog knows it. */
  maxOutputTokens?: number;
  /** What the model can do, when the catalog knows the model. */
  capabilities?: ModelCapability[];
}

/** What a model can do: `chat` (and which extras: `tools`, `vision`, `reasoning`), or `embeddings`. */
export type ModelCapability = 'chat' | 'tools' | 'vision' | 'reasoning' | 'embeddings';

/** Result of `models/list`. */
export interface ModelsListResult {
  models: ModelInfo[];
  /** ISO time of the list's fetch. */
  fetchedAt?: string;
  /** True when the provider could not be reached and this is the last good list. */
  stale: boolean;
  /** Why the list is stale. */
  error?: EmbeddedError;
}
/** Params of `models/list`. */
export const ModelsListParams = z.strictObject({ connectionId: Id, refresh: z.boolean().optional() });

/** What a user may say about a model: any of its context window, longest answer and capabilities. */
export const ModelFactsFields = z
  .strictObject({
    /** Tokens of input (prompt + answer) the model accepts. */
    contextWindow: z.int().min(1).max(100_000_000).optional(),
    /** Longest answer in tokens. */
    maxOutputTokens: z.int().min(1).max(100_000_000).optional(),
    /** What the model can do (replaces the catalog's list). */
    capabilities: z
      .array(z.enum(['chat', 'tools', 'vision', 'reasoning', 'embeddings']))
      .max(5)
      .optional(),
  })
  .refine(
    (f) => f.contextWindow !== undefined || f.maxOutputTokens !== undefined || f.capabilities !== undefined,
    'give contextWindow, maxOutputTokens or capabilities',
  );

/** The facts of one model: the catalog's, with the user's fields in their place. */
export interface ModelFactsEntry {
  provider: string;
  model: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities?: ModelCapability[];
  /** `catalog`: built in (may be out of date); `user`: the user's fields (`modelFacts/set`) over the catalog's, or the user's alone. */
  source: 'catalog' | 'user';
}

/** Params of `modelFacts/list`. */
export const ModelFactsListParams = z.strictObject({ provider: Id.optional() }).optional();

/** Params of `modelFacts/set`. */
export const ModelFactsSetParams = z.strictObject({
  provider: Id,
  model: ModelId,
  /** Fields to set (the others keep the catalog's), or `null` to drop the user's facts (the catalog's apply again). */
  facts: ModelFactsFields.nullable(),
});
