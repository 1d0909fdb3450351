/**
 * The AWS SDK clients of a Bedrock connection — the runtime (Converse, ConverseStream) and the
 * control plane (model lists, model access) — built from its credentials, one of three kinds:
 * access keys (the SDK signs with SigV4), a Bedrock API key (a bearer token), or the SDK's own
 * profile / default credential chain. Only the SDK signs requests; nothing else here sees a
 * signature. Clients are cached per connection (clients.ts) until a setting or secret changes.
 */
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { ResolvedConnection } from '../adapter';
import { cachedClient } from '../clients';

/** The SDK's logger, silenced: at debug it would print request details. */
const SILENT = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** `https://bedrock-runtime.<region>.amazonaws.com`: the endpoint the SDK picks itself for the region. */
const AWS_RUNTIME_HOST = /^https:\/\/bedrock-runtime(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/?$/;

/**
 * The endpoints to give the SDK: none for AWS's own (the SDK resolves both hosts, FIPS and
 * partitions included, from the region); a custom runtime URL (a VPC endpoint, a proxy, a test
 * server) is used for both, with `bedrock-runtime` in its host name read as `bedrock` for the
 * control plane, as AWS names its VPC endpoints.
 */
export function endpointsOf(conn: ResolvedConnection): { runtime?: string; control?: string } {
  if (AWS_RUNTIME_HOST.test(conn.baseUrl)) return {};
  const url = new URL(conn.baseUrl);
  const runtime = url.toString().replace(/\/$/, '');
  url.hostname = url.hostname.replace(/(^|\.)bedrock-runtime(?=[.-])/, '$1bedrock');
  return { runtime, control: url.toString().replace(/\/$/, '') };
}

/** Credentials options for either client: exactly one source, so the SDK reads no other. */
function credentialOptions(conn: ResolvedConnection): Record<string, unknown> {
  const aws = conn.aws!;
  switch (aws.auth) {
    case 'accessKeys':
      return {
        credentials: {
          accessKeyId: aws.accessKeyId ?? '',
          secretAccessKey: conn.apiKey ?? '',
          ...(aws.sessionToken !== undefined && { sessionToken: aws.sessionToken }),
        },
      };
    case 'apiKey':
      // The JS SDK does not read Bedrock API keys by itself: the token goes in, bearer auth first.
      return { token: { token: conn.apiKey ?? '' }, authSchemePreference: ['httpBearerAuth'] };
    case 'profile':
      return aws.profile !== undefined ? { profile: aws.profile } : {};
  }
}

function common(conn: ResolvedConnection, endpoint: string | undefined): Record<string, unknown> {
  return {
    region: conn.aws!.region,
    ...(endpoint !== undefined && { endpoint }),
    maxAttempts: conn.maxRetries + 1,
    logger: SILENT,
    ...credentialOptions(conn),
  };
}

/** The runtime client (HTTP/2, as the SDK speaks it); `requestTimeout` is the idle timeout. */
export function runtimeClient(conn: ResolvedConnection): BedrockRuntimeClient {
  return cachedClient(
    'bedrock-runtime',
    conn,
    (c) =>
      new BedrockRuntimeClient({
        ...common(c, endpointsOf(c).runtime),
        requestHandler: { requestTimeout: c.timeoutMs },
      }),
  );
}

/** The control-plane client (HTTP/1.1). */
export function controlClient(conn: ResolvedConnection): BedrockClient {
  return cachedClient(
    `bedrock-control`,
    { ...conn, id: `${conn.id}#control` },
    (c) =>
      new BedrockClient({
        ...common(c, endpointsOf(c).control),
        requestHandler: { requestTimeout: c.timeoutMs, connectionTimeout: Math.min(c.timeoutMs, 10_000) },
      }),
  );
}
