/**
 * AWS SDK errors of a Bedrock connection → SwitchboardErrors, each saying what happened in this
 * account and region and what to do. The SDK names an error by the service's `x-amzn-errortype`
 * (or a stream's `:exception-type`): ThrottlingException (requests or tokens per minute),
 * ServiceQuotaExceededException, ModelNotReadyException, AccessDeniedException (model access not
 * granted, or IAM), ValidationException, ExpiredTokenException and the signature / key refusals.
 * Everything else (network, timeouts, cut streams) goes through the shared mapping. Every string
 * is scrubbed by `upstreamError` (key, secret key, session token).
 */
import { ErrorCode, type SwitchboardError } from '../../../shared/errors';
import type { ResolvedConnection } from '../adapter';
import {
  cancelledError,
  connectionLabel,
  MAX_RETRY_AFTER_MS,
  toSwitchboardError,
  upstreamError,
  type UpstreamErrorContext,
} from '../upstreamErrors';

/** Bedrock's per-minute quotas: a token quota frees up within the minute, a request one sooner. */
const TOKENS_WAIT_MS = 60_000;
const REQUESTS_WAIT_MS = 10_000;

interface AwsError {
  name: string;
  message: string;
  status?: number;
  requestId?: string;
}

function awsError(error: unknown): AwsError | undefined {
  if (!(error instanceof Error)) return undefined;
  const meta = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
  const fault = (error as { $fault?: unknown }).$fault;
  // Service errors carry $fault (client/server); stream exception frames carry the same names.
  if (fault === undefined && meta?.httpStatusCode === undefined && !/Exception$/.test(error.name)) return undefined;
  return {
    name: error.name,
    message: error.message,
    ...(meta?.httpStatusCode !== undefined && { status: meta.httpStatusCode }),
    ...(meta?.requestId && { requestId: meta.requestId }),
  };
}

/** The Bedrock console page where model access is requested, for the connection's region. */
export function modelAccessUrl(region: string): string {
  return `https://console.aws.amazon.com/bedrock/home?region=${region}#/modelaccess`;
}

/**
 * The connection as a Bedrock message names it: its own name, with "(Bedrock)" when the name does not
 * say so ("Work AWS (Bedrock) throttled this account"): the person knows which connection, and that AWS
 * quotas and consoles are meant.
 */
function bedrockLabel(conn: ResolvedConnection): string {
  const label = connectionLabel(conn);
  return /bedrock/i.test(label) ? label : `${label} (Bedrock)`;
}

/** Maps whatever the SDK threw; `ctx.model` names the model of a chat. */
export function bedrockError(error: unknown, ctx: UpstreamErrorContext): SwitchboardError {
  if (ctx.signal?.aborted) return cancelledError(ctx);
  const e = awsError(error);
  if (!e) {
    if (error instanceof Error && error.name === 'CredentialsProviderError')
      return credentialsMissing(ctx, error.message);
    if (error instanceof Error && error.name === 'TimeoutError') {
      return upstreamError(
        ctx,
        ErrorCode.TIMEOUT,
        `${bedrockLabel(ctx.conn)} sent nothing for ${Math.round(ctx.conn.timeoutMs / 1000)} s${ctx.started ? ' in the middle of its answer' : ''}.`,
        `Try again, or raise the connection's timeout (now ${Math.round(ctx.conn.timeoutMs / 1000)} s).`,
        ctx.partialText ? { partialText: ctx.partialText } : {},
      );
    }
    return toSwitchboardError(error, ctx);
  }
  const { conn } = ctx;
  const who = bedrockLabel(conn);
  const region = conn.aws?.region ?? 'its region';
  const model = ctx.model;
  const said = clip(e.message);
  const extra = {
    ...(e.status !== undefined && { status: e.status }),
    upstreamType: e.name,
    ...(e.requestId && { requestId: e.requestId }),
    ...(ctx.partialText && { partialText: ctx.partialText }),
  };
  const make = (code: ErrorCode, message: string, hint: string, more: Record<string, unknown> = {}) =>
    upstreamError(ctx, code, message, hint, { ...extra, ...more });
  const name = e.name.charAt(0).toUpperCase() + e.name.slice(1); // stream exceptions are camelCase

  switch (name) {
    case 'ThrottlingException': {
      const tokens = /tokens/i.test(e.message);
      const what = tokens ? 'tokens per minute' : 'requests per minute';
      const wait = tokens ? TOKENS_WAIT_MS : REQUESTS_WAIT_MS;
      return make(
        ErrorCode.RATE_LIMITED,
        `${who} was throttled by AWS: its quota of ${what}${model ? ` for ${model}` : ''} in ${region} ran out ("${said}").`,
        `Try again in ${wait / 1000} s${tokens ? ', or send shorter prompts / ask for shorter answers' : ''}. For more, request a higher "${tokens ? 'tokens' : 'requests'} per minute" quota for this model in the Service Quotas console (region ${region}), or use a cross-region inference profile (a us. / eu. / global. model id).`,
        { retryAfterMs: Math.min(wait, MAX_RETRY_AFTER_MS), limit: tokens ? 'tokens' : 'requests' },
      );
    }
    case 'ServiceQuotaExceededException':
      return make(
        ErrorCode.RATE_LIMITED,
        `${who} refused the request: it exceeds a service quota of this account in ${region} ("${said}").`,
        `Retrying will not help: request a quota increase for Amazon Bedrock in the Service Quotas console (region ${region}), or use another region or model.`,
        { quota: true },
      );
    case 'ModelNotReadyException':
      return make(
        ErrorCode.UPSTREAM_ERROR,
        `${model ? `Model ${model}` : 'The model'} is not ready to answer yet in ${region} ("${said}").`,
        'Bedrock is still loading it (it happens to rarely used or just-imported models): try again in a minute.',
        { retryAfterMs: 30_000 },
      );
    case 'AccessDeniedException':
      if (/access to the model|model access|not authorized to access this model|don't have access/i.test(e.message)) {
        return make(
          ErrorCode.FORBIDDEN,
          `This AWS account has not been granted access to ${model ? `model ${model}` : 'this model'} in ${region}.`,
          `Request access in the Bedrock console, region ${region}: Model access → Modify model access (${modelAccessUrl(region)}). Access is granted per region; for an inference profile (us. / eu. / global.), in each region it routes to.`,
          model ? { model } : {},
        );
      }
      return make(
        ErrorCode.FORBIDDEN,
        `AWS refused the request: the credentials' IAM identity may not do this in ${region} ("${said}").`,
        `Give the IAM user or role the Bedrock permissions it needs (bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream to chat, bedrock:ListFoundationModels and bedrock:ListInferenceProfiles to list models), e.g. the AmazonBedrockLimitedAccess policy.`,
      );
    case 'ExpiredTokenException':
      return make(
        ErrorCode.INVALID_API_KEY,
        `The temporary AWS credentials of this connection have expired ("${said}").`,
        conn.aws?.auth === 'profile'
          ? `Refresh them for profile "${conn.aws.profile ?? 'default'}" (e.g. \`aws sso login${conn.aws.profile ? ` --profile ${conn.aws.profile}` : ''}\`), then try again.`
          : 'Get new temporary credentials (access key id, secret access key and session token, e.g. from `aws sts get-session-token` or your SSO portal) and enter them in the connection.',
      );
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'IncompleteSignatureException':
    case 'MissingAuthenticationTokenException':
      return make(ErrorCode.INVALID_API_KEY, authRefusal(conn, name, said), authHint(conn));
    case 'ValidationException':
      if (/model identifier is invalid/i.test(e.message)) {
        return make(
          ErrorCode.MODEL_NOT_FOUND,
          `${who} has no model "${model ?? ''}" in ${region} ("${said}").`,
          "Pick a model from the connection's model list (models/list), which shows the model ids and inference profiles of its region.",
          model ? { model } : {},
        );
      }
      if (/on-demand throughput isn.t supported/i.test(e.message)) {
        return make(
          ErrorCode.VALIDATION,
          `Model ${model ?? ''} can only be called through an inference profile in ${region}.`,
          `Use its inference profile id instead, e.g. "us.${model ?? '<model id>'}" (or eu. / apac. / global.), from the connection's model list.`,
          model ? { model, field: 'model' } : { field: 'model' },
        );
      }
      return make(
        ErrorCode.VALIDATION,
        `${who} refused the request as invalid: ${said}`,
        'Fix what the message names (a message shape, an option the model does not take, a prompt longer than the model accepts) and send it again.',
      );
    case 'ResourceNotFoundException':
      return make(
        ErrorCode.MODEL_NOT_FOUND,
        `${who} did not find ${model ? `model "${model}"` : 'the resource'} in ${region} ("${said}").`,
        "Pick a model from the connection's model list, or check the region.",
        model ? { model } : {},
      );
    case 'ModelTimeoutException':
      return make(
        ErrorCode.TIMEOUT,
        `The model took too long to answer ("${said}").`,
        'Try again with a shorter prompt or a lower max tokens.',
      );
    default: {
      const status = e.status ?? 500;
      return make(
        ErrorCode.UPSTREAM_ERROR,
        `${who} failed (${e.name}${e.status !== undefined ? `, ${e.status}` : ''}): ${said}`,
        status >= 500 || e.status === undefined
          ? "This is on AWS's side; try again in a moment."
          : 'Check the model and the options sent.',
        { status },
      );
    }
  }
}

function authRefusal(conn: ResolvedConnection, name: string, said: string): string {
  const aws = conn.aws;
  if (aws?.auth === 'apiKey') return `AWS did not accept the Bedrock API key ("${said}").`;
  if (aws?.auth === 'profile')
    return `AWS did not accept the credentials of profile "${aws.profile ?? 'default'}" ("${said}").`;
  if (name === 'InvalidSignatureException') {
    if (/region/i.test(said))
      return `AWS refused the signature: it is not valid for region ${aws?.region} ("${said}").`;
    return `AWS refused the signature: the secret access key does not belong to access key id ${aws?.accessKeyId ?? ''} ("${said}").`;
  }
  return `AWS does not recognise these credentials: access key id ${aws?.accessKeyId ?? ''}${aws?.sessionToken ? ' with its session token' : ''} ("${said}").`;
}

function authHint(conn: ResolvedConnection): string {
  const aws = conn.aws;
  if (aws?.auth === 'apiKey')
    return 'Check the Bedrock API key (Bedrock console → API keys; short-term keys expire after 12 hours at most) and enter it again in the connection.';
  if (aws?.auth === 'profile')
    return `Check profile "${aws.profile ?? 'default'}" with \`aws sts get-caller-identity${aws.profile ? ` --profile ${aws.profile}` : ''}\`.`;
  return 'Check the access key id and its secret access key in the IAM console (Security credentials); temporary keys (ASIA…) also need their session token. Enter them again in the connection.';
}

function credentialsMissing(ctx: UpstreamErrorContext, message: string): SwitchboardError {
  const profile = ctx.conn.aws?.profile;
  return upstreamError(
    ctx,
    ErrorCode.SECRET_MISSING,
    `No AWS credentials were found ${profile ? `for profile "${profile}"` : 'in the default credential chain'} (${clip(message)}).`,
    profile
      ? `Set up the profile (\`aws configure --profile ${profile}\` or \`aws sso login --profile ${profile}\`) for the user the daemon runs as, or choose access keys or a Bedrock API key.`
      : 'Run `aws configure` (or set AWS_PROFILE / AWS_ACCESS_KEY_ID for the daemon), or choose access keys or a Bedrock API key.',
    {},
  );
}

function clip(text: string, max = 300): string {
  const t = text.trim().replace(/\.$/, '');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
