/** `providers/*`: the provider catalog. Providers are data; a user-defined one needs no code. */
import { z } from 'zod';
import { AuthHeaderName, AuthPrefix, HttpUrl, Id, ModelId, ModelPriceFields } from './fields';
import { PROVIDER_ID_PATTERN, PROVIDER_ID_PROBLEM } from '../rules/providerFields';

/** A model's price, in US dollars per million tokens. */
export interface ModelPrice {
  /** The model id; also prices dated variants (`gpt-4o` prices `gpt-4o-2024-08-06`). */
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
}

/** A price as `prices/list` shows it: where it came from, and for which provider. */
export interface PriceEntry extends ModelPrice {
  provider: string;
  /** `catalog`: built in (may be out of date); `user`: set with `prices/set`, wins over the catalog. */
  source: 'catalog' | 'user';
}

/** A provider in the catalog. A user-defined provider is the same data, with `builtIn: false`. */
export interface Provider {
  id: string;
  name: string;
  /** Which wire format (and official SDK) serves it; `bedrock`: AWS Bedrock Converse, through the AWS SDK. */
  adapter: 'openai' | 'anthropic' | 'bedrock';
  /** Azure OpenAI: deployments and `api-version` (served by the openai SDK's AzureOpenAI client). */
  azure?: boolean;
  defaultBaseUrl: string;
  requiresKey: boolean;
  /** What a key looks like, e.g. "starts with sk-". */
  keyFormatHint?: string;
  /** Where to get or check a key. */
  docsUrl?: string;
  /** The environment variable this provider's key is usually found in. */
  envVar?: string;
  /**
   * OpenAI APIs besides chat completions that the provider serves at its base URL: `embeddings`
   * (`POST /embeddings`) and `responses` (OpenAI's Responses API, `POST /responses`). The daemon's
   * `/v1/embeddings` and `/v1/responses` are forwarded only to connections whose provider lists
   * them. Absent: an OpenAI-format provider serves `embeddings`, and nothing else.
   */
  apis?: ProviderApi[];
  /**
   * Rules of one vendor on top of its wire format, applied on every path to it (docs/translation.md):
   * `gemini` — Google's OpenAI-compatible endpoint (thought signatures sent back on tool calls, tool
   * schemas cleaned of the JSON Schema keywords it refuses, `reasoning_effort` mapped to its levels);
   * `cohere` — Cohere's compatibility API, whose models are listed by Cohere's own `GET /v1/models`.
   */
  dialect?: ProviderDialect;
  /**
   * The header the key is sent in, for servers that take neither `Authorization: Bearer <key>`
   * (openai format) nor `x-api-key: <key>` (anthropic format): e.g. `{name: 'api-key'}` sends
   * `api-key: <key>`, `{name: 'Authorization', prefix: 'Token'}` sends `Authorization: Token <key>`.
   * Every request to the provider carries the key there and only there (chat, forwarding, tests,
   * model lists). Absent: the wire format's own header.
   */
  authHeader?: ProviderAuthHeader;
  builtIn: boolean;
  /** Known model prices (the catalog's; `prices/set` overrides them). */
  models?: ModelPrice[];
}

/** How a provider's key is sent (see {@link Provider.authHeader}). */
export interface ProviderAuthHeader {
  /** The header's name, e.g. `api-key` or `Authorization`. */
  name: string;
  /** One word sent before the key, separated by a space, e.g. `Token`; absent: the key alone. */
  prefix?: string;
}

/** Vendor rules on top of a wire format (see {@link Provider.dialect}). */
export type ProviderDialect = 'gemini' | 'cohere';

/** An OpenAI API besides chat completions that a provider may serve (see {@link Provider.apis}). */
export type ProviderApi = 'embeddings' | 'responses';

/** A user-defined provider. Its `id` must not be a built-in one. */
export const ProviderInput = z.strictObject({
  id: Id.regex(PROVIDER_ID_PATTERN, PROVIDER_ID_PROBLEM),
  name: z.string().trim().min(1).max(100),
  adapter: z.enum(['openai', 'anthropic']),
  defaultBaseUrl: HttpUrl,
  requiresKey: z.boolean(),
  keyFormatHint: z.string().max(200).optional(),
  docsUrl: HttpUrl.optional(),
  envVar: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .max(128)
    .optional(),
  /** OpenAI APIs besides chat completions it serves (see `Provider.apis`); OpenAI-format providers only. */
  apis: z
    .array(z.enum(['embeddings', 'responses']))
    .max(2)
    .optional(),
  /** Vendor rules on top of the wire format (see `Provider.dialect`): `gemini` for a Gemini OpenAI-compatible endpoint (e.g. Vertex AI's). */
  dialect: z.enum(['gemini', 'cohere']).optional(),
  /** The header the key is sent in, when not the wire format's own (see `Provider.authHeader`). */
  authHeader: z
    .strictObject({
      name: AuthHeaderName,
      prefix: AuthPrefix.optional(),
    })
    .optional(),
});

/** Params of `providers/upsert`. */
export const ProvidersUpsertParams = z.strictObject({ provider: ProviderInput });
/** Params of `providers/delete`. */
export const ProvidersDeleteParams = z.strictObject({ id: Id });

/** Params of `prices/list`. */
export const PricesListParams = z.strictObject({ provider: Id.optional() }).optional();

/** Params of `prices/set`. */
export const PricesSetParams = z.strictObject({
  provider: Id,
  model: ModelId,
  /** The new price, or `null` to drop the user's price (the catalog's applies again). */
  price: ModelPriceFields.nullable(),
});
