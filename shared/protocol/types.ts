/**
 * The protocol's result types: what the daemon returns. Inputs are declared as zod schemas beside
 * their methods; outputs are plain interfaces because the daemon builds them itself.
 */
import type { ErrorData } from '../errors';
import type { KeySource } from './fields';

/** Status of a connection's last test. */
export type TestStatus = 'ok' | 'warning' | 'error';

/** One stage of a connection test. */
export interface TestStage {
  /** Which check this is. */
  name: 'connectivity' | 'authentication' | 'models' | 'latency' | 'completion';
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
  /** A provider id from the catalog (`providers/list`). */
  provider: string;
  baseUrl: string;
  defaultModel?: string;
  /** When set, only these models may be used (`MODEL_NOT_ALLOWED` otherwise). */
  allowedModels?: string[];
  organization?: string;
  /** Azure OpenAI `api-version`. */
  apiVersion?: string;
  /** Extra headers sent upstream. */
  headers?: Record<string, string>;
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
}

/** A provider in the catalog. A user-defined provider is the same data, with `builtIn: false`. */
export interface Provider {
  id: string;
  name: string;
  /** Which wire format (and official SDK) serves it. */
  adapter: 'openai' | 'anthropic';
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
  builtIn: boolean;
}

/** A model offered by a connection. */
export interface ModelInfo {
  id: string;
  displayName?: string;
  ownedBy?: string;
  /** ISO time the provider says it was created. */
  created?: string;
}

/** Token counts as the upstream reported them. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** One row of the usage ledger. */
export interface UsageRecord {
  connectionId: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  model: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of total request latencies, to derive an average. */
  latencyMsTotal: number;
}

/** An entry of the append-only audit log. Never holds a key. */
export interface AuditEntry {
  at: string;
  /** The client name given in `daemon/hello`, or `unknown`. */
  client: string;
  action: 'create' | 'update' | 'delete' | 'setDefault' | 'setKey' | 'clearKey' | 'rotateKey' | 'providerUpsert' | 'providerDelete' | 'settingsUpdate';
  connectionId?: string;
  name?: string;
  /** Which fields changed (names only), key fingerprint before/after for key changes. */
  details?: Record<string, unknown>;
}

/** An error as carried inside a result (e.g. a stale model list), shaped like `error.data`. */
export type EmbeddedError = ErrorData & { message: string };
