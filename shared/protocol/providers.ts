/** `providers/*`: the provider catalog. Providers are data; a user-defined one needs no code. */
import { z } from 'zod';
import { HttpUrl, Id } from './fields';
import { request, result } from './rpc';
import { ModelId, ModelPriceFields } from './fields';
import type { PriceEntry, Provider } from './types';

/** A user-defined provider. Its `id` must not be a built-in one. */
export const ProviderInput = z.strictObject({
  id: Id.regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, dot, dash or underscore'),
  name: z.string().trim().min(1).max(100),
  adapter: z.enum(['openai', 'anthropic']),
  defaultBaseUrl: HttpUrl,
  requiresKey: z.boolean(),
  keyFormatHint: z.string().max(200).optional(),
  docsUrl: HttpUrl.optional(),
  envVar: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).max(128).optional(),
  /** OpenAI APIs besides chat completions it serves (see `Provider.apis`); OpenAI-format providers only. */
  apis: z.array(z.enum(['embeddings', 'responses'])).max(2).optional(),
});

/** The whole catalog, built-in first. */
export const ProvidersList = request('providers/list', z.strictObject({}).optional(), result<{ providers: Provider[] }>());
/** Adds or replaces a user-defined provider. */
export const ProvidersUpsert = request('providers/upsert', z.strictObject({ provider: ProviderInput }), result<{ provider: Provider }>());
/** Deletes a user-defined provider no connection uses. */
export const ProvidersDelete = request('providers/delete', z.strictObject({ id: Id }), result<{ provider: Provider }>());

/** Every known model price: the catalog's, with the user's own (`source: "user"`) in their place. */
export const PricesList = request('prices/list', z.strictObject({ provider: Id.optional() }).optional(), result<{ prices: PriceEntry[] }>());

/** Params of `prices/set`. */
export const PricesSetParams = z.strictObject({
  provider: Id,
  model: ModelId,
  /** The new price, or `null` to drop the user's price (the catalog's applies again). */
  price: ModelPriceFields.nullable(),
});
/** Sets (or clears) the user's price for a provider's model; usage recorded from now on uses it. */
export const PricesSet = request('prices/set', PricesSetParams, result<{ price: PriceEntry | null }>());
