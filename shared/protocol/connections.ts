/** `connections/*`: the connection store. Methods on a connection take `{id}`. */
import { z } from 'zod';
import {
  ApiKey,
  BaseUrl,
  Budget,
  Capacity,
  CapacityPeriod,
  Description,
  FallbackModels,
  Fallbacks,
  GenerationDefaults,
  HeaderValue,
  Headers,
  Id,
  KeySource,
  MaxQueueWaitMs,
  ModelId,
  OnLimit,
  SecretHeaderNames,
  type CapacityLimit,
} from './fields';
import { connectionNameProblem, MAX_CONNECTION_NAME } from '../rules/connectionFields';
import { AwsSettingsInput, type AwsSettings } from './aws';
import type { RateLimitInfo } from './types';

/** Status of a connection's last test. */
export type TestStatus = 'ok' | 'warning' | 'error';

/** One stage of a connection test. */
export interface TestStage {
  /** Which check this is. */
  /** `modelAccess`: Bedrock only, whether the account was granted the default model in its region. */
  name: 'connectivity' | 'authentication' | 'models' | 'modelAccess' | 'latency' | 'completion';
  /** `skipped` when an earlier stage failed or the stage was not asked for. */
  status: TestStatus | 'skipped';
  /** Milliseconds the stage took, when it ran. */
  ms?: number;
  /** What was found, in words a person can act on. */
  reason: string;
}

/** The result of `connections/test`, stored on the connection as `lastTest`. */
export interface TestResult {
  /** Overall: the worst stage. */
  status: TestStatus;
  /** One line summary, e.g. "Works: 12 models, 140 ms". */
  summary: string;
  /** ISO time the test finished. */
  testedAt: string;
  /** Total milliseconds. */
  durationMs: number;
  stages: TestStage[];
  /** Model ids discovered during the test, when the models stage ran. */
  models?: string[];
}

/** A connection as every response shows it. There is no field that holds a key. */
export interface Connection {
  id: string;
  /** Unique, case-insensitively. */
  name: string;
  /** What it is for, who owns it, team notes (plain text). */
  description?: string;
  /**
   * `false`: switched off. Resolution, `/v1` routing and fallback chains pass it over, and a request
   * naming it fails with CONNECTION_DISABLED. This daemon sends it on every connection; absent (an
   * older daemon, a record in `db.json` from before the switch) means on.
   */
  enabled?: boolean;
  /** ISO time a request last went to it (chat, forwarded or translated; tests are not use). */
  lastUsedAt?: string;
  /** Temperature and max tokens applied to a request that does not set them. */
  generationDefaults?: GenerationDefaults;
  /** A provider id from the catalog (`providers/list`). */
  provider: string;
  baseUrl: string;
  defaultModel?: string;
  /** When set, only these models may be used (`MODEL_NOT_ALLOWED` otherwise). */
  allowedModels?: string[];
  organization?: string;
  /** Azure OpenAI `api-version`. */
  apiVersion?: string;
  /** Extra headers sent upstream; a secret one's value shows as `SECRET_HEADER_MASK`. */
  headers?: Record<string, string>;
  /** Names of the headers whose values are credentials, kept in the daemon's encrypted vault and never shown. */
  secretHeaders?: string[];
  timeoutMs: number;
  maxRetries: number;
  isDefault: boolean;
  keySource: KeySource;
  /** `…abcd`: the last four characters of the key, when the daemon holds one. */
  keyHint?: string;
  /** First 8 hex characters of the key's SHA-256, to tell keys apart without showing them. */
  keyFingerprint?: string;
  /** Whether the daemon can use a key right now (false for `memory` until a client pushes it). */
  keyAvailable: boolean;
  createdAt: string;
  updatedAt: string;
  lastTest?: TestResult;
  /** Configured limits, enforced by the daemon before the upstream is called. */
  capacity?: CapacityLimit[];
  /** `fail` (default): a request over a limit fails with RATE_LIMITED; `queue`: it waits its turn. */
  onLimit?: OnLimit;
  /** With `onLimit: "queue"`: the longest a request waits (default 60000 ms). */
  maxQueueWaitMs?: number;
  /** Spending budget; a request that would pass it fails with BUDGET_EXCEEDED. */
  budget?: Budget;
  /** Connection ids tried in order when this one fails before its first token. */
  fallbacks?: string[];
  /** The model each fallback uses, by connection id (default: that connection's default model). */
  fallbackModels?: Record<string, string>;
  /** The rate limits the upstream last reported in its response headers. */
  discoveredCapacity?: DiscoveredCapacity;
  /** AWS Bedrock: region and credential kind (never a secret). */
  aws?: AwsSettings;
}

/** Rate limits discovered from the upstream's headers, stored on the connection. */
export interface DiscoveredCapacity extends RateLimitInfo {
  /** ISO time of the response that carried them. */
  observedAt: string;
}

/*
 * Schemas of the results above, for the notifications that carry them (`connections/changed`,
 * `connections/tested`): a client checks what arrives before its handler sees it. They check shapes,
 * not the input bounds (the daemon built these values), and keep fields they do not know, so an
 * older client still passes a newer daemon's additions on. Optional fields are `exactOptional`: the
 * types say "absent or set", as JSON carries them.
 */

const TestStatusSchema = z.enum(['ok', 'warning', 'error']);

/** Schema of {@link TestStage}. */
export const TestStage: z.ZodType<TestStage> = z.looseObject({
  name: z.enum(['connectivity', 'authentication', 'models', 'modelAccess', 'latency', 'completion']),
  status: z.union([TestStatusSchema, z.literal('skipped')]),
  ms: z.number().exactOptional(),
  reason: z.string(),
});

/** Schema of {@link TestResult}. */
export const TestResult: z.ZodType<TestResult> = z.looseObject({
  status: TestStatusSchema,
  summary: z.string(),
  testedAt: z.string(),
  durationMs: z.number(),
  stages: z.array(TestStage),
  models: z.array(z.string()).exactOptional(),
});

const CapacityLimitShape: z.ZodType<CapacityLimit> = z.looseObject({
  period: CapacityPeriod,
  requests: z.number().exactOptional(),
  tokens: z.number().exactOptional(),
});
const BudgetShape: z.ZodType<Budget> = z.looseObject({ period: z.enum(['day', 'month']), amount: z.number() });

/** Schema of {@link DiscoveredCapacity}. */
export const DiscoveredCapacity: z.ZodType<DiscoveredCapacity> = z.looseObject({
  observedAt: z.string(),
  requestsLimit: z.number().exactOptional(),
  requestsRemaining: z.number().exactOptional(),
  requestsReset: z.string().exactOptional(),
  tokensLimit: z.number().exactOptional(),
  tokensRemaining: z.number().exactOptional(),
  tokensReset: z.string().exactOptional(),
});

/** Schema of {@link Connection}. */
export const Connection: z.ZodType<Connection> = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().exactOptional(),
  enabled: z.boolean().exactOptional(),
  lastUsedAt: z.string().exactOptional(),
  generationDefaults: z
    .looseObject({ temperature: z.number().exactOptional(), maxTokens: z.number().exactOptional() })
    .exactOptional(),
  provider: z.string(),
  baseUrl: z.string(),
  defaultModel: z.string().exactOptional(),
  allowedModels: z.array(z.string()).exactOptional(),
  organization: z.string().exactOptional(),
  apiVersion: z.string().exactOptional(),
  headers: z.record(z.string(), z.string()).exactOptional(),
  secretHeaders: z.array(z.string()).exactOptional(),
  timeoutMs: z.number(),
  maxRetries: z.number(),
  isDefault: z.boolean(),
  keySource: z.string(),
  keyHint: z.string().exactOptional(),
  keyFingerprint: z.string().exactOptional(),
  keyAvailable: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastTest: TestResult.exactOptional(),
  capacity: z.array(CapacityLimitShape).exactOptional(),
  onLimit: OnLimit.exactOptional(),
  maxQueueWaitMs: z.number().exactOptional(),
  budget: BudgetShape.exactOptional(),
  fallbacks: z.array(z.string()).exactOptional(),
  fallbackModels: z.record(z.string(), z.string()).exactOptional(),
  discoveredCapacity: DiscoveredCapacity.exactOptional(),
});

/**
 * A connection's name, under the rule the connection form applies too (shared/rules/connectionFields.ts).
 * Not looking like an id is checked by the daemon on create and rename only: names stored before that
 * rule must stay usable.
 */
const Name = z
  .string()
  .trim()
  // Bounds spelled out as well, so that docs/protocol.schema.json states them; the words are the rule's.
  .min(1, connectionNameProblem(''))
  .max(MAX_CONNECTION_NAME, connectionNameProblem('x'.repeat(MAX_CONNECTION_NAME + 1)))
  .superRefine((v, ctx) => {
    const problem = v === '' || v.length > MAX_CONNECTION_NAME ? undefined : connectionNameProblem(v, false);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Fields a client may set on a connection. */
const ConnectionFields = {
  name: Name,
  description: Description,
  /** `false` switches the connection off (see `Connection.enabled`). */
  enabled: z.boolean(),
  generationDefaults: GenerationDefaults,
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
  timeoutMs: z
    .int('must be a whole number of milliseconds')
    .min(1000, 'must be at least 1000 ms')
    .max(600_000, 'must be at most 600000 ms (10 minutes)'),
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
  /** AWS Bedrock connections: region and how they authenticate (see aws.ts). Required for provider `bedrock`. */
  aws: AwsSettingsInput,
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
  description: ConnectionFields.description.optional(),
  enabled: ConnectionFields.enabled.optional(),
  generationDefaults: ConnectionFields.generationDefaults.optional(),
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
  aws: ConnectionFields.aws.optional(),
});
/** Params of `connections/create`. */
export type CreateConnectionParams = z.infer<typeof CreateConnectionParams>;

/** Params of `connections/update`: `{id}` and the fields to change; `null` clears an optional field. */
export const UpdateConnectionParams = z.strictObject({
  id: Id,
  name: ConnectionFields.name.optional(),
  description: ConnectionFields.description.nullable().optional(),
  enabled: ConnectionFields.enabled.optional(),
  /** The whole new set of defaults (`null`: none). */
  generationDefaults: ConnectionFields.generationDefaults.nullable().optional(),
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
  /** New AWS settings (Bedrock); `null` removes them (only when the provider is no longer `bedrock`). */
  aws: ConnectionFields.aws.nullable().optional(),
});
/** Params of `connections/update`. */
export type UpdateConnectionParams = z.infer<typeof UpdateConnectionParams>;

export const ById = z.strictObject({ id: Id });

/** Result carrying one connection. */
export interface ConnectionResult {
  connection: Connection;
}

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
/** Params of `connections/resolve`. */
export const ConnectionsResolveParams = ResolveParams.optional();

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
  .refine((p) => (p.id === undefined) !== (p.draft === undefined), {
    message: 'give either id (a saved connection) or draft (an unsaved one), not both',
    path: ['id'],
  });
