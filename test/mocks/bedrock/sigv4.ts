/**
 * Checks a request's AWS Signature Version 4 the way AWS does: the `Authorization` header's
 * credential scope (access key id, date, region, service) and the signature itself, recomputed
 * from the canonical request with the secret the mock knows for that access key id. A test that
 * passes through the mock therefore proves the right secret signed for the right region and
 * service — not just that some header was present.
 */
import { createHash, createHmac } from 'node:crypto';

export interface SigV4Header {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/;

/** The parts of a SigV4 `Authorization` header, or undefined when it is not one. */
export function parseSigV4(authorization: string | undefined): SigV4Header | undefined {
  const m = AUTH.exec(authorization ?? '');
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
  };
}

/** RFC 3986 encoding, as SigV4's canonical URI and query use it. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The signature AWS would compute for this request. Non-S3 services sign the path encoded twice:
 * each segment as received (already encoded once by the client) is encoded again.
 */
export function expectedSignature(
  req: { method: string; url: string; headers: Record<string, string>; body: Buffer },
  auth: SigV4Header,
  secretAccessKey: string,
): string {
  const url = new URL(req.url, 'http://mock');
  const canonicalUri = url.pathname
    .split('/')
    .map((segment) => encodeRfc3986(segment))
    .join('/');
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = auth.signedHeaders
    .map((name) => `${name}:${(req.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = req.headers['x-amz-content-sha256'] ?? createHash('sha256').update(req.body).digest('hex');
  const canonical = [req.method, canonicalUri, query, canonicalHeaders, auth.signedHeaders.join(';'), payloadHash].join(
    '\n',
  );
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    req.headers['x-amz-date'] ?? '',
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secretAccessKey}`).update(auth.date).digest();
  for (const part of [auth.region, auth.service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}
