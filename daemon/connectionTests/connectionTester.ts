/**
 * Tests one connection, stage by stage: connectivity → authentication + models (one models request)
 * → latency → an optional tiny completion. Every stage ends with a sentence a person can act on.
 *
 * Upstream problems never throw: they become stage results, so a test always has something to show.
 * The only rejection is the caller's own `signal` aborting. Reasons are built from our own words
 * and from `SwitchboardError` messages that `upstreamErrors.ts` has already scrubbed; a local
 * redactor holding this connection's key is a second net, because a draft's key is not registered
 * with the daemon's redactor.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type {
  Connection,
  ModelInfo,
  Provider,
  TestResult,
  TestStage,
  TestStatus,
  TestTrigger,
} from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import { toResolved } from '../connections/upstream';
import { Redactor } from '../redactor';
import type { ModelCache } from '../models/modelCache';
import type { ProviderAdapter, ResolvedConnection } from '../providers/adapter';
import { textsOf } from '../providers/chunkText';
import { toSwitchboardError, type UpstreamErrorContext } from '../providers/upstreamErrors';
import { probeReachability } from './reachability';
import type { ActivityAudit } from '../audit/activityAudit';

export interface TestOptions {
  adapter: ProviderAdapter;
  /** The connection's default model (Azure: its deployment), checked against the list and used by the completion. */
  defaultModel?: string;
  /** Also send a tiny completion to the default model. */
  completion?: boolean;
  /** Aborting stops the test; then (and only then) `testConnection` rejects. */
  signal?: AbortSignal;
  /** A models request slower than this is a latency warning; default 3000. */
  slowMs?: number;
  /** Why the key is missing (SECRET_MISSING from the store), shown in the authentication stage. */
  missingKey?: SwitchboardError;
  /** Receives the full model list when the models request succeeds (to refresh the model cache). */
  onModels?: (models: ModelInfo[]) => void;
  /** Told when the provider refused the credentials (401 or 403), for the audit log. */
  onKeyRefused?: (status: 401 | 403, model?: string) => void;
}

export const DEFAULT_SLOW_MS = 3000;
const CONNECT_TIMEOUT_CAP_MS = 10_000;
const COMPLETION_MAX_TOKENS = 16;
const PREVIEW = 8;

type Name = TestStage['name'];
/** A stage plus the few words the one-line summary would use if it is the worst one. */
type Outcome = TestStage & { short?: string };

export async function testConnection(given: ResolvedConnection, opts: TestOptions): Promise<TestResult> {
  const started = performance.now();
  // No SDK retries: a test reports the first failure as it is, promptly, and a scheduled test of a
  // failing provider sends it one request, not three.
  const conn: ResolvedConnection = { ...given, maxRetries: 0 };
  const signal = opts.signal ?? new AbortController().signal;
  const scrub = new Redactor();
  if (conn.apiKey) scrub.add(conn.apiKey);
  if (conn.aws?.sessionToken) scrub.add(conn.aws.sessionToken);
  // A draft's header values may be credentials (a gateway's key) the daemon's redactor never saw either.
  for (const value of Object.values(conn.headers ?? {})) scrub.add(value);
  const stages = new Map<Name, Outcome>();
  const set = (
    name: Name,
    status: Outcome['status'],
    reason: string,
    extra: { ms?: number | undefined; short?: string | undefined } = {},
  ) =>
    stages.set(name, {
      name,
      status,
      ...(extra.ms !== undefined && { ms: extra.ms }),
      reason: scrub.redact(reason),
      ...(extra.short !== undefined && { short: scrub.redact(extra.short) }),
    });
  const skipRest = (why: string) => {
    for (const name of ['authentication', 'models', 'latency', 'completion'] as const) {
      if (!stages.has(name))
        set(name, 'skipped', name === 'completion' && !opts.completion ? 'not requested' : `skipped: ${why}`);
    }
  };

  const reach = await probeReachability(conn.baseUrl, {
    timeoutMs: Math.min(conn.timeoutMs, CONNECT_TIMEOUT_CAP_MS),
    signal,
  });
  if (!reach.ok) {
    set('connectivity', 'error', reach.reason, { ms: reach.ms, short: reach.short });
    skipRest('not reachable');
    return finish(stages, started, undefined);
  }
  set('connectivity', 'ok', reach.reason, { ms: reach.ms });

  if (opts.missingKey || !hasCredential(conn)) {
    const how = opts.missingKey
      ? `${opts.missingKey.message} ${opts.missingKey.data.hint}`
      : `No API key is set for this connection, and ${conn.provider.name} needs one. Add it in the connection form (VS Code: "Switchboard: Edit Connection") or with connections/update {apiKey}${conn.provider.docsUrl ? `; get one at ${conn.provider.docsUrl}` : ''}.`;
    set('authentication', 'error', how, { short: 'No API key' });
    // Not a green stage beside a failed one: nothing authenticated was timed.
    set('latency', 'skipped', `not measured: no API key (connect ${reach.ms} ms)`);
    skipRest('no API key');
    return finish(stages, started, undefined);
  }

  // Authentication and models share one request: listing models is the cheapest authenticated call.
  const listStarted = performance.now();
  let models: ModelInfo[] | undefined;
  let listMs: number;
  try {
    models = await opts.adapter.listModels(conn, signal);
    listMs = Math.round(performance.now() - listStarted);
    opts.onModels?.(models);
    set(
      'authentication',
      'ok',
      conn.aws
        ? awsAccepted(conn)
        : conn.apiKey
          ? 'The key was accepted.'
          : 'No key needed: the server answered without one.',
      { ms: listMs },
    );
    judgeModels(models, conn, opts.defaultModel, listMs, set);
    await judgeModelAccess(conn, opts, signal, set);
  } catch (error) {
    signal.throwIfAborted();
    listMs = Math.round(performance.now() - listStarted);
    const err = mapped(error, { conn, phase: 'models', signal });
    reportRefusal(err, opts);
    judgeListFailure(err, conn, listMs, set);
  }

  const slowMs = opts.slowMs ?? DEFAULT_SLOW_MS;
  const slowest = Math.max(reach.ms, listMs);
  if (stages.get('authentication')?.status === 'error') {
    // A refusal is quick and says nothing about how fast answers come: no green latency beside it.
    set('latency', 'skipped', `not measured: the credentials were not accepted (connect ${reach.ms} ms)`);
  } else
    set(
      'latency',
      slowest > slowMs ? 'warning' : 'ok',
      slowest > slowMs
        ? `slow: ${seconds(slowest)} for the ${listMs >= reach.ms ? 'models request' : 'connection'} (connect ${reach.ms} ms, models ${listMs} ms)`
        : `connect ${reach.ms} ms, models ${listMs} ms`,
      { ms: listMs, short: `slow: ${seconds(slowest)}` },
    );

  if (!opts.completion) set('completion', 'skipped', 'not requested');
  else if (stages.get('authentication')?.status === 'error')
    set('completion', 'skipped', 'skipped: the key was not accepted');
  else if (!opts.defaultModel)
    set('completion', 'skipped', 'skipped: no default model to try; set one on the connection');
  else await probeCompletion(conn, opts, opts.defaultModel, signal, set);

  return finish(stages, started, models);
}

export interface SavedTestDeps {
  connections: ConnectionService;
  providers: ProviderCatalog;
  adapterFor: (provider: Provider) => ProviderAdapter;
  /** Refreshed with the list the test discovers. */
  models?: ModelCache;
  slowMs?: number;
  /** Records each test, and a key the provider refused during it, in the audit log. */
  activity?: ActivityAudit;
}

/**
 * Tests a saved connection, stores the result (which broadcasts `connections/tested`) and refreshes
 * its cached model list. A missing key is a failed authentication stage, not a thrown error: a
 * person pressing "Test" wants to see which stage failed and what to do. Throws only for an unknown
 * id (CONNECTION_NOT_FOUND) or when `signal` aborts.
 */
export async function testSavedConnection(
  deps: SavedTestDeps,
  id: string,
  opts: {
    completion?: boolean;
    signal?: AbortSignal;
    trigger?: TestTrigger;
    /** Who asked, for the audit log (default: `scheduler` for a scheduled test, else `unknown`). */
    client?: string;
  } = {},
): Promise<{ result: TestResult; connection?: Connection }> {
  const trigger = opts.trigger ?? 'manual';
  const client = opts.client ?? (trigger === 'scheduled' ? 'scheduler' : 'unknown');
  const stored = deps.connections.stored(id);
  const provider = deps.providers.require(stored.provider);
  let conn: ResolvedConnection;
  let missingKey: SwitchboardError | undefined;
  try {
    conn = deps.connections.upstreamFor(stored);
  } catch (error) {
    if (!(error instanceof SwitchboardError) || error.code !== ErrorCode.SECRET_MISSING) throw error;
    missingKey = error;
    // Resolved as keyless so that connectivity is still checked; the tester then stops at authentication.
    conn = toResolved({ ...stored, keySource: 'none' }, provider, undefined);
  }
  const result = await testConnection(conn, {
    adapter: deps.adapterFor(provider),
    ...(stored.defaultModel !== undefined && { defaultModel: stored.defaultModel }),
    ...(opts.completion !== undefined && { completion: opts.completion }),
    ...(opts.signal && { signal: opts.signal }),
    ...(deps.slowMs !== undefined && { slowMs: deps.slowMs }),
    ...(missingKey && { missingKey }),
    onModels: (models) => deps.models?.remember(id, models),
    onKeyRefused: (status, model) =>
      deps.activity?.keyRejected(
        id,
        { status, surface: trigger === 'scheduled' ? 'scheduled test' : 'connection test', ...(model && { model }) },
        client,
      ),
  });
  const connection = await deps.connections.recordTest(id, result, trigger);
  // Not for a connection deleted while its test ran: there is nothing left to tell about.
  if (connection) deps.activity?.tested(id, result, trigger, client);
  return { result, ...(connection && { connection }) };
}

type Setter = (
  name: Name,
  status: Outcome['status'],
  reason: string,
  extra?: { ms?: number | undefined; short?: string | undefined },
) => void;

function judgeModels(
  models: ModelInfo[],
  conn: ResolvedConnection,
  defaultModel: string | undefined,
  ms: number,
  set: Setter,
): void {
  const ids = models.map((m) => m.id);
  const n = `${ids.length} model${ids.length === 1 ? '' : 's'}`;
  if (ids.length === 0) {
    set(
      'models',
      'warning',
      'The server lists no models: load or pull one on the server (e.g. `ollama pull llama3.2`), or type the model name.',
      { ms, short: 'no models listed' },
    );
  } else if (conn.provider.azure) {
    // Azure lists the resource's models, not its deployments, and requests name a deployment.
    set(
      'models',
      'ok',
      `${n}. Azure requests name a deployment${defaultModel ? ` ("${defaultModel}")` : ''}, which this list cannot confirm: test with a completion to check it.`,
      { ms },
    );
  } else if (!defaultModel) {
    // Nothing is wrong with a connection that works and has no default yet: chats pick a model.
    set('models', 'ok', `${n}; no default model yet: pick one of ${preview(ids)}`, { ms });
  } else if (ids.some((id) => sameModel(id, defaultModel))) {
    set('models', 'ok', `${n}, including the default ${defaultModel}.`, { ms });
  } else {
    set(
      'models',
      'warning',
      `default model ${defaultModel} is not offered by this connection; available: ${preview(ids)}`,
      { ms, short: `default model ${defaultModel} not offered` },
    );
  }
}

/** What the failed models request says about the key and about the list. */
function judgeListFailure(err: SwitchboardError, conn: ResolvedConnection, ms: number, set: Setter): void {
  const { provider } = conn;
  const checkAt = provider.docsUrl ? `Check it at ${provider.docsUrl}.` : `Check it with ${provider.name}.`;
  const data = err.toData(); // typed fields (the `data` member's Omit<> loses them)
  const status = data.status;
  if (
    conn.aws &&
    (err.code === ErrorCode.INVALID_API_KEY ||
      err.code === ErrorCode.FORBIDDEN ||
      err.code === ErrorCode.SECRET_MISSING)
  ) {
    // Bedrock's refusals say which credential and what to do (bedrockErrors.ts); no 401/403 story to add.
    set('authentication', 'error', `${err.message} ${err.data.hint}`, { ms, short: err.message });
    set('models', 'skipped', 'skipped: the credentials were not accepted');
  } else if (err.code === ErrorCode.INVALID_API_KEY) {
    const reason = conn.apiKey
      ? `The key was rejected (401). ${checkAt}${provider.keyFormatHint ? ` ${provider.name} keys: ${provider.keyFormatHint}.` : ''}`
      : `The server asks for a key (401) and this connection has none: add one to the connection.`;
    set('authentication', 'error', reason, { ms, short: conn.apiKey ? 'Key rejected (401)' : 'Key required (401)' });
    set('models', 'skipped', 'skipped: the key was not accepted');
  } else if (err.code === ErrorCode.FORBIDDEN) {
    set(
      'authentication',
      'error',
      `The key was refused (403): it may lack access to this API, project or region. ${checkAt} (${err.message})`,
      { ms, short: 'Key refused (403)' },
    );
    set('models', 'skipped', 'skipped: the key was not accepted');
  } else if (status === 404 || err.code === ErrorCode.MODEL_NOT_FOUND) {
    // A server that checks keys would have answered 401 before 404, so the key was not refused.
    set('authentication', 'ok', 'The key was not refused (the server has no models endpoint to check it against).', {
      ms,
    });
    set(
      'models',
      'warning',
      `this server has no models endpoint; type the model name. If it should have one, check the base URL: ${err.message}`,
      { ms, short: 'no models endpoint' },
    );
  } else if (err.code === ErrorCode.RATE_LIMITED && data['quota'] === true) {
    // Out of credit: the key is fine, but nothing will work until the account is topped up.
    set('authentication', 'ok', 'The key was accepted.', { ms });
    set('models', 'error', `${err.message} ${err.data.hint}`, { ms, short: 'Out of quota or credit' });
  } else if (err.code === ErrorCode.RATE_LIMITED) {
    set('authentication', 'ok', 'The key was accepted (the server is rate limiting it).', { ms });
    set('models', 'warning', `Rate limited (429): the model list could not be fetched now. ${err.data.hint}`, {
      ms,
      short: 'rate limited (429)',
    });
  } else {
    set('authentication', 'skipped', 'could not be checked: the models request failed');
    set('models', 'error', `${err.message} ${err.data.hint}`, { ms, short: err.message });
  }
}

/** What AWS accepted, in words: which credential, which region. */
function awsAccepted(conn: ResolvedConnection): string {
  const aws = conn.aws!;
  const who =
    aws.auth === 'accessKeys'
      ? `access key ${aws.accessKeyId ?? ''}${aws.sessionToken ? ' (temporary, with its session token)' : ''}`
      : aws.auth === 'apiKey'
        ? 'the Bedrock API key'
        : `the credentials of profile "${aws.profile ?? 'default'}"`;
  return `AWS accepted ${who} in ${aws.region}.`;
}

/** Bedrock: whether the account was granted the default model in the region (access is granted per model and region). */
async function judgeModelAccess(
  conn: ResolvedConnection,
  opts: TestOptions,
  signal: AbortSignal,
  set: Setter,
): Promise<void> {
  if (!opts.adapter.modelAccess) return;
  if (!opts.defaultModel) {
    set(
      'modelAccess',
      'skipped',
      'skipped: no default model to check yet; set one to check that this account may use it',
    );
    return;
  }
  const started = performance.now();
  const access = await opts.adapter.modelAccess(conn, opts.defaultModel, signal);
  set('modelAccess', access.granted ? 'ok' : 'error', access.reason, {
    ms: Math.round(performance.now() - started),
    short: access.granted ? undefined : `No access to ${opts.defaultModel}`,
  });
}

async function probeCompletion(
  conn: ResolvedConnection,
  opts: TestOptions,
  model: string,
  signal: AbortSignal,
  set: Setter,
): Promise<void> {
  const started = performance.now();
  let text = '';
  let firstMs: number | undefined;
  try {
    // maxTokens is small but not tiny: the adapter maps it per provider (max_completion_tokens for
    // reasoning models), and a `length` finish is a success here.
    const request = {
      model,
      messages: [{ role: 'user' as const, content: 'Reply with one word: ok' }],
      options: { maxTokens: COMPLETION_MAX_TOKENS },
    };
    for await (const chunk of opts.adapter.stream(conn, request, signal)) {
      const texts = textsOf(chunk);
      if (texts.length === 0) continue;
      firstMs ??= Math.round(performance.now() - started);
      text += texts.join('');
    }
  } catch (error) {
    signal.throwIfAborted();
    const err = mapped(error, { conn, model, phase: 'chat', signal });
    reportRefusal(err, opts, model);
    set('completion', 'error', `${err.message} ${err.data.hint}`, {
      ms: Math.round(performance.now() - started),
      short: `Completion failed: ${err.message}`,
    });
    return;
  }
  const ms = Math.round(performance.now() - started);
  const said = text.trim()
    ? `: "${truncate(text.trim(), 40)}"`
    : ' (no visible text within 16 tokens, as reasoning models think first)';
  set(
    'completion',
    'ok',
    `${model} answered in ${ms} ms${firstMs !== undefined ? ` (first token ${firstMs} ms)` : ''}${said}`,
    { ms },
  );
}

function finish(stages: Map<Name, Outcome>, started: number, models: ModelInfo[] | undefined): TestResult {
  const order: Name[] = ['connectivity', 'authentication', 'models', 'modelAccess', 'latency', 'completion'];
  // modelAccess is a Bedrock stage: other providers have no such check and do not show it.
  const list = order.filter((name) => stages.has(name)).map((name) => stages.get(name)!);
  const status = worst(list);
  const listMs = stages.get('models')?.ms;
  const figures = [
    models && `${models.length} model${models.length === 1 ? '' : 's'}`,
    listMs !== undefined && `${listMs} ms`,
  ]
    .filter(Boolean)
    .join(', ');
  const culprit = list.find((s) => s.status === status);
  const summary =
    status === 'ok'
      ? `Works: ${figures}`
      : status === 'warning'
        ? `Works, but ${culprit?.short ?? culprit?.reason}${figures ? ` (${figures})` : ''}`
        : (culprit?.short ?? culprit?.reason ?? 'Failed');
  return {
    status,
    summary: truncate(summary, 200),
    testedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    stages: list.map(({ short: _short, ...stage }) => stage),
    ...(models && { models: models.map((m) => m.id) }),
  };
}

function worst(stages: TestStage[]): TestStatus {
  if (stages.some((s) => s.status === 'error')) return 'error';
  if (stages.some((s) => s.status === 'warning')) return 'warning';
  return 'ok';
}

/** A 401 or 403 is a refused key: the caller records it (where, when, never the key). */
function reportRefusal(err: SwitchboardError, opts: TestOptions, model?: string): void {
  if (err.code === ErrorCode.INVALID_API_KEY) opts.onKeyRefused?.(401, model);
  else if (err.code === ErrorCode.FORBIDDEN) opts.onKeyRefused?.(403, model);
}

/** Anything an adapter throws is meant to be a mapped SwitchboardError already; this makes sure. */
function mapped(error: unknown, ctx: UpstreamErrorContext): SwitchboardError {
  return error instanceof SwitchboardError ? error : toSwitchboardError(error, ctx);
}

/** A key in a custom header (a gateway's own auth) counts as a credential too; so does an AWS profile. */
function hasCredential(conn: ResolvedConnection): boolean {
  if (conn.apiKey || !conn.provider.requiresKey || conn.aws?.auth === 'profile') return true;
  return Object.keys(conn.headers ?? {}).some((h) =>
    ['authorization', 'x-api-key', 'api-key'].includes(h.toLowerCase()),
  );
}

/** Gemini's OpenAI-compatible list names models `models/gemini-…`; requests may omit the prefix. */
function sameModel(listed: string, wanted: string): boolean {
  return listed === wanted || listed.replace(/^models\//, '') === wanted.replace(/^models\//, '');
}

function preview(ids: string[]): string {
  return ids.length <= PREVIEW ? ids.join(', ') : `${ids.slice(0, PREVIEW).join(', ')}… (${ids.length - PREVIEW} more)`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
