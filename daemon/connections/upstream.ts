/** Turns a stored connection (or an unsaved draft) into what an adapter needs, key included. */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { CreateConnectionParams, Provider } from '../../shared/protocol';
import type { ResolvedConnection } from '../providers/adapter';
import type { StoredConnection } from '../store/schema';
import type { ProviderCatalog } from './providerCatalog';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from './service';

/** The key is required when the provider needs one; otherwise the request fails before reaching it. */
export function toResolved(conn: StoredConnection, provider: Provider, apiKey: string | undefined): ResolvedConnection {
  if (apiKey === undefined && provider.requiresKey && conn.keySource !== 'none') throw secretMissing(conn);
  return {
    id: conn.id,
    name: conn.name,
    provider,
    baseUrl: conn.baseUrl,
    ...(apiKey !== undefined && { apiKey }),
    ...(conn.organization !== undefined && { organization: conn.organization }),
    ...(conn.apiVersion !== undefined && { apiVersion: conn.apiVersion }),
    ...(conn.headers !== undefined && { headers: conn.headers }),
    timeoutMs: conn.timeoutMs,
    maxRetries: conn.maxRetries,
  };
}

/** A draft from a connection form, tested before it is saved. Its key is used once and never stored. */
export function draftToResolved(draft: Partial<CreateConnectionParams> & { provider: string }, providers: ProviderCatalog): ResolvedConnection {
  const provider = providers.require(draft.provider);
  return {
    id: 'draft',
    name: draft.name ?? 'Unsaved connection',
    provider,
    baseUrl: draft.baseUrl ?? provider.defaultBaseUrl,
    ...(draft.apiKey !== undefined && { apiKey: draft.apiKey }),
    ...(draft.keySource?.startsWith('env:') && { apiKey: process.env[draft.keySource.slice(4)] }),
    ...(draft.organization !== undefined && { organization: draft.organization }),
    ...(draft.apiVersion !== undefined && { apiVersion: draft.apiVersion }),
    ...(draft.headers !== undefined && { headers: draft.headers }),
    timeoutMs: draft.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: draft.maxRetries ?? DEFAULT_MAX_RETRIES,
  };
}

function secretMissing(conn: StoredConnection): SwitchboardError {
  const how =
    conn.keySource === 'memory'
      ? 'Its key lives in the editor that created it: open VS Code with the Switchboard extension (it re-sends keys on connect), or store the key in the daemon with `switchboard key set "' + conn.name + '"`.'
      : conn.keySource.startsWith('env:')
        ? `Set the environment variable ${conn.keySource.slice(4)} for the daemon and restart it, or store the key with \`switchboard key set "${conn.name}"\`.`
        : `Store a key with \`switchboard key set "${conn.name}"\`, connections/update {apiKey}, or in VS Code with "Switchboard: Edit Connection".`;
  return new SwitchboardError(ErrorCode.SECRET_MISSING, `Connection "${conn.name}" has no API key available.`, { hint: how, connectionId: conn.id });
}
