/** `models/list`: what a connection offers, from the provider's models endpoint. */
import { z } from 'zod';
import { Id } from './fields';
import { request, result } from './rpc';
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
/** Lists a connection's models, cached with a TTL; `refresh` fetches anew. */
export const ModelsList = request('models/list', z.strictObject({ connectionId: Id, refresh: z.boolean().optional() }), result<ModelsListResult>());
