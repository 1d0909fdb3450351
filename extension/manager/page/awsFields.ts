/**
 * The AWS Bedrock part of the connection form: region, how the connection authenticates (access keys,
 * a Bedrock API key, or an AWS profile / the default credential chain), the access key id, the
 * profile and the session token of temporary credentials. The secret access key or Bedrock API key
 * is the form's ordinary key field; the session token is a second secret, sent once (the daemon keeps
 * it in its vault and never returns it) and never kept in the page's saved state. Pure: unit-tested.
 */
import type { AwsSettingsInput, Connection, Provider } from '../../../shared/protocol';
import {
  AWS_ACCESS_KEY_ID_PATTERN,
  AWS_ACCESS_KEY_ID_PROBLEM,
  AWS_PROFILE_PATTERN,
  AWS_PROFILE_PROBLEM,
  AWS_REGION_PATTERN,
  AWS_REGION_PROBLEM,
} from '../../../shared/rules/connectionFields';
import { apiKeyProblem } from '../../../shared/rules/inputRules';

export type AwsAuthChoice = 'accessKeys' | 'apiKey' | 'profile';

/** The AWS inputs of the form, as typed. */
export interface AwsValues {
  awsRegion: string;
  awsAuth: string;
  awsAccessKeyId: string;
  /** Typed only; '' keeps a stored token (edit) or sets none (create). */
  awsSessionToken: string;
  awsProfile: string;
}

export type AwsErrors = Partial<Record<keyof AwsValues, string>>;

const DEFAULT_REGION = 'us-east-1';

export function emptyAws(): AwsValues {
  return { awsRegion: DEFAULT_REGION, awsAuth: 'accessKeys', awsAccessKeyId: '', awsSessionToken: '', awsProfile: '' };
}

export function awsFromConnection(c: Connection): AwsValues {
  const aws = c.aws;
  if (!aws) return emptyAws();
  return {
    awsRegion: aws.region,
    awsAuth: aws.auth,
    awsAccessKeyId: aws.accessKeyId ?? '',
    awsSessionToken: '',
    awsProfile: aws.profile ?? '',
  };
}

/** Whether a provider is reached through AWS Bedrock (and so takes these fields). */
export function isBedrock(p: Pick<Provider, 'adapter'> | undefined): boolean {
  return p?.adapter === 'bedrock';
}

export function authOf(v: Pick<AwsValues, 'awsAuth'>): AwsAuthChoice {
  return v.awsAuth === 'apiKey' || v.awsAuth === 'profile' ? v.awsAuth : 'accessKeys';
}

/** A provider's default base URL for a region: Bedrock's names its region (`…{region}…`). */
export function defaultBaseUrlFor(p: Pick<Provider, 'defaultBaseUrl'> | undefined, region: string): string {
  return (p?.defaultBaseUrl ?? '').replace('{region}', region.trim() || DEFAULT_REGION);
}

/** What the key field is called for each way of authenticating. */
export function keyLabel(auth: AwsAuthChoice): string {
  return auth === 'accessKeys' ? 'Secret access key' : auth === 'apiKey' ? 'Bedrock API key' : 'API key';
}

/** Field-level problems of the AWS inputs, in the daemon's words (shared/rules); the key is checked with the key field. */
export function validateAws(v: AwsValues): AwsErrors {
  const errors: AwsErrors = {};
  const auth = authOf(v);
  if (!AWS_REGION_PATTERN.test(v.awsRegion.trim())) errors.awsRegion = sentence(`The region ${AWS_REGION_PROBLEM}`);
  if (auth === 'accessKeys') {
    const id = v.awsAccessKeyId.trim();
    if (id === '') errors.awsAccessKeyId = 'Enter the access key id (AKIA…, or ASIA… for temporary credentials).';
    else if (!AWS_ACCESS_KEY_ID_PATTERN.test(id))
      errors.awsAccessKeyId = sentence(`The access key id ${AWS_ACCESS_KEY_ID_PROBLEM}`);
    const token = v.awsSessionToken;
    const tokenProblem = token === '' ? undefined : apiKeyProblem(token);
    if (tokenProblem) errors.awsSessionToken = sentence(`The session token ${tokenProblem}`);
    else if (token !== '' && token.length < 8)
      errors.awsSessionToken = 'The session token is too short: check that all of it was pasted.';
  }
  if (auth === 'profile') {
    const profile = v.awsProfile.trim();
    if (profile !== '' && !AWS_PROFILE_PATTERN.test(profile))
      errors.awsProfile = sentence(`The profile ${AWS_PROFILE_PROBLEM}`);
  }
  return errors;
}

/** Whether a key must be typed for these AWS inputs (a profile needs none). */
export function awsNeedsKey(v: Pick<AwsValues, 'awsAuth'>): boolean {
  return authOf(v) !== 'profile';
}

/** The `aws` settings to send; the session token only when one was typed. */
export function awsInput(v: AwsValues): AwsSettingsInput {
  const auth = authOf(v);
  return {
    region: v.awsRegion.trim(),
    auth,
    ...(auth === 'accessKeys' && { accessKeyId: v.awsAccessKeyId.trim() }),
    ...(auth === 'accessKeys' && v.awsSessionToken !== '' && { sessionToken: v.awsSessionToken }),
    ...(auth === 'profile' && v.awsProfile.trim() !== '' && { profile: v.awsProfile.trim() }),
  };
}

/** The `aws` of an update: the new settings when anything changed or a token was typed, else undefined (kept). */
export function awsUpdate(original: Connection, v: AwsValues): AwsSettingsInput | undefined {
  const next = awsInput(v);
  const old = original.aws;
  const same =
    old !== undefined &&
    old.region === next.region &&
    old.auth === next.auth &&
    old.accessKeyId === next.accessKeyId &&
    old.profile === next.profile;
  return same && next.sessionToken === undefined ? undefined : next;
}

/** The note under the session token: whether one is stored (never the token itself). */
export function sessionTokenNote(saved: Connection | undefined): string {
  const aws = saved?.aws;
  if (aws?.hasSessionToken) {
    const fp = aws.sessionTokenFingerprint ? ` (fingerprint ${aws.sessionTokenFingerprint})` : '';
    return `A session token is stored${fp}. Leave this empty to keep it, or paste a new one.`;
  }
  return 'Only for temporary credentials (an ASIA… access key id). Stored encrypted by the daemon and never shown again.';
}

const sentence = (text: string) => `${text}.`;
