/**
 * Builds the export: every connection as the document carries it — fields picked one by one, so a
 * field added to connections later is not exported until someone decides it may be — user providers,
 * the user's prices and the settings. A key becomes `needsKey` unless it is an `env:NAME` reference;
 * a secret header travels by name only. Fallbacks name connections by name (ids are per daemon).
 */
import {
  EXPORT_FORMAT,
  EXPORT_SCHEMA_VERSION,
  SECRET_HEADER_MASK,
  type Connection,
  type ExportDocument,
  type ExportedAws,
  type ExportedConnection,
  type ExportedKey,
} from '../../shared/protocol';
import type { TransferDeps } from './deps';

function keyOf(c: Connection): ExportedKey {
  if (c.keySource.startsWith('env:')) return { source: 'env', variable: c.keySource.slice(4) };
  if (c.keySource === 'none') return { source: 'none' };
  return { source: 'needsKey' };
}

function exportAws(aws: NonNullable<Connection['aws']>): ExportedAws {
  return {
    region: aws.region,
    auth: aws.auth,
    ...(aws.accessKeyId !== undefined && { accessKeyId: aws.accessKeyId }),
    ...(aws.profile !== undefined && { profile: aws.profile }),
    ...(aws.hasSessionToken && { needsSessionToken: true }),
  };
}

function exportConnection(c: Connection, nameOf: Map<string, string>): ExportedConnection {
  const secret = new Set((c.secretHeaders ?? []).map((h) => h.toLowerCase()));
  const plainHeaders = Object.entries(c.headers ?? {}).filter(
    ([name, value]) => !secret.has(name.toLowerCase()) && value !== SECRET_HEADER_MASK,
  );
  const fallbacks = (c.fallbacks ?? []).map((id) => nameOf.get(id)).filter((n): n is string => n !== undefined);
  const fallbackModels = Object.entries(c.fallbackModels ?? {}).flatMap(([id, model]) =>
    nameOf.has(id) ? [[nameOf.get(id)!, model] as const] : [],
  );
  return {
    name: c.name,
    ...(c.description !== undefined && { description: c.description }),
    ...(c.enabled === false && { enabled: false }),
    ...(c.generationDefaults !== undefined && { generationDefaults: { ...c.generationDefaults } }),
    provider: c.provider,
    baseUrl: c.baseUrl,
    ...(c.defaultModel !== undefined && { defaultModel: c.defaultModel }),
    ...(c.allowedModels !== undefined && { allowedModels: [...c.allowedModels] }),
    ...(c.organization !== undefined && { organization: c.organization }),
    ...(c.apiVersion !== undefined && { apiVersion: c.apiVersion }),
    ...(plainHeaders.length > 0 && { headers: Object.fromEntries(plainHeaders) }),
    ...(c.secretHeaders && c.secretHeaders.length > 0 && { secretHeaders: [...c.secretHeaders] }),
    timeoutMs: c.timeoutMs,
    maxRetries: c.maxRetries,
    ...(c.isDefault && { isDefault: true }),
    key: keyOf(c),
    ...(c.capacity !== undefined && { capacity: structuredClone(c.capacity) }),
    ...(c.onLimit !== undefined && { onLimit: c.onLimit }),
    ...(c.maxQueueWaitMs !== undefined && { maxQueueWaitMs: c.maxQueueWaitMs }),
    ...(c.budget !== undefined && { budget: { ...c.budget } }),
    ...(fallbacks.length > 0 && { fallbacks }),
    ...(fallbackModels.length > 0 && { fallbackModels: Object.fromEntries(fallbackModels) }),
    ...(c.aws !== undefined && { aws: exportAws(c.aws) }),
  };
}

export function buildExport(deps: TransferDeps): ExportDocument {
  const connections = deps.connections.list();
  const nameOf = new Map(connections.map((c) => [c.id, c.name]));
  const settings = deps.settings.get();
  return {
    format: EXPORT_FORMAT,
    schemaVersion: EXPORT_SCHEMA_VERSION,
    exportedAt: new Date().toISOString(),
    exportedBy: `switchboard ${deps.version}`,
    connections: connections.map((c) => exportConnection(c, nameOf)),
    providers: deps.providers
      .list()
      // User providers speak openai or anthropic (providers/upsert takes no other adapter).
      .filter((p): p is typeof p & { adapter: 'openai' | 'anthropic' } => !p.builtIn && p.adapter !== 'bedrock')
      .map((p) => ({
        id: p.id,
        name: p.name,
        adapter: p.adapter,
        defaultBaseUrl: p.defaultBaseUrl,
        requiresKey: p.requiresKey,
        ...(p.keyFormatHint !== undefined && { keyFormatHint: p.keyFormatHint }),
        ...(p.docsUrl !== undefined && { docsUrl: p.docsUrl }),
        ...(p.envVar !== undefined && { envVar: p.envVar }),
        ...(p.apis !== undefined && { apis: [...p.apis] }),
        ...(p.dialect !== undefined && { dialect: p.dialect }),
        // How the key is sent (a header name and prefix), never a key.
        ...(p.authHeader !== undefined && { authHeader: { ...p.authHeader } }),
      })),
    prices: deps.prices
      .list()
      .filter((p) => p.source === 'user')
      .map((p) => ({
        provider: p.provider,
        model: p.model,
        inputPerMTok: p.inputPerMTok,
        outputPerMTok: p.outputPerMTok,
      })),
    settings: { testIntervalHours: settings.testIntervalHours, modelsCacheMinutes: settings.modelsCacheMinutes },
  };
}
