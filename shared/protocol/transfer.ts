/**
 * `connections/export` and `connections/import`: connections, user providers, prices, limits,
 * budgets, fallbacks and settings as one JSON document, and back — never a secret. A key held by the
 * daemon (vault, memory) is exported as "needs a key"; an `env:NAME` reference stays one; a secret
 * header is exported by name only. Import also reads the files of the tools people come from
 * (Continue, LiteLLM, VS Code's BYOK models, Roo Code / Kilo Code / Zoo Code) into the same preview.
 */
import { z } from 'zod';
import {
  BaseUrl,
  Budget,
  Capacity,
  HeaderValue,
  Id,
  MaxQueueWaitMs,
  ModelId,
  ModelPriceFields,
  OnLimit,
  SecretHeaderNames,
} from './fields';
import { CreateConnectionParams } from './connections';
import { AwsAccessKeyId, AwsAuth, AwsProfile, AwsRegion } from './aws';
import type { ProviderInput } from './providers';
import type { Connection } from './connections';

/** What the first line of an export says it is. */
export const EXPORT_FORMAT = 'switchboard-export';
/** The version of the export document's shape this daemon writes; it reads this one and older. */
export const EXPORT_SCHEMA_VERSION = 1;

/** How an exported connection finds its key: an environment variable, none needed, or one to give after import. */
export const ExportedKey = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('env'),
    variable: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name'),
  }),
  z.strictObject({ source: z.literal('none') }),
  /** The key was held by the daemon (vault, VS Code): it is never exported, so give it again after importing. */
  z.strictObject({ source: z.literal('needsKey') }),
]);
/** How an exported connection finds its key. */
export type ExportedKey = z.infer<typeof ExportedKey>;

/**
 * A Bedrock connection's AWS settings in an export: region, how it signs in, the access key id or
 * profile — never the secret access key (that is the connection's key) nor the session token, which
 * `needsSessionToken` says must be given again.
 */
export const ExportedAws = z.strictObject({
  region: AwsRegion,
  auth: AwsAuth,
  accessKeyId: AwsAccessKeyId.optional(),
  profile: AwsProfile.optional(),
  /** The connection used temporary credentials: give their session token again after import. */
  needsSessionToken: z.boolean().optional(),
});
/** A Bedrock connection's AWS settings in an export. */
export type ExportedAws = z.infer<typeof ExportedAws>;

/** One connection in an export. Fallbacks name other connections of the document by name, not id. */
export const ExportedConnection = z.strictObject({
  name: CreateConnectionParams.shape.name,
  description: CreateConnectionParams.shape.description,
  /** `false`: imported switched off. */
  enabled: z.boolean().optional(),
  generationDefaults: CreateConnectionParams.shape.generationDefaults,
  provider: Id,
  baseUrl: BaseUrl.optional(),
  defaultModel: ModelId.optional(),
  allowedModels: z.array(ModelId).max(1000).optional(),
  organization: HeaderValue.min(1).max(256).optional(),
  apiVersion: z.string().min(1).max(64).optional(),
  /** The headers that are not secret, with their values. */
  headers: z.record(z.string(), HeaderValue).optional(),
  /** Secret headers, by name only: each needs its value again after import. */
  secretHeaders: SecretHeaderNames.optional(),
  timeoutMs: z.int().min(1000).max(600_000).optional(),
  maxRetries: z.int().min(0).max(10).optional(),
  isDefault: z.boolean().optional(),
  key: ExportedKey,
  capacity: Capacity.optional(),
  onLimit: OnLimit.optional(),
  maxQueueWaitMs: MaxQueueWaitMs.optional(),
  budget: Budget.optional(),
  /** Names of the connections to fall back to, in order. */
  fallbacks: z.array(z.string().min(1).max(100)).max(8).optional(),
  /** The model each fallback uses, by fallback name. */
  fallbackModels: z.record(z.string(), ModelId).optional(),
  /** AWS Bedrock connections: region and sign-in, without a secret. */
  aws: ExportedAws.optional(),
});
/** One connection in an export. */
export type ExportedConnection = z.infer<typeof ExportedConnection>;

/** A user's own price in an export. */
export const ExportedPrice = ModelPriceFields.extend({ provider: Id, model: ModelId });
/** A user's own price in an export. */
export type ExportedPrice = z.infer<typeof ExportedPrice>;

/** The daemon-wide settings an export carries. */
export const ExportedSettings = z.strictObject({
  testIntervalHours: z
    .number()
    .min(0)
    .max(24 * 365)
    .optional(),
  modelsCacheMinutes: z
    .number()
    .min(0)
    .max(60 * 24 * 30)
    .optional(),
});

/** A Switchboard export: what `connections/export` returns and `switchboard export` writes. */
export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  schemaVersion: number;
  exportedAt: string;
  /** The daemon version that wrote it. */
  exportedBy: string;
  connections: ExportedConnection[];
  /** User-defined providers (built-in ones are never exported). */
  providers: Array<z.infer<typeof ProviderInput>>;
  /** The user's own prices (`prices/set`), not the catalog's. */
  prices: ExportedPrice[];
  settings: z.infer<typeof ExportedSettings>;
}

/** Files import reads: a Switchboard export, or another tool's configuration. `auto` tells them apart. */
export const ImportFormat = z.enum(['auto', 'switchboard', 'continue', 'litellm', 'vscode', 'roo']);
/** Files import reads. */
export type ImportFormat = z.infer<typeof ImportFormat>;

/** What to do with an imported connection whose name is taken. */
export const OnNameClash = z.enum(['skip', 'rename', 'replace']);
/** What to do with an imported connection whose name is taken. */
export type OnNameClash = z.infer<typeof OnNameClash>;

/** Params of `connections/import`. */
export const ImportParams = z.strictObject({
  /** The file's text (JSON or YAML). */
  text: z.string().min(1, 'the file is empty').max(5_000_000, 'must be at most 5 MB'),
  format: ImportFormat.optional(),
  /** Default `skip`: a connection whose name exists is left alone. `rename` adds it as "name (2)"; `replace` updates the existing one (its key is kept). */
  onClash: OnNameClash.optional(),
  /** false (default): only the preview; true: import what the preview says. */
  apply: z.boolean().optional(),
  /** Only these items (by the preview's `name`); default: all of them. */
  only: z.array(z.string().max(200)).max(5000).optional(),
});
/** Params of `connections/import`. */
export type ImportParams = z.infer<typeof ImportParams>;

/** One thing an import creates, updates or skips, or could not read. */
export interface ImportItem {
  kind: 'connection' | 'provider' | 'price' | 'settings';
  /** The connection's name, the provider id, `provider/model` for a price, `settings`. */
  name: string;
  action: 'create' | 'update' | 'skip' | 'fail';
  /** With `rename`: the name it is created under. */
  newName?: string;
  /** The existing connection it updates (`replace`) or clashes with. */
  existingId?: string;
  /** Why it is skipped or failed, in words. */
  reason?: string;
  /** For `fail`: what to do about it. */
  hint?: string;
  /** What it will still need after import, e.g. "a key", "a value for header X-Api-Key". */
  needs?: string[];
  /** Where its key comes from after import: `env:NAME`, `none`, or `needs a key`. */
  key?: string;
  /** After apply: the connection it became. */
  connectionId?: string;
}

/** Result of `connections/import`. */
export interface ImportResult {
  /** The format the text was read as. */
  format: Exclude<ImportFormat, 'auto'>;
  applied: boolean;
  items: ImportItem[];
  /** Things the file held that are not imported (keys written in it, unknown fields, …). */
  notes: string[];
  /** After apply: the connections created or updated. */
  connections?: Connection[];
}
