/**
 * The AWS settings of a Bedrock connection as the store keeps them: region, credential kind, access
 * key id and profile in the record (none is secret); the session token of temporary credentials in
 * the vault under `<connection id>#aws:sessionToken` (encrypted, registered with the redactor while
 * held, like a key), its fingerprint in the record. The secret access key or Bedrock API key is the
 * connection's ordinary key (vault, memory or env).
 */
import { keyFingerprint } from '../../shared/rules/keyMask';
import type { AwsSettings, AwsSettingsInput, Provider } from '../../shared/protocol';
import type { StoredConnection } from '../store/schema';
import { validationError } from './errors';

/** The vault id of a connection's session token. */
export function sessionTokenVaultId(connectionId: string): string {
  return `${connectionId}#aws:sessionToken`;
}

/** Whether connections of this provider, with these settings, need a key (a profile needs none). */
export function needsKey(provider: Provider, aws: Pick<AwsSettings, 'auth'> | undefined): boolean {
  if (provider.adapter === 'bedrock') return aws?.auth !== 'profile';
  return provider.requiresKey;
}

/** What a create or update does to the AWS settings. */
export interface AwsPlan {
  /** The record's new `aws` (undefined: none). */
  settings: AwsSettings | undefined;
  /** A new session token to store; `null`: remove the stored one; undefined: leave it. */
  sessionToken: string | null | undefined;
}

/**
 * Plans the AWS settings of a create (`before` undefined) or an update. `input` undefined on an
 * update keeps what was there. Throws VALIDATION when a Bedrock connection would have none, or
 * another provider some.
 */
export function planAws(
  provider: Provider,
  before: StoredConnection | undefined,
  input: AwsSettingsInput | null | undefined,
): AwsPlan {
  const bedrock = provider.adapter === 'bedrock';
  if (input === undefined) {
    const kept = before?.aws;
    if (bedrock && kept === undefined) throw missing();
    if (!bedrock && kept !== undefined)
      return { settings: undefined, sessionToken: before?.aws?.hasSessionToken ? null : undefined };
    return { settings: kept, sessionToken: undefined };
  }
  if (input === null) {
    if (bedrock) throw missing();
    return { settings: undefined, sessionToken: before?.aws?.hasSessionToken ? null : undefined };
  }
  if (!bedrock)
    throw validationError(
      'aws',
      `only AWS Bedrock connections take AWS settings, and this one's provider is "${provider.id}".`,
      'Leave aws out, or set provider to "bedrock".',
    );
  const old = before?.aws;
  // A token belongs to the access key it was issued with: a new key id without a new token drops the old one.
  const sameKey = old?.auth === 'accessKeys' && input.auth === 'accessKeys' && old.accessKeyId === input.accessKeyId;
  let sessionToken: string | null | undefined = input.sessionToken;
  if (sessionToken === undefined && old?.hasSessionToken && !sameKey) sessionToken = null;
  const hasToken = typeof sessionToken === 'string' || (sessionToken === undefined && old?.hasSessionToken === true);
  const settings: AwsSettings = {
    region: input.region,
    auth: input.auth,
    ...(input.accessKeyId !== undefined && { accessKeyId: input.accessKeyId }),
    ...(input.profile !== undefined && { profile: input.profile }),
    ...(hasToken && {
      hasSessionToken: true,
      sessionTokenFingerprint:
        typeof sessionToken === 'string' ? keyFingerprint(sessionToken) : old!.sessionTokenFingerprint!,
    }),
  };
  return { settings, sessionToken };
}

function missing() {
  return validationError(
    'aws',
    'an AWS Bedrock connection needs its region and how it authenticates.',
    'Send aws: {region: "us-east-1", auth: "accessKeys", accessKeyId: "AKIA…"} with the secret access key as apiKey; or auth "apiKey" with a Bedrock API key as apiKey; or auth "profile" (optionally with profile: "name") to use the AWS CLI\'s credentials.',
  );
}
