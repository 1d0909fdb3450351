/** `connections/*`: the connection store. Methods on a connection take `{id}`. */
import { z } from 'zod';
import { ApiKey, BaseUrl, Budget, Capacity, FallbackModels, Fallbacks, HeaderValue, Headers, Id, KeySource, MaxQueueWaitMs, ModelId, OnLimit, SecretHeaderNames } from './fields';
import { request, result } from './rpc';
import type { Connection, TestResult } from './types';

const Name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');

/** Fields a client may set on a connection. */
const ConnectionFields = {
  name: Name,
  /** A provider id from `providers/list`. */
  provider: Id,
  /** Defaults to the provider's base URL. */
  baseUrl: BaseUrl,
  defaultModel: ModelId,
  allowedModels: z.array(ModelId).max(1000, 'at most 1000 models'),
  /** Sent as the `OpenAI-Organization` header. */
  organization: HeaderValue.min(1).max(256),
  apiVersion: z.string().min(1).max(64),
  /** Extra headers. A secret one (see `secretHeaders`) is stored encrypted and shown as `SECRET_HEADER_MASK`. */
  headers: Headers,
  /** Headers to treat as secret besides those the daemon recognises; write-mostly: responses list every secret header. */
  secretHeaders: SecretHeaderNames,
  timeoutMs: z.int('must be a whole number of milliseconds').min(1000, 'must be at least 1000 ms').max(600_000, 'must be at most 600000 ms (10 minutes)'),
  maxRetries: z.int('must be a whole number').min(0, 'must be 0 or more').max(10, 'must be at most 10'),
  isDefault: z.boolean(),
  /** Default: `vault` when `apiKey` is given, `none` when the provider needs no key. */
  keySource: KeySource,
  /** The key. Write-only: no response ever contains it. */
  apiKey: ApiKey,
  capacity: Capacity,
  onLimit: OnLimit,
  maxQueueWaitMs: MaxQueueWaitMs,
  budget: Budget,
  fallbacks: Fallbacks,
  fallbackModels: FallbackModels,
} as const;

/**
 * Whether `model` may be used on a connection with these `allowedModels` (absent: any model). The one
 * rule the daemon (chats, and a default model outside the list is refused on create/update), the CLI
 * (`models` marks the others) and the connection form agree on: an exact, case-sensitive id.
 */
export function isModelAllowed(allowedModels: readonly string[] | undefined, model: string): boolean {
  return allowedModels === undefined || allowedModels.includes(model);
}

/** Params of `connections/create`. */
export const CreateConnectionParams = z.strictObject({
  name: ConnectionFields.name,
  provider: ConnectionFields.provider,
  baseUrl: ConnectionFields.baseUrl.optional(),
  defaultModel: ConnectionFields.defaultModel.optional(),
  allowedModels: ConnectionFields.allowedModels.optional(),
  organization: ConnectionFields.organization.optional(),
  apiVersion: ConnectionFields.apiVersion.optional(),
  headers: ConnectionFields.headers.optional(),
  secretHeaders: ConnectionFields.secretHeaders.optional(),
  timeoutMs: ConnectionFields.timeoutMs.optional(),
  maxRetries: ConnectionFields.maxRetries.optional(),
  isDefault: ConnectionFields.isDefault.optional(),
  keySource: ConnectionFields.keySource.optional(),
  apiKey: ConnectionFields.apiKey.optional(),
  capacity: ConnectionFields.capacity.optional(),
  onLimit: ConnectionFields.onLimit.optional(),
  maxQueueWaitMs: ConnectionFields.maxQueueWaitMs.optional(),
  budget: ConnectionFields.budget.optional(),
  fallbacks: ConnectionFields.fallbacks.optional(),
  fallbackModels: ConnectionFields.fallbackModels.optional(),
});
/** Params of `connections/create`. */
export type CreateConnectionParams = z.infer<typeof CreateConnectionParams>;

/** Params of `connections/update`: `{id}` and the fields to change; `null` clears an optional field. */
export const UpdateConnectionParams = z.strictObject({
  id: Id,
  name: ConnectionFields.name.optional(),
  provider: ConnectionFields.provider.optional(),
  baseUrl: ConnectionFields.baseUrl.optional(),
  defaultModel: ConnectionFields.defaultModel.nullable().optional(),
  allowedModels: ConnectionFields.allowedModels.nullable().optional(),
  organization: ConnectionFields.organization.nullable().optional(),
  apiVersion: ConnectionFields.apiVersion.nullable().optional(),
  /**
   * The whole new set of headers (`null`: none). A secret header sent with the value
   * `SECRET_HEADER_MASK` keeps its stored value; a new value replaces it; a header left out is removed.
   */
  headers: ConnectionFields.headers.nullable().optional(),
  /** `null`: from now on only the daemon's own rules decide which new header values are secret. */
  secretHeaders: ConnectionFields.secretHeaders.nullable().optional(),
  timeoutMs: ConnectionFields.timeoutMs.optional(),
  maxRetries: ConnectionFields.maxRetries.optional(),
  isDefault: ConnectionFields.isDefault.optional(),
  keySource: ConnectionFields.keySource.optional(),
  /** A new key: replaces the old one atomically (rotation). */
  apiKey: ConnectionFields.apiKey.optional(),
  capacity: ConnectionFields.capacity.nullable().optional(),
  onLimit: ConnectionFields.onLimit.nullable().optional(),
  maxQueueWaitMs: ConnectionFields.maxQueueWaitMs.nullable().optional(),
  budget: ConnectionFields.budget.nullable().optional(),
  fallbacks: ConnectionFields.fallbacks.nullable().optional(),
  fallbackModels: ConnectionFields.fallbackModels.nullable().optional(),
});
/** Params of `connections/update`. */
export type UpdateConnectionParams = z.infer<typeof UpdateConnectionParams>;

const ById = z.strictObject({ id: Id });

/** Result carrying one connection. */
export interface ConnectionResult {
  connection: Connection;
}

/** All connections, default first then by name. */
export const ConnectionsList = request('connections/list', z.strictObject({}).optional(), result<{ connections: Connection[] }>());
/** One connection. */
export const ConnectionsGet = request('connections/get', ById, result<ConnectionResult>());
/** Creates a connection. The first connection becomes the default. */
export const ConnectionsCreate = request('connections/create', CreateConnectionParams, result<ConnectionResult>());
/** Changes fields of a connection. */
export const ConnectionsUpdate = request('connections/update', UpdateConnectionParams, result<ConnectionResult>());
/** Deletes a connection and its key. Deleting the default leaves no default. Returns what was deleted. */
export const ConnectionsDelete = request('connections/delete', ById, result<ConnectionResult>());
/** Makes a connection the one default (the previous default stops being one). */
export const ConnectionsSetDefault = request('connections/setDefault', ById, result<ConnectionResult>());

/** Params of `connections/resolve`. */
export const ResolveParams = z.strictObject({
  /** The connection the request names (a chat's own choice). */
  connectionId: Id.optional(),
  /** The workspace's choice, sent by an editor. */
  workspaceConnectionId: Id.optional(),
});
/** Why a connection was chosen. */
export type ResolveReason = 'explicit' | 'workspace' | 'default';
/** Result of `connections/resolve`. */
export interface ResolveResult {
  connection: Connection;
  reason: ResolveReason;
}
/** Which connection a request would use, and why: explicit → workspace → default → `NO_CONNECTION`. */
export const ConnectionsResolve = request('connections/resolve', ResolveParams.optional(), result<ResolveResult>());

/** A connection that is not saved yet, as typed in a form (same fields as create; the name may be omitted). */
export const DraftConnection = CreateConnectionParams.extend({ name: Name.optional() });
/** Params of `connections/test`: a saved connection by `id`, or a `draft`. */
export const TestParams = z
  .strictObject({
    id: Id.optional(),
    draft: DraftConnection.optional(),
    /** Also send a tiny completion to the default model. */
    completion: z.boolean().optional(),
  })
  .refine((p) => (p.id === undefined) !== (p.draft === undefined), { message: 'give either id (a saved connection) or draft (an unsaved one), not both', path: ['id'] });
/** Tests a connection: connectivity, authentication, models, latency, and optionally a tiny completion. */
export const ConnectionsTest = request('connections/test', TestParams, result<{ result: TestResult; connection?: Connection }>());
