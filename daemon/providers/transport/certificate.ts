/**
 * TLS certificate failures. Retrying cannot fix one (the same server presents the same
 * certificate), so neither path retries it, and each kind gets its own plain sentence: not
 * trusted, not valid today, not for this host.
 *
 * The SDKs retry every failed fetch, whatever threw. So the fetch they are given answers a
 * certificate failure with {@link certificateAnswer}: a 495 ("SSL Certificate Error") with
 * `x-should-retry: false`, which both SDKs obey before they look at the status, and which the
 * error mapping (upstreamErrors.ts) turns back into the certificate's sentence.
 */

const TRUST = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
]);
const DATES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const NAME = 'ERR_TLS_CERT_ALTNAME_INVALID';

/** The status of the stand-in answer, and the error type in its body. */
export const CERTIFICATE_STATUS = 495;
export const CERTIFICATE_ERROR_TYPE = 'switchboard_certificate_error';

/** True for the error codes of a certificate that failed verification. */
export function isCertificateError(code: string | undefined): code is string {
  return code !== undefined && (TRUST.has(code) || DATES.has(code) || code === NAME || /CERT/.test(code));
}

/** What is wrong with the certificate of `host`, in a sentence, and what to do; undefined when `code` is not a certificate's. */
export function certificateProblem(
  code: string | undefined,
  host: string,
): { reason: string; short: string } | undefined {
  if (!isCertificateError(code)) return undefined;
  if (TRUST.has(code)) {
    return {
      reason: `The TLS certificate of ${host} is not trusted (${code}): if this is your own server with a private CA, give the daemon that CA with NODE_EXTRA_CA_CERTS.`,
      short: 'TLS certificate not trusted',
    };
  }
  if (DATES.has(code)) {
    return {
      reason: `The TLS certificate of ${host} is not valid today (${code}): the server's certificate must be renewed, or the system clock is wrong.`,
      short: 'TLS certificate expired',
    };
  }
  if (code === NAME)
    return {
      reason: `The TLS certificate presented by ${host} is not for that host name (${code}): check the host name in the base URL.`,
      short: 'TLS certificate name mismatch',
    };
  return {
    reason: `The TLS certificate of ${host} was refused (${code}): check the server's certificate.`,
    short: 'TLS certificate refused',
  };
}

/** The first `code` on an error or its causes. */
export function codeOf(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 6 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The answer a fetch gives the SDKs instead of throwing a certificate failure `code` (see above). */
export function certificateAnswer(code: string): Response {
  const body = JSON.stringify({
    error: { type: CERTIFICATE_ERROR_TYPE, code, message: `TLS certificate verification failed (${code})` },
  });
  return new Response(body, {
    status: CERTIFICATE_STATUS,
    headers: { 'content-type': 'application/json', 'x-should-retry': 'false' },
  });
}
