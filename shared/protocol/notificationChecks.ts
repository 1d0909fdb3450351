/**
 * What a client checks of the notifications the daemon sends before a handler sees them: the fields
 * a handler relies on, with their types. Hand-written rather than zod so a client (the extension's
 * bundle above all) carries no schema library; test/shared/protocol/notificationChecks.test.ts holds
 * each check against the daemon's zod schema of the same params. Like those schemas, they let fields
 * they do not know through, so an older client still takes a newer daemon's additions.
 */
import type { ChatDeltaParams } from './chat';
import type { ConnectionsChangedParams, ConnectionsTestedParams } from './events';
import type { ConnectionsStatusChangedParams } from './testHistory';
import type { BudgetWarningParams } from './usage';
import type { QuotaWarningParams } from './quota';

type Shape = Record<string, unknown>;

const isObject = (v: unknown): v is Shape => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const optional = (check: (v: unknown) => boolean) => (v: unknown) => v === undefined || check(v);
const oneOf =
  (...values: string[]) =>
  (v: unknown) =>
    isString(v) && values.includes(v);

/** Every field of `shape` passes its check. */
function has(value: unknown, shape: Record<string, (v: unknown) => boolean>): value is Shape {
  return isObject(value) && Object.entries(shape).every(([key, check]) => check(value[key]));
}

/** What each kind of typed delta carries besides `streamId`, `index` and `type`. */
const TYPED_DELTA: Record<string, Record<string, (v: unknown) => boolean>> = {
  text: { text: isString },
  reasoning: { reasoning: isString },
  reasoningSignature: { signature: isString },
  redactedReasoning: { data: isString },
  toolCall: { toolCall: isCount, id: isString, name: isString, signature: optional(isString) },
  toolArguments: { toolCall: isCount, arguments: isString },
};

/** `chat/delta`: a text delta, or a typed one whose fields match its `type`. */
export function isChatDeltaParams(value: unknown): value is ChatDeltaParams {
  if (!has(value, { streamId: isString, index: isCount })) return false;
  if (value.type === undefined) return isString(value.text);
  const fields = isString(value.type) && Object.hasOwn(TYPED_DELTA, value.type) ? TYPED_DELTA[value.type] : undefined;
  return fields !== undefined && has(value, fields);
}

const TEST_STATUS = oneOf('ok', 'warning', 'error');

const isTestResult = (v: unknown) =>
  has(v, {
    status: TEST_STATUS,
    summary: isString,
    testedAt: isString,
    durationMs: isNumber,
    stages: arrayOf((stage) =>
      has(stage, {
        name: isString,
        status: (s) => TEST_STATUS(s) || s === 'skipped',
        ms: optional(isNumber),
        reason: isString,
      }),
    ),
    models: optional(isStrings),
  });

const arrayOf = (check: (v: unknown) => boolean) => (v: unknown) => Array.isArray(v) && v.every(check);
const isStrings = arrayOf(isString);
const isCapacityLimit = (v: unknown) =>
  has(v, { period: oneOf('minute', 'hour', 'day'), requests: optional(isNumber), tokens: optional(isNumber) });
const isBudget = (v: unknown) => has(v, { period: oneOf('day', 'month'), amount: isNumber });
const isStringRecord = (v: unknown) => isObject(v) && Object.values(v).every(isString);

const isConnection = (v: unknown) =>
  has(v, {
    id: isString,
    name: isString,
    provider: isString,
    baseUrl: isString,
    timeoutMs: isNumber,
    maxRetries: isNumber,
    isDefault: isBoolean,
    keySource: isString,
    keyAvailable: isBoolean,
    createdAt: isString,
    updatedAt: isString,
    lastTest: optional(isTestResult),
    allowedModels: optional(isStrings),
    headers: optional(isStringRecord),
    secretHeaders: optional(isStrings),
    capacity: optional(arrayOf(isCapacityLimit)),
    onLimit: optional(oneOf('fail', 'queue')),
    maxQueueWaitMs: optional(isNumber),
    budget: optional(isBudget),
    fallbacks: optional(isStrings),
    fallbackModels: optional(isStringRecord),
    discoveredCapacity: optional((d) => has(d, { observedAt: isString })),
  });

/** `connections/changed`. */
export function isConnectionsChangedParams(value: unknown): value is ConnectionsChangedParams {
  return has(value, {
    kind: oneOf('created', 'updated', 'deleted', 'defaultChanged', 'keyChanged'),
    id: isString,
    connection: isConnection,
  });
}

/** `connections/tested`. */
export function isConnectionsTestedParams(value: unknown): value is ConnectionsTestedParams {
  return has(value, { id: isString, result: isTestResult });
}

/** `connections/statusChanged`. */
export function isConnectionsStatusChangedParams(value: unknown): value is ConnectionsStatusChangedParams {
  return has(value, {
    id: isString,
    name: isString,
    previous: optional(TEST_STATUS),
    status: TEST_STATUS,
    trigger: oneOf('manual', 'scheduled', 'chat'),
    result: isTestResult,
  });
}

/** `usage/budgetWarning`. */
export function isBudgetWarningParams(value: unknown): value is BudgetWarningParams {
  return has(value, {
    connectionId: isString,
    period: oneOf('day', 'month'),
    amount: isNumber,
    spentUsd: isNumber,
    unpricedRequests: isNumber,
    periodStart: isString,
    periodEnd: isString,
    name: isString,
    fraction: isNumber,
  });
}

/** `connections/quotaWarning`. */
export function isQuotaWarningParams(value: unknown): value is QuotaWarningParams {
  return has(value, {
    connectionId: isString,
    name: isString,
    source: oneOf('limit', 'provider'),
    kind: oneOf('requests', 'tokens'),
    period: optional(oneOf('minute', 'hour', 'day')),
    limit: isNumber,
    used: isNumber,
    remaining: isNumber,
    fraction: isNumber,
    resetsAt: optional(isString),
  });
}
