/**
 * Every JSON-RPC method and notification of the protocol, by name, with the types of its params and
 * result: what a client needs to call the daemon, and nothing that runs zod. The params schemas that
 * the daemon validates with live beside their types in the area files (connections.ts, chat.ts, …),
 * tied to these descriptors in paramsSchemas.ts; the extension's bundle therefore carries no zod.
 */
import type { z } from 'zod';
import { notification, params, request, result } from './rpc';
import {
  isBudgetWarningParams,
  isChatDeltaParams,
  isConnectionsChangedParams,
  isConnectionsStatusChangedParams,
  isConnectionsTestedParams,
  isQuotaWarningParams,
} from './notificationChecks';
import type { AuditEntry, AuditListParams } from './audit';
import type { ChatCancelParams, ChatDeltaParams, ChatStreamParams, ChatStreamResult } from './chat';
import type {
  ById,
  Connection,
  ConnectionResult,
  ConnectionsResolveParams,
  CreateConnectionParams,
  ResolveResult,
  TestParams,
  TestResult,
  UpdateConnectionParams,
} from './connections';
import type { HelloParams, HelloResult, StatusResult } from './daemon';
import type { ConnectionsChangedParams, ConnectionsTestedParams, EventName, EventsSubscribeParams } from './events';
import type { NoParams } from './fields';
import type {
  ModelFactsEntry,
  ModelFactsListParams,
  ModelFactsSetParams,
  ModelsListParams,
  ModelsListResult,
} from './models';
import type {
  PriceEntry,
  PricesListParams,
  PricesSetParams,
  Provider,
  ProvidersDeleteParams,
  ProvidersUpsertParams,
} from './providers';
import type { SecretsClearParams, SecretsSetParams } from './secrets';
import type { Settings, SettingsUpdateParams } from './settings';
import type { SignInParams } from './signIn';
import type { TokensCreateParams, TokensCreateResult, TokensRevokeParams, ToolToken } from './tokens';
import type { ExportDocument, ImportParams, ImportResult } from './transfer';
import type {
  BudgetStatus,
  BudgetWarningParams,
  OptionalUsageGetParams,
  UsageBudgetsParams,
  UsageGetResult,
} from './usage';
import type { ConnectionsStatusChangedParams, TestHistoryEntry, TestHistoryParams } from './testHistory';
import type { ConnectionsQuotaParams, ConnectionsQuotaResult, QuotaWarningParams } from './quota';

// daemon

/** Introduces the client. Optional, but without it audit entries say `unknown`. */
export const DaemonHello = request('daemon/hello', params<z.output<typeof HelloParams>>(), result<HelloResult>());
/** How the daemon is. */
export const DaemonStatus = request('daemon/status', params<z.output<typeof NoParams>>(), result<StatusResult>());
/** Stops the daemon after answering: open streams are cancelled, the socket and `daemon.json` removed. */
export const DaemonShutdown = request('daemon/shutdown', params<z.output<typeof NoParams>>(), result<{ ok: true }>());
// connections

/** All connections, default first then by name. */
export const ConnectionsList = request(
  'connections/list',
  params<z.output<typeof NoParams>>(),
  result<{ connections: Connection[] }>(),
);
/** One connection. */
export const ConnectionsGet = request('connections/get', params<z.output<typeof ById>>(), result<ConnectionResult>());
/** Creates a connection. The first connection becomes the default. */
export const ConnectionsCreate = request(
  'connections/create',
  params<z.output<typeof CreateConnectionParams>>(),
  result<ConnectionResult>(),
);
/** Changes fields of a connection. */
export const ConnectionsUpdate = request(
  'connections/update',
  params<z.output<typeof UpdateConnectionParams>>(),
  result<ConnectionResult>(),
);
/** Deletes a connection and its key. Deleting the default leaves no default. Returns what was deleted. */
export const ConnectionsDelete = request(
  'connections/delete',
  params<z.output<typeof ById>>(),
  result<ConnectionResult>(),
);
/** Makes a connection the one default (the previous default stops being one). */
export const ConnectionsSetDefault = request(
  'connections/setDefault',
  params<z.output<typeof ById>>(),
  result<ConnectionResult>(),
);
/** Which connection a request would use, and why: explicit → workspace → default → `NO_CONNECTION`. */
export const ConnectionsResolve = request(
  'connections/resolve',
  params<z.output<typeof ConnectionsResolveParams>>(),
  result<ResolveResult>(),
);
/** Tests a connection: connectivity, authentication, models, latency, and optionally a tiny completion. */
export const ConnectionsTest = request(
  'connections/test',
  params<z.output<typeof TestParams>>(),
  result<{ result: TestResult; connection?: Connection }>(),
);
/** The newest test results of a saved connection, newest first (at most `limit`, default all kept). */
export const ConnectionsTestHistory = request(
  'connections/testHistory',
  params<z.output<typeof TestHistoryParams>>(),
  result<{ entries: TestHistoryEntry[] }>(),
);
/**
 * How much of each capacity limit is used and left now, and what the provider last reported of its
 * own limits: of one connection (`id`), or of every connection.
 */
export const ConnectionsQuota = request(
  'connections/quota',
  params<z.output<typeof ConnectionsQuotaParams>>(),
  result<ConnectionsQuotaResult>(),
);
/**
 * A capacity limit of a connection (configured, or reported by the provider) passed 80% used. Sent
 * once per crossing: again only after that limit has drained below half.
 */
export const QuotaWarning = notification(
  'connections/quotaWarning',
  params<z.output<typeof QuotaWarningParams>>(),
  isQuotaWarningParams,
);
// signIn

/**
 * Exchanges a sign-in code for a key (OAUTH_EXCHANGE_FAILED when the provider refuses it: expired,
 * reused, wrong verifier) and creates the connection with the key in the vault, or rotates the key
 * of `connectionId`. Nothing is stored when the exchange fails.
 */
export const ConnectionsSignIn = request(
  'connections/signIn',
  params<z.output<typeof SignInParams>>(),
  result<ConnectionResult>(),
);
// transfer

/** The whole configuration, without a secret. */
export const ConnectionsExport = request(
  'connections/export',
  params<z.output<typeof NoParams>>(),
  result<{ document: ExportDocument }>(),
);
/**
 * Previews (default) or applies an import. Each item is imported on its own: an invalid one is
 * `fail` with its reason and the rest still goes in. Keys come only as `env:NAME` references.
 */
export const ConnectionsImport = request(
  'connections/import',
  params<z.output<typeof ImportParams>>(),
  result<ImportResult>(),
);
// providers

/** The whole catalog, built-in first. */
export const ProvidersList = request(
  'providers/list',
  params<z.output<typeof NoParams>>(),
  result<{ providers: Provider[] }>(),
);
/** Adds or replaces a user-defined provider. */
export const ProvidersUpsert = request(
  'providers/upsert',
  params<z.output<typeof ProvidersUpsertParams>>(),
  result<{ provider: Provider }>(),
);
/** Deletes a user-defined provider no connection uses. */
export const ProvidersDelete = request(
  'providers/delete',
  params<z.output<typeof ProvidersDeleteParams>>(),
  result<{ provider: Provider }>(),
);
/** Every known model price: the catalog's, with the user's own (`source: "user"`) in their place. */
export const PricesList = request(
  'prices/list',
  params<z.output<typeof PricesListParams>>(),
  result<{ prices: PriceEntry[] }>(),
);
/** Sets (or clears) the user's price for a provider's model; usage recorded from now on uses it. */
export const PricesSet = request(
  'prices/set',
  params<z.output<typeof PricesSetParams>>(),
  result<{ price: PriceEntry | null }>(),
);
// secrets

/** Gives the daemon a key to hold in memory only; the connection's `keySource` becomes `memory`. */
export const SecretsSet = request(
  'secrets/set',
  params<z.output<typeof SecretsSetParams>>(),
  result<{ connection: Connection }>(),
);
/** Forgets a connection's key wherever the daemon keeps it (memory or vault). */
export const SecretsClear = request(
  'secrets/clear',
  params<z.output<typeof SecretsClearParams>>(),
  result<{ connection: Connection }>(),
);
// models

/** Lists a connection's models, cached with a TTL; `refresh` fetches anew. */
export const ModelsList = request(
  'models/list',
  params<z.output<typeof ModelsListParams>>(),
  result<ModelsListResult>(),
);
/** Every model's facts known for a provider (or all): the catalog's, the user's laid over them. */
export const ModelFactsList = request(
  'modelFacts/list',
  params<z.output<typeof ModelFactsListParams>>(),
  result<{ facts: ModelFactsEntry[] }>(),
);
/** Sets (or resets) the user's facts for a provider's model; `/v1/models` and `models/list` show them from now on. */
export const ModelFactsSet = request(
  'modelFacts/set',
  params<z.output<typeof ModelFactsSetParams>>(),
  result<{ facts: ModelFactsEntry | null }>(),
);
// chat

/** Streams a completion. */
export const ChatStream = request(
  'chat/stream',
  params<z.output<typeof ChatStreamParams>>(),
  result<ChatStreamResult>(),
);
/** A piece of the streamed answer; `index` counts from 0 with no gaps across all of a stream's deltas. */
export const ChatDelta = notification('chat/delta', params<z.output<typeof ChatDeltaParams>>(), isChatDeltaParams);
/** Cancels a running stream; its `chat/stream` request then fails with `CANCELLED`. */
export const ChatCancel = request(
  'chat/cancel',
  params<z.output<typeof ChatCancelParams>>(),
  result<{ cancelled: boolean }>(),
);
// usage

/** Usage rows, with optional grouping and totals. */
export const UsageGet = request(
  'usage/get',
  params<z.output<typeof OptionalUsageGetParams>>(),
  result<UsageGetResult>(),
);
/** Every connection's budget and what is spent of it in the current period. */
export const UsageBudgets = request(
  'usage/budgets',
  params<z.output<typeof UsageBudgetsParams>>(),
  result<{ budgets: BudgetStatus[] }>(),
);
/** A connection has spent 80% of its budget for the period (sent once per period). */
export const BudgetWarning = notification(
  'usage/budgetWarning',
  params<z.output<typeof BudgetWarningParams>>(),
  isBudgetWarningParams,
);
// tokens

/** Creates a tool token. Needs the owner token. */
export const TokensCreate = request(
  'tokens/create',
  params<z.output<typeof TokensCreateParams>>(),
  result<TokensCreateResult>(),
);
/** Every tool token, oldest first. Needs the owner token. */
export const TokensList = request(
  'tokens/list',
  params<z.output<typeof NoParams>>(),
  result<{ tokens: ToolToken[] }>(),
);
/**
 * Revokes a tool token at once: its next request is refused and its open WebSocket connections are
 * closed. Its usage stays in the ledger under its name. Needs the owner token.
 */
export const TokensRevoke = request(
  'tokens/revoke',
  params<z.output<typeof TokensRevokeParams>>(),
  result<{ token: ToolToken }>(),
);
// audit

/** The newest audit entries, newest last. */
export const AuditList = request(
  'audit/list',
  params<z.output<typeof AuditListParams>>(),
  result<{ entries: AuditEntry[] }>(),
);
// events

/** Subscribes this client to events (all of them when `events` is omitted). */
export const EventsSubscribe = request(
  'events/subscribe',
  params<z.output<typeof EventsSubscribeParams>>(),
  result<{ events: EventName[] }>(),
);
/** A connection was created, changed, deleted, made default, or its key changed. */
export const ConnectionsChanged = notification(
  'connections/changed',
  params<z.output<typeof ConnectionsChangedParams>>(),
  isConnectionsChangedParams,
);
/** A saved connection was tested (on request or on schedule). */
export const ConnectionsTested = notification(
  'connections/tested',
  params<z.output<typeof ConnectionsTestedParams>>(),
  isConnectionsTestedParams,
);
/**
 * A test changed a connection's status (e.g. a scheduled test found it failing, or it works again).
 * Sent once per change, not on every test: a connection that stays red sends nothing more.
 */
export const ConnectionsStatusChanged = notification(
  'connections/statusChanged',
  params<z.output<typeof ConnectionsStatusChangedParams>>(),
  isConnectionsStatusChangedParams,
);
// settings

/** The settings. */
export const SettingsGet = request(
  'settings/get',
  params<z.output<typeof NoParams>>(),
  result<{ settings: Settings }>(),
);
/** Changes settings. */
export const SettingsUpdate = request(
  'settings/update',
  params<z.output<typeof SettingsUpdateParams>>(),
  result<{ settings: Settings }>(),
);
