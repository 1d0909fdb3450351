/**
 * The connection form as data: what the fields hold, what is wrong with them, and which message to
 * send for them. Pure (no DOM, no vscode) so every rule is unit-tested; main.ts only wires it to the page.
 * The daemon validates again: these checks exist to put the message next to the field before a round trip.
 */
import type { Connection, Provider } from '../../../shared/protocol';
import type {
  ManagerCreateFields,
  ManagerDraft,
  ManagerTestTarget,
  ManagerUpdateFields,
} from '../../../shared/webview';
import { connectionNameProblem } from '../../../shared/rules/connectionFields';
import { definedOnly } from '../../../shared/definedOnly';
import {
  authOf,
  awsFromConnection,
  awsInput,
  awsNeedsKey,
  awsUpdate,
  defaultBaseUrlFor,
  emptyAws,
  isBedrock,
  keyLabel,
  validateAws,
  type AwsValues,
} from './awsFields';
import {
  mergeHeaders,
  parseHeaders,
  parseModelList,
  secretRowsProblem,
  splitHeaders,
  type SecretHeaderRow,
} from './headers';
import {
  emptyLimits,
  limitsCreateFields,
  limitsFromConnection,
  limitsUpdateFields,
  validateLimits,
  type LimitsValues,
} from './limits';
import {
  carriesCreateFields,
  carriesFromConnection,
  carriesUpdateFields,
  emptyCarries,
  validateCarries,
  type CarriesValues,
} from './carries';

/** Every input of the form as the page holds it: text, as typed (capacity and fallbacks as rows). */
export interface FormValues extends LimitsValues, AwsValues, CarriesValues {
  provider: string;
  name: string;
  baseUrl: string;
  apiKey: string;
  defaultModel: string;
  isDefault: boolean;
  organization: string;
  apiVersion: string;
  /** The plain headers, one `Name: value` per line. */
  headers: string;
  /** The saved headers whose values the daemon keeps secret; a typed value replaces one. */
  secretHeaders: SecretHeaderRow[];
  timeoutSeconds: string;
  maxRetries: string;
  allowedModels: string;
}

export type FieldId = keyof FormValues;
export type FieldErrors = Partial<Record<FieldId, string>>;

/** Creating a new connection, or editing a saved one (whose key the form never holds). */
export type FormMode = { kind: 'create' } | { kind: 'edit'; original: Connection; replacingKey: boolean };

export function emptyValues(provider?: Provider): FormValues {
  return {
    provider: provider?.id ?? '',
    name: '',
    baseUrl: provider?.defaultBaseUrl ?? '',
    apiKey: '',
    defaultModel: '',
    isDefault: false,
    organization: '',
    apiVersion: '',
    headers: '',
    secretHeaders: [],
    timeoutSeconds: '',
    maxRetries: '',
    allowedModels: '',
    ...emptyLimits(),
    ...emptyCarries(),
    ...emptyAws(),
    // Bedrock's default names its region; the form starts with the default region's.
    ...(provider && { baseUrl: defaultBaseUrlFor(provider, emptyAws().awsRegion) }),
  };
}

/** A saved connection in the form. There is no key to copy: the connection only carries its mask, as it does for secret headers. */
export function valuesFromConnection(c: Connection): FormValues {
  const headers = splitHeaders(c.headers, c.secretHeaders);
  return {
    provider: c.provider,
    name: c.name,
    baseUrl: c.baseUrl,
    apiKey: '',
    defaultModel: c.defaultModel ?? '',
    isDefault: c.isDefault,
    organization: c.organization ?? '',
    apiVersion: c.apiVersion ?? '',
    headers: headers.text,
    secretHeaders: headers.secret,
    timeoutSeconds: String(c.timeoutMs / 1000),
    maxRetries: String(c.maxRetries),
    allowedModels: (c.allowedModels ?? []).join('\n'),
    ...limitsFromConnection(c),
    ...awsFromConnection(c),
    ...carriesFromConnection(c),
  };
}

/** The base URL to show after the provider changes: keep what the person typed, replace a default. */
export function baseUrlAfterProviderChange(
  current: string,
  from: Provider | undefined,
  to: Provider,
  region = emptyAws().awsRegion,
): string {
  const untouched =
    current.trim() === '' || current === from?.defaultBaseUrl || current === defaultBaseUrlFor(from, region);
  return untouched ? defaultBaseUrlFor(to, region) : current;
}

/** The base URL to show after a Bedrock connection's region changes: the default follows the region; a typed URL stays. */
export function baseUrlAfterRegionChange(
  current: string,
  provider: Provider | undefined,
  from: string,
  to: string,
): string {
  return provider && current === defaultBaseUrlFor(provider, from) ? defaultBaseUrlFor(provider, to) : current;
}

export interface ValidationContext {
  mode: FormMode;
  provider: Provider | undefined;
  /** A test needs no name; a save does. */
  purpose: 'save' | 'test';
  /** Saved connections, to check fallbacks against (skipped when absent). */
  connections?: ReadonlyArray<{ id: string; name: string }>;
}

/** Field-level problems, in the order the form shows its fields (the first one gets focus). */
export function validate(v: FormValues, ctx: ValidationContext): FieldErrors {
  return validateDetailed(v, ctx).errors;
}

/**
 * `validate`, plus which input inside a field is at fault where a field has several (a capacity or
 * fallback row), so the page can mark and focus that very input.
 */
export function validateDetailed(
  v: FormValues,
  ctx: ValidationContext,
): { errors: FieldErrors; inputs: Partial<Record<FieldId, string>> } {
  const errors: FieldErrors = {};
  const inputs: Partial<Record<FieldId, string>> = {};
  if (!ctx.provider) errors.provider = 'Choose a provider.';
  const name = v.name.trim();
  // The daemon's rule (shared/rules/connectionFields.ts); a name kept as it was is never refused anew.
  const renamed = ctx.mode.kind === 'create' || name !== ctx.mode.original.name;
  if (ctx.purpose === 'save' && name === '') errors.name = 'Give the connection a name.';
  else if (name !== '' && renamed) {
    const problem = connectionNameProblem(name);
    if (problem) errors.name = `The name ${problem}.`;
  }

  const url = urlProblem(v.baseUrl.trim());
  if (url) errors.baseUrl = url;

  const bedrock = isBedrock(ctx.provider);
  if (bedrock) Object.assign(errors, validateAws(v));
  const key = keyProblem(v, ctx);
  if (key) errors.apiKey = key;

  if (v.defaultModel.trim().length > 256) errors.defaultModel = 'Use at most 256 characters.';

  if (v.organization.trim().length > 256) errors.organization = 'Use at most 256 characters.';
  if (v.apiVersion.trim().length > 64) errors.apiVersion = 'Use at most 64 characters.';
  const headers = parseHeaders(v.headers);
  const secretProblem = headers.ok ? secretRowsProblem(v.secretHeaders, headers.headers) : undefined;
  if (!headers.ok) errors.headers = headers.error;
  else if (secretProblem) errors.headers = secretProblem;

  const t = v.timeoutSeconds.trim();
  if (t !== '') {
    const s = Number(t);
    if (!Number.isFinite(s) || s < 1 || s > 600) errors.timeoutSeconds = 'Enter a number of seconds from 1 to 600.';
  }
  const r = v.maxRetries.trim();
  if (r !== '' && !(/^\d+$/.test(r) && Number(r) <= 10)) errors.maxRetries = 'Enter a whole number from 0 to 10.';

  const allowed = parseModelList(v.allowedModels);
  if (allowed.length > 1000) errors.allowedModels = 'List at most 1000 models.';
  else if (allowed.some((m) => m.length > 256)) errors.allowedModels = 'A model id is at most 256 characters.';
  else if (allowed.length > 0 && v.defaultModel.trim() !== '' && !allowed.includes(v.defaultModel.trim())) {
    errors.defaultModel = 'The default model is not in "Allowed models" (Advanced); add it there or pick another.';
  }

  const selfId = ctx.mode.kind === 'edit' ? ctx.mode.original.id : undefined;
  const limits = validateLimits(v, {
    ...(selfId !== undefined && { selfId }),
    ...(ctx.connections && { connections: ctx.connections }),
  });
  for (const [field, problem] of Object.entries(limits) as Array<[FieldId, { message: string; input?: string }]>) {
    errors[field] = problem.message;
    if (problem.input) inputs[field] = problem.input;
  }
  Object.assign(errors, validateCarries(v));
  return { errors, inputs };
}

function urlProblem(url: string): string | undefined {
  if (url === '') return 'Enter the base URL, e.g. https://api.openai.com/v1.';
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Use an http:// or https:// URL.';
    if (u.username !== '' || u.password !== '')
      return 'Remove the credentials from the URL; put the key in the API key field.';
    // The SDKs append each endpoint's path to the base URL, so a query or fragment would break every request.
    if (url.includes('?') || url.includes('#'))
      return 'Remove the query (?…) or fragment (#…) from the URL; put a key in the API key field and other values in headers.';
  } catch {
    return 'Enter a full URL, e.g. https://api.openai.com/v1.';
  }
  return undefined;
}

function keyProblem(v: FormValues, ctx: ValidationContext): string | undefined {
  const enteringKey = ctx.mode.kind === 'create' || ctx.mode.replacingKey;
  if (!enteringKey) return undefined;
  const key = v.apiKey;
  const bedrock = isBedrock(ctx.provider);
  // An AWS profile brings its own credentials: no key is typed (nor kept).
  if (bedrock && !awsNeedsKey(v)) return undefined;
  if (key === '') {
    if (ctx.mode.kind === 'edit') return 'Enter the new key, or cancel "Replace key".';
    if (bedrock) return `Enter the ${keyLabel(authOf(v)).toLowerCase()}.`;
    return ctx.provider?.requiresKey ? `Enter the API key for ${ctx.provider.name}.` : undefined;
  }
  if (/\s/.test(key)) return 'Remove the spaces or line breaks (check for a stray newline when pasting).';
  if (key.length > 4096) return 'A key is at most 4096 characters.';
  return undefined;
}

/** Fields of the form that map straight onto protocol fields. Assumes `validate` passed. */
function common(v: FormValues) {
  const headers = parseHeaders(v.headers);
  const t = v.timeoutSeconds.trim();
  const r = v.maxRetries.trim();
  return {
    baseUrl: v.baseUrl.trim(),
    defaultModel: v.defaultModel.trim() || undefined,
    allowedModels: parseModelList(v.allowedModels),
    organization: v.organization.trim() || undefined,
    apiVersion: v.apiVersion.trim() || undefined,
    // A secret header left empty goes back as the mask: the daemon keeps its stored value.
    headers: mergeHeaders(headers.ok ? headers.headers : {}, v.secretHeaders),
    timeoutMs: t === '' ? undefined : Math.round(Number(t) * 1000),
    maxRetries: r === '' ? undefined : Number(r),
  };
}

/** Drops `undefined` members so the daemon's strict schemas see only what was set. */

const emptyToUndefined = <T>(list: T[]): T[] | undefined => (list.length ? list : undefined);
const emptyRecordToUndefined = (h: Record<string, string>) => (Object.keys(h).length ? h : undefined);

/** The provider's adapter, told by the form (the page knows the catalog; these functions get it passed). */
export interface ProviderHint {
  bedrock?: boolean;
}

export function toCreateFields(v: FormValues, provider: ProviderHint = {}): ManagerCreateFields {
  const c = common(v);
  return definedOnly({
    name: v.name.trim(),
    provider: v.provider,
    ...c,
    allowedModels: emptyToUndefined(c.allowedModels),
    headers: emptyRecordToUndefined(c.headers),
    isDefault: v.isDefault || undefined,
    ...limitsCreateFields(v),
    aws: provider.bedrock ? awsInput(v) : undefined,
    ...carriesCreateFields(v),
  });
}

/** The draft a test sends: the form as typed, with the key when one was typed. */
export function toDraft(v: FormValues, provider: ProviderHint = {}): ManagerDraft {
  // Limits, budget and fallbacks say nothing about whether the endpoint works: a test leaves them out.
  const {
    isDefault: _isDefault,
    capacity: _c,
    onLimit: _o,
    maxQueueWaitMs: _w,
    budget: _b,
    fallbacks: _f,
    fallbackModels: _m,
    enabled: _e,
    ...fields
  } = toCreateFields(v, provider);
  const keyless = provider.bedrock && !awsNeedsKey(v);
  return definedOnly({ ...fields, name: fields.name || undefined, apiKey: (!keyless && v.apiKey) || undefined });
}

/** Only what changed, so the audit log names the fields a person actually edited; `null` clears. */
export function toUpdateFields(original: Connection, v: FormValues, provider: ProviderHint = {}): ManagerUpdateFields {
  const c = common(v);
  const out: ManagerUpdateFields = { id: original.id };
  const name = v.name.trim();
  if (name !== original.name) out.name = name;
  if (v.provider !== original.provider) out.provider = v.provider;
  if (c.baseUrl !== original.baseUrl) out.baseUrl = c.baseUrl;
  if (c.defaultModel !== original.defaultModel) out.defaultModel = c.defaultModel ?? null;
  if (!sameList(c.allowedModels, original.allowedModels ?? []))
    out.allowedModels = emptyToUndefined(c.allowedModels) ?? null;
  if (c.organization !== original.organization) out.organization = c.organization ?? null;
  if (c.apiVersion !== original.apiVersion) out.apiVersion = c.apiVersion ?? null;
  if (!sameRecord(c.headers, original.headers ?? {})) out.headers = emptyRecordToUndefined(c.headers) ?? null;
  if (c.timeoutMs !== undefined && c.timeoutMs !== original.timeoutMs) out.timeoutMs = c.timeoutMs;
  if (c.maxRetries !== undefined && c.maxRetries !== original.maxRetries) out.maxRetries = c.maxRetries;
  if (v.isDefault !== original.isDefault) out.isDefault = v.isDefault;
  const aws = provider.bedrock ? awsUpdate(original, v) : undefined;
  if (aws) out.aws = aws;
  return { ...out, ...limitsUpdateFields(original, v), ...carriesUpdateFields(original, v) };
}

/** True when saving would change something (a replaced key counts). */
export function hasChanges(mode: FormMode, v: FormValues, provider: ProviderHint = {}): boolean {
  if (mode.kind === 'create') return true;
  return mode.replacingKey || Object.keys(toUpdateFields(mode.original, v, provider)).length > 1;
}

/**
 * What "Test Connection" tests. A typed key makes it a draft; editing without a new key tests the
 * saved connection with the key the daemon holds (the form never has it), so unsaved edits are not
 * part of that test — the page says so.
 */
export function testTarget(mode: FormMode, v: FormValues, provider: ProviderHint = {}): ManagerTestTarget {
  if (mode.kind === 'edit' && !(mode.replacingKey && v.apiKey !== '')) return { id: mode.original.id };
  return { draft: toDraft(v, provider) };
}

/** The form field a daemon error names (`draft.baseUrl`, `fields.headers.X-Foo`, `timeoutMs` …). */
export function fieldForProtocol(field: string | undefined): FieldId | undefined {
  if (!field) return undefined;
  const parts = field.split('.').filter((p) => p !== 'draft' && p !== 'params' && p !== 'fields');
  const map: Record<string, FieldId> = {
    name: 'name',
    provider: 'provider',
    baseUrl: 'baseUrl',
    apiKey: 'apiKey',
    keySource: 'apiKey',
    defaultModel: 'defaultModel',
    isDefault: 'isDefault',
    organization: 'organization',
    apiVersion: 'apiVersion',
    headers: 'headers',
    secretHeaders: 'headers',
    timeoutMs: 'timeoutSeconds',
    maxRetries: 'maxRetries',
    allowedModels: 'allowedModels',
    capacity: 'capacity',
    onLimit: 'onLimit',
    maxQueueWaitMs: 'maxQueueWaitSeconds',
    fallbacks: 'fallbacks',
    fallbackModels: 'fallbacks',
    description: 'description',
    enabled: 'enabled',
  };
  if (parts[0] === 'generationDefaults') return parts[1] === 'maxTokens' ? 'maxTokens' : 'temperature';
  // `budget.period` is the period's select; `budget` and `budget.amount` the amount.
  if (parts[0] === 'budget') return parts[1] === 'period' ? 'budgetPeriod' : 'budgetAmount';
  if (parts[0] === 'aws') {
    const aws: Record<string, FieldId> = {
      auth: 'awsAuth',
      accessKeyId: 'awsAccessKeyId',
      profile: 'awsProfile',
      sessionToken: 'awsSessionToken',
    };
    return aws[parts[1] ?? ''] ?? 'awsRegion';
  }
  return parts[0] === undefined ? undefined : map[parts[0]];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** `https://host:port` of a URL, or undefined when it does not parse (the field's own error says so). */
function originOf(url: string): string | undefined {
  try {
    return new URL(url.trim()).origin;
  } catch {
    return undefined;
  }
}

/**
 * The warning under the base URL while editing: a URL on another origin than the saved one makes the
 * daemon drop the stored key and secret header values (a key is bound to its host) unless a new key
 * is typed. Undefined when nothing would be dropped.
 */
export function hostMoveWarning(
  saved: Connection | undefined,
  baseUrl: string,
  typingNewKey: boolean,
): string | undefined {
  if (!saved) return undefined;
  const to = originOf(baseUrl);
  const from = originOf(saved.baseUrl);
  if (to === undefined || to === from) return undefined;
  const key = !typingNewKey && saved.keySource !== 'none';
  const headers = (saved.secretHeaders ?? []).length > 0;
  if (!key && !headers) return undefined;
  const what = [key ? 'the stored API key' : '', headers ? 'the secret header values' : '']
    .filter(Boolean)
    .join(' and ');
  return `${to} is another host than ${from ?? saved.baseUrl}: saving drops ${what}, since a key is bound to its host.${key ? ' Replace the key below to keep one.' : ''}`;
}
