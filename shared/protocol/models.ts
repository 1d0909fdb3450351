/** `models/list`: what a connection offers, from the provider's models endpoint. */
import { z } from 'zod';
import { Id } from './fields';
import { request, result } from './rpc';
import type { EmbeddedError, ModelInfo } from './types';

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
