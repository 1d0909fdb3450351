/**
 * AWS Bedrock connections: how they authenticate and in which region. The secret of the first two
 * kinds is the connection's key (`apiKey`, held like every key: vault, memory or `env:`, shown only
 * as hint and fingerprint); a session token is a second secret, kept in the daemon's vault.
 *
 * - `accessKeys`: an IAM access key id (`AKIA…`, or `ASIA…` with a session token for temporary
 *   credentials) and its secret access key as `apiKey`; requests are signed (SigV4) by the AWS SDK;
 * - `apiKey`: a Bedrock API key (`ABSK…`), sent as a bearer token;
 * - `profile`: the AWS SDK's own chain — a named profile of `~/.aws/config` and `~/.aws/credentials`
 *   (SSO included), or, without a profile, the default chain (environment, profile `default`,
 *   container or instance role). No key is stored.
 */
import { z } from 'zod';
import {
  AWS_ACCESS_KEY_ID_PATTERN,
  AWS_ACCESS_KEY_ID_PROBLEM,
  AWS_PROFILE_PATTERN,
  AWS_PROFILE_PROBLEM,
  AWS_REGION_PATTERN,
  AWS_REGION_PROBLEM,
} from '../rules/connectionFields';
import { ApiKey } from './fields';

/** How a Bedrock connection authenticates. */
export const AwsAuth = z.enum(['accessKeys', 'apiKey', 'profile']);
/** How a Bedrock connection authenticates. */
export type AwsAuth = z.infer<typeof AwsAuth>;

/** An AWS region id such as `us-east-1`, `eu-central-1`, `us-gov-west-1`. */
export const AwsRegion = z.string().regex(AWS_REGION_PATTERN, AWS_REGION_PROBLEM);

/** An IAM access key id: 16-128 capitals and digits, e.g. `AKIA…` (long-term) or `ASIA…` (temporary). */
export const AwsAccessKeyId = z.string().regex(AWS_ACCESS_KEY_ID_PATTERN, AWS_ACCESS_KEY_ID_PROBLEM);

/** A profile name of `~/.aws/config`. */
export const AwsProfile = z.string().regex(AWS_PROFILE_PATTERN, AWS_PROFILE_PROBLEM);

/** What a client sends for a Bedrock connection (`connections/create`, `connections/update`, a test draft). */
export const AwsSettingsInput = z
  .strictObject({
    region: AwsRegion,
    auth: AwsAuth,
    /** With `accessKeys`: the access key id (not secret); its secret access key is the connection's `apiKey`. */
    accessKeyId: AwsAccessKeyId.optional(),
    /** With `profile`: the profile to use; absent, the default credential chain. */
    profile: AwsProfile.optional(),
    /**
     * With `accessKeys`: the session token of temporary credentials. Write-only, kept in the
     * vault; `null` on update removes it. Omitted on update: kept, unless the access key id changes.
     */
    sessionToken: ApiKey.nullable().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.auth === 'accessKeys' && a.accessKeyId === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['accessKeyId'],
        message: 'is required with auth "accessKeys" (the access key id; its secret access key goes in apiKey)',
      });
    if (a.auth !== 'accessKeys' && a.accessKeyId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['accessKeyId'], message: `belongs to auth "accessKeys", not "${a.auth}"` });
    if (a.auth !== 'accessKeys' && typeof a.sessionToken === 'string')
      ctx.addIssue({
        code: 'custom',
        path: ['sessionToken'],
        message: `belongs to auth "accessKeys", not "${a.auth}"`,
      });
    if (a.auth !== 'profile' && a.profile !== undefined)
      ctx.addIssue({ code: 'custom', path: ['profile'], message: `belongs to auth "profile", not "${a.auth}"` });
  });
/** What a client sends for a Bedrock connection. */
export type AwsSettingsInput = z.infer<typeof AwsSettingsInput>;

/** A Bedrock connection's settings as responses show them: never a secret, only whether a session token is held. */
export interface AwsSettings {
  region: string;
  auth: AwsAuth;
  accessKeyId?: string;
  profile?: string;
  /** A session token is stored (temporary credentials). */
  hasSessionToken?: boolean;
  /** First 8 hex characters of the session token's SHA-256, to tell tokens apart without showing them. */
  sessionTokenFingerprint?: string;
}
