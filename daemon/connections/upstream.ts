/** Turns a stored connection (or an unsaved draft) into what an adapter needs, key and secret header values included. */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import {
  SECRET_HEADER_MASK,
  type AwsSettings,
  type CreateConnectionParams,
  type Provider,
} from '../../shared/protocol';
import { needsKey } from './awsSettings';
import { headerValueProblem } from '../../shared/rules/inputRules';
import type { ResolvedConnection } from '../providers/adapter';
import type { StoredConnection } from '../store/schema';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import { lowerSet, putHeader } from './secretHeaders';
import type { Loose } from '../../shared/definedOnly';

/** A connection's timeout and retries when it sets none (saved connections and drafts alike). */
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

/**
 * The key is required when the provider needs one; otherwise the request fails before reaching it.
 * `headerSecrets` (from `ConnectionService.headerSecretsFor`, by lowercased name) puts the real values
 * of the secret headers back in place of their masks; a secret header whose value is not there fails
 * with SECRET_MISSING. Without `headerSecrets` the secret headers are left out (a keyless probe).
 */
export function toResolved(
  conn: StoredConnection,
  provider: Provider,
  apiKey: string | undefined,
  headerSecrets?: ReadonlyMap<string, string>,
  sessionToken?: string,
): ResolvedConnection {
  if (apiKey === undefined && needsKey(provider, conn.aws) && conn.keySource !== 'none') throw secretMissing(conn);
  if (conn.aws?.hasSessionToken && sessionToken === undefined && headerSecrets !== undefined)
    throw sessionTokenMissing(conn);
  const headers = conn.headers === undefined ? undefined : upstreamHeaders(conn, conn.headers, headerSecrets);
  assertSendable(conn, apiKey, headers);
  return {
    id: conn.id,
    name: conn.name,
    provider,
    baseUrl: resolveBaseUrl(conn.baseUrl, conn.aws?.region),
    ...(apiKey !== undefined && { apiKey }),
    ...(conn.aws !== undefined && { aws: awsOf(conn.aws, sessionToken) }),
    ...(conn.organization !== undefined && { organization: conn.organization }),
    ...(conn.apiVersion !== undefined && { apiVersion: conn.apiVersion }),
    ...(headers !== undefined && { headers }),
    timeoutMs: conn.timeoutMs,
    maxRetries: conn.maxRetries,
  };
}

/** The headers to send: secret ones with their real values, never a mask. */
function upstreamHeaders(
  conn: StoredConnection,
  stored: Record<string, string>,
  secrets: ReadonlyMap<string, string> | undefined,
): Record<string, string> {
  const secret = lowerSet(conn.secretHeaders);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(stored)) {
    const lower = name.toLowerCase();
    if (secret.has(lower)) {
      if (secrets === undefined) continue;
      const real = secrets.get(lower);
      if (real === undefined) throw headerSecretMissing(conn, name);
      putHeader(out, name, real);
    } else if (value !== SECRET_HEADER_MASK) {
      putHeader(out, name, value);
    }
  }
  return out;
}

/**
 * A draft from a connection form, tested before it is saved. Its key is used once and never stored.
 * A header whose value is {@link SECRET_HEADER_MASK} stands for a saved connection's secret, which a
 * draft (no id) cannot reach: it is left out rather than sent as the mask.
 */
export function draftToResolved(
  draft: Loose<Partial<CreateConnectionParams>> & { provider: string },
  providers: ProviderCatalog,
): ResolvedConnection {
  const provider = providers.require(draft.provider);
  const apiKey = draft.keySource?.startsWith('env:') ? process.env[draft.keySource.slice(4)] : draft.apiKey;
  const headers = draft.headers === undefined ? undefined : withoutMasks(draft.headers);
  assertSendable(
    {
      name: draft.name ?? 'Unsaved connection',
      keySource: draft.keySource ?? 'vault',
      ...(draft.organization !== undefined && { organization: draft.organization }),
    },
    apiKey,
    headers,
  );
  return {
    id: 'draft',
    name: draft.name ?? 'Unsaved connection',
    provider,
    baseUrl: resolveBaseUrl(draft.baseUrl ?? provider.defaultBaseUrl, draft.aws?.region),
    ...(draft.aws && {
      aws: awsOf(draft.aws, typeof draft.aws.sessionToken === 'string' ? draft.aws.sessionToken : undefined),
    }),
    ...(apiKey !== undefined && { apiKey }),
    ...(draft.organization !== undefined && { organization: draft.organization }),
    ...(draft.apiVersion !== undefined && { apiVersion: draft.apiVersion }),
    ...(headers !== undefined && { headers }),
    timeoutMs: draft.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: draft.maxRetries ?? DEFAULT_MAX_RETRIES,
  };
}

/** The Bedrock catalog's base URL names no region (`{region}`): the connection's region fills it in. */
function resolveBaseUrl(baseUrl: string, region: string | undefined): string {
  return region === undefined ? baseUrl : baseUrl.replace('{region}', region);
}

function awsOf(
  aws: Loose<Pick<AwsSettings, 'region' | 'auth' | 'accessKeyId' | 'profile'>>,
  sessionToken: string | undefined,
): NonNullable<ResolvedConnection['aws']> {
  return {
    region: aws.region,
    auth: aws.auth,
    ...(aws.accessKeyId !== undefined && { accessKeyId: aws.accessKeyId }),
    ...(aws.profile !== undefined && { profile: aws.profile }),
    ...(sessionToken !== undefined && { sessionToken }),
  };
}

function sessionTokenMissing(conn: StoredConnection): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.SECRET_MISSING,
    `The session token of connection "${conn.name}" is not available: the key vault cannot read it.`,
    {
      hint: 'Enter the temporary credentials again (access key id, secret access key and session token) with connections/update or "Switchboard: Edit Connection".',
      connectionId: conn.id,
    },
  );
}

function withoutMasks(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== SECRET_HEADER_MASK) putHeader(out, name, value);
  return out;
}

/**
 * Refuses, as a configuration error, a key or header value that cannot be sent in an HTTP header
 * (a character outside Latin-1, a line break). Values typed into Switchboard are refused where they
 * are entered (shared/rules/inputRules.ts); this catches the ones that come from elsewhere — a
 * key in an environment variable, a record written before those rules — which would otherwise make
 * every request fail inside the HTTP client and look like an unreachable server (and fall back).
 */
function assertSendable(
  conn: Pick<StoredConnection, 'name' | 'keySource' | 'organization'> & { id?: string },
  apiKey: string | undefined,
  headers: Record<string, string> | undefined,
): void {
  const refuse = (field: string, what: string, problem: string, hint: string) =>
    new SwitchboardError(ErrorCode.VALIDATION, `${what} of connection "${conn.name}" ${problem}.`, {
      hint,
      field,
      ...(conn.id !== undefined && { connectionId: conn.id }),
    });
  const keyProblem = apiKey === undefined ? undefined : headerValueProblem(apiKey);
  if (keyProblem) {
    const env = conn.keySource.startsWith('env:') ? conn.keySource.slice(4) : undefined;
    throw refuse(
      'apiKey',
      env ? `The key in environment variable ${env}` : 'The key',
      keyProblem,
      env
        ? `Fix the value of ${env} where it is set and restart the daemon, or store the key with \`switchboard key set "${conn.name}"\`.`
        : `Enter the key again (\`switchboard key set "${conn.name}"\`, or "Switchboard: Edit Connection").`,
    );
  }
  for (const [name, value] of Object.entries(headers ?? {})) {
    const problem = headerValueProblem(value);
    if (problem)
      throw refuse(
        `headers.${name}`,
        `Header "${name}"`,
        problem,
        'Change the header\'s value (connections/update, `switchboard connections edit --header`, or "Switchboard: Edit Connection").',
      );
  }
  const orgProblem = conn.organization === undefined ? undefined : headerValueProblem(conn.organization);
  if (orgProblem)
    throw refuse(
      'organization',
      'The organization',
      orgProblem,
      'Change the organization id (it is sent as the OpenAI-Organization header).',
    );
}

function headerSecretMissing(conn: StoredConnection, header: string): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.SECRET_MISSING,
    `The value of header "${header}" of connection "${conn.name}" is not available: the key vault cannot read it.`,
    {
      hint: 'Set the header\'s value again (connections/update, or "Switchboard: Edit Connection"). If other keys in the vault are missing too, SWITCHBOARD_MASTER_KEY or master.key is not the one they were stored with.',
      connectionId: conn.id,
    },
  );
}

function secretMissing(conn: StoredConnection): SwitchboardError {
  const how =
    conn.keySource === 'memory'
      ? 'Its key lives in the editor that created it: open VS Code with the Switchboard extension (it re-sends keys on connect), or store the key in the daemon with `switchboard key set "' +
        conn.name +
        '"`.'
      : conn.keySource.startsWith('env:')
        ? `Set the environment variable ${conn.keySource.slice(4)} for the daemon and restart it, or store the key with \`switchboard key set "${conn.name}"\`.`
        : `Store a key with \`switchboard key set "${conn.name}"\`, connections/update {apiKey}, or in VS Code with "Switchboard: Edit Connection".`;
  return new SwitchboardError(ErrorCode.SECRET_MISSING, `Connection "${conn.name}" has no API key available.`, {
    hint: how,
    connectionId: conn.id,
  });
}
