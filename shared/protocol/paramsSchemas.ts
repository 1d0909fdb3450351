/**
 * The params schema of every method and notification (methods.ts), which the daemon validates with
 * and docs/protocol.schema.json is generated from. `entry` checks at compile time that a schema
 * produces exactly its descriptor's params type.
 */
import type { z } from 'zod';
import { NoParams } from './fields';
import { AuditListParams } from './audit';
import { ChatCancelParams, ChatDeltaParams, ChatStreamParams } from './chat';
import {
  ById,
  ConnectionsResolveParams,
  CreateConnectionParams,
  TestParams,
  UpdateConnectionParams,
} from './connections';
import { HelloParams } from './daemon';
import { ConnectionsChangedParams, ConnectionsTestedParams, EventsSubscribeParams } from './events';
import { ConnectionsStatusChangedParams, TestHistoryParams } from './testHistory';
import { ConnectionsQuotaParams, QuotaWarningParams } from './quota';
import { ModelFactsListParams, ModelFactsSetParams, ModelsListParams } from './models';
import { PricesListParams, PricesSetParams, ProvidersDeleteParams, ProvidersUpsertParams } from './providers';
import { SecretsClearParams, SecretsSetParams } from './secrets';
import { SettingsUpdateParams } from './settings';
import { SignInParams } from './signIn';
import { TokensCreateParams, TokensRevokeParams } from './tokens';
import { ImportParams } from './transfer';
import { BudgetWarningParams, UsageBudgetsParams, OptionalUsageGetParams } from './usage';
import * as methods from './methods';
import type { NotificationType, RequestType } from './rpc';

type Descriptor<P> = RequestType<P, unknown> | NotificationType<P>;

function entry<P>(descriptor: Descriptor<P>, schema: z.ZodType<P>): [string, z.ZodType] {
  return [descriptor.method, schema];
}

const SCHEMAS: ReadonlyMap<string, z.ZodType> = new Map([
  entry(methods.DaemonHello, HelloParams),
  entry(methods.DaemonStatus, NoParams),
  entry(methods.DaemonShutdown, NoParams),
  entry(methods.ConnectionsList, NoParams),
  entry(methods.ConnectionsGet, ById),
  entry(methods.ConnectionsCreate, CreateConnectionParams),
  entry(methods.ConnectionsUpdate, UpdateConnectionParams),
  entry(methods.ConnectionsDelete, ById),
  entry(methods.ConnectionsSetDefault, ById),
  entry(methods.ConnectionsResolve, ConnectionsResolveParams),
  entry(methods.ConnectionsTestHistory, TestHistoryParams),
  entry(methods.ConnectionsTest, TestParams),
  entry(methods.ConnectionsQuota, ConnectionsQuotaParams),
  entry(methods.QuotaWarning, QuotaWarningParams),
  entry(methods.ConnectionsSignIn, SignInParams),
  entry(methods.ConnectionsExport, NoParams),
  entry(methods.ConnectionsImport, ImportParams),
  entry(methods.ProvidersList, NoParams),
  entry(methods.ProvidersUpsert, ProvidersUpsertParams),
  entry(methods.ProvidersDelete, ProvidersDeleteParams),
  entry(methods.PricesList, PricesListParams),
  entry(methods.PricesSet, PricesSetParams),
  entry(methods.SecretsSet, SecretsSetParams),
  entry(methods.SecretsClear, SecretsClearParams),
  entry(methods.ModelsList, ModelsListParams),
  entry(methods.ModelFactsList, ModelFactsListParams),
  entry(methods.ModelFactsSet, ModelFactsSetParams),
  entry(methods.ChatStream, ChatStreamParams),
  entry(methods.ChatDelta, ChatDeltaParams),
  entry(methods.ChatCancel, ChatCancelParams),
  entry(methods.UsageGet, OptionalUsageGetParams),
  entry(methods.UsageBudgets, UsageBudgetsParams),
  entry(methods.BudgetWarning, BudgetWarningParams),
  entry(methods.TokensCreate, TokensCreateParams),
  entry(methods.TokensList, NoParams),
  entry(methods.TokensRevoke, TokensRevokeParams),
  entry(methods.AuditList, AuditListParams),
  entry(methods.EventsSubscribe, EventsSubscribeParams),
  entry(methods.ConnectionsChanged, ConnectionsChangedParams),
  entry(methods.ConnectionsTested, ConnectionsTestedParams),
  entry(methods.ConnectionsStatusChanged, ConnectionsStatusChangedParams),
  entry(methods.SettingsGet, NoParams),
  entry(methods.SettingsUpdate, SettingsUpdateParams),
]);

/** The params schema of `descriptor`; throws for a method that has none (a descriptor added without one). */
export function paramsSchemaOf(descriptor: { method: string }): z.ZodType {
  const schema = SCHEMAS.get(descriptor.method);
  if (!schema) throw new Error(`${descriptor.method} has no params schema in shared/protocol/paramsSchemas.ts`);
  return schema;
}

/** Every method and notification with its params schema, in declaration order (docs, tests). */
export function allParamsSchemas(): ReadonlyMap<string, z.ZodType> {
  return SCHEMAS;
}
