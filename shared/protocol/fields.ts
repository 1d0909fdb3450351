/**
 * Field schemas shared by several methods. Every bound here is what a person would hit with a typo
 * or a paste gone wrong, and each failure message names what is expected.
 */
import { z } from 'zod';
import { HEADER_NAME_PATTERN, headerNameProblem } from '../rules/connectionFields';
import { apiKeyProblem, headerValueProblem, modelIdProblem } from '../rules/inputRules';
import { authHeaderNameProblem, authPrefixProblem } from '../rules/providerFields';

/** A refinement from one of the pure rules in inputRules.ts: the rule's own words become the issue's message. */
function rule(problem: (value: string) => string | undefined) {
  return (value: string, ctx: z.RefinementCtx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  };
}

/** A connection or provider id, as the daemon generates them or a user names a provider. */
export const Id = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

/** Whether `value` is an http(s) URL with no credentials in it (keys go in headers, never URLs). */
function isHttpUrlWithoutCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** An http(s) URL. Keys go in headers, never URLs, so credentials in the URL are refused too. */
export const HttpUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine(
    isHttpUrlWithoutCredentials,
    'must be an http:// or https:// URL without credentials, e.g. https://api.openai.com/v1',
  );

/**
 * Whether `value` can be a connection's base URL: an {@link HttpUrl} with no query or fragment. The
 * SDKs append each endpoint's path to the base URL as text, so `…/v1?x=1` would send
 * `/v1?x=1/chat/completions` — it can never work — and a key put there would be stored in plain
 * text; keys belong in the key field, other values in headers.
 */
export function isUsableBaseUrl(value: string): boolean {
  return isHttpUrlWithoutCredentials(value) && !value.includes('?') && !value.includes('#');
}

/** A connection's base URL (see {@link isUsableBaseUrl}). */
export const BaseUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine(
    isUsableBaseUrl,
    'must be an http:// or https:// URL without credentials, query (?…) or fragment (#…), e.g. https://api.openai.com/v1. Put a key in the key field and other values in headers',
  );

/** A model id as the provider spells it: no whitespace or control characters (see `modelIdProblem` in shared/rules/inputRules.ts). */
export const ModelId = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .superRefine(rule(modelIdProblem));

/**
 * The shortest key accepted. Real keys are 20+ characters; a shorter one is a mistake (a partial
 * paste, a placeholder) and, being short, cannot be scrubbed reliably from the text around it.
 * Local servers that want "any key" accept an 8-character one as well.
 */
export const MIN_API_KEY_LENGTH = 8;

/**
 * An API key. Bounded, one token, and sendable in an HTTP header (ASCII and Latin-1 only): a pasted
 * newline or a character like "к" is a mistake, not part of a key (see `apiKeyProblem`).
 */
export const ApiKey = z
  .string()
  .min(1, 'must not be empty')
  .min(
    MIN_API_KEY_LENGTH,
    `must be at least ${MIN_API_KEY_LENGTH} characters: real API keys are longer, so check that the whole key was pasted`,
  )
  .max(4096, 'must be at most 4096 characters')
  .superRefine(rule(apiKeyProblem));

/** A value sent as an HTTP header: ASCII and Latin-1, no line breaks or control characters (see `headerValueProblem`). */
export const HeaderValue = z
  .string()
  .max(8192, 'header values must be at most 8192 characters')
  .superRefine(rule(headerValueProblem));

/** The header a provider's key is sent in (`api-key`, `Authorization`…; see `authHeaderNameProblem`). */
export const AuthHeaderName = z.string().superRefine(rule(authHeaderNameProblem));

/** One word sent before the key in its header, e.g. `Token` (see `authPrefixProblem`). */
export const AuthPrefix = z
  .string()
  .min(1, 'must not be empty (leave it out to send the key alone)')
  .superRefine(rule(authPrefixProblem));

/** Where the daemon finds a connection's key. */
export const KeySource = z.union([
  z.literal('vault'),
  z.literal('memory'),
  z.literal('none'),
  z
    .string()
    .regex(
      /^env:[A-Za-z_][A-Za-z0-9_]{0,127}$/,
      'must be vault, memory, none, or env:NAME with NAME a valid environment variable name',
    ),
]);
/** Where the daemon finds a connection's key: `vault` (encrypted file), `memory` (pushed by a client with secrets/set, held in memory only), `env:NAME`, or `none`. */
export type KeySource = z.infer<typeof KeySource>;

/** Extra HTTP headers sent with every upstream request of a connection. */
export const Headers = z
  .record(
    z.string(),
    z
      .string()
      .max(8192, 'header values must be at most 8192 characters')
      .superRefine((value, ctx) => {
        // The mask stands for a stored secret value (kept as it is), not a value to send.
        if (value !== SECRET_HEADER_MASK) rule(headerValueProblem)(value, ctx);
      }),
  )
  .refine((h) => Object.keys(h).length <= 32, 'at most 32 headers')
  .superRefine((h, ctx) => {
    // The same rule (and words) as the connection form's, from shared/rules/connectionFields.ts.
    for (const name of Object.keys(h)) {
      const problem = headerNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [name] });
    }
  });

/**
 * What every response shows in place of a secret header's value (a header named in
 * `Connection.secretHeaders`). The value itself is kept in the daemon's encrypted vault, never in
 * `db.json`. Sent back unchanged as that header's value in `connections/update` `headers`, it keeps
 * the stored value, so a client can edit other headers and return the list as it got it.
 */
export const SECRET_HEADER_MASK = '••••••••';

/**
 * Names of headers whose values are credentials, on top of those the daemon recognises itself (a
 * name containing auth, key, token, secret, password, cookie, session, credential or signature, or a
 * value that looks like a key: `Bearer …`, `Basic …`, `sk-…`, one long token). Each must be one of
 * the connection's `headers`; case does not matter.
 */
export const SecretHeaderNames = z
  .array(z.string().regex(HEADER_NAME_PATTERN, 'must be a header name (letters, digits and -)'))
  .max(32, 'at most 32 names');

/** A window a capacity limit counts over. */
export const CapacityPeriod = z.enum(['minute', 'hour', 'day']);
/** A window a capacity limit counts over. */
export type CapacityPeriod = z.infer<typeof CapacityPeriod>;

/**
 * One capacity limit: at most `requests` requests and/or `tokens` tokens (input + output, as the
 * upstream reports them) per `period`. Limits refill continuously (a token bucket): 60 per minute
 * admits a burst of 60, then one more each second.
 */
export const CapacityLimit = z
  .strictObject({
    period: CapacityPeriod,
    requests: z.int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000).optional(),
    tokens: z.int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000_000).optional(),
  })
  .refine((l) => l.requests !== undefined || l.tokens !== undefined, 'give requests, tokens or both');
/** One capacity limit. */
export type CapacityLimit = z.infer<typeof CapacityLimit>;

/** A connection's capacity limits, at most one per period. */
export const Capacity = z
  .array(CapacityLimit)
  .max(3, 'at most one limit per period (minute, hour, day)')
  .refine(
    (limits) => new Set(limits.map((l) => l.period)).size === limits.length,
    'give at most one limit per period; put requests and tokens in the same entry',
  );

/** What a request that would exceed a capacity limit does: fail at once with RATE_LIMITED, or wait its turn. */
export const OnLimit = z.enum(['fail', 'queue']);
/** What a request that would exceed a capacity limit does. */
export type OnLimit = z.infer<typeof OnLimit>;

/** The longest a queued request waits (`onLimit: "queue"`) before it fails with RATE_LIMITED. */
export const MaxQueueWaitMs = z
  .int('must be a whole number of milliseconds')
  .min(0)
  .max(3_600_000, 'must be at most 3600000 ms (an hour)');

/** A spending budget in US dollars per UTC day or calendar month (UTC). */
export const Budget = z.strictObject({
  period: z.enum(['day', 'month']),
  amount: z.number().positive('must be more than 0').max(1_000_000_000),
});
/** A spending budget. */
export type Budget = z.infer<typeof Budget>;

/** Connections to try, in order, when this one fails before its first token (unreachable, rate-limited, timed out, 5xx, over its budget). */
export const Fallbacks = z.array(Id).max(8, 'at most 8 fallbacks');

/** Which model each fallback connection uses, by connection id; a fallback not named here uses its default model. */
export const FallbackModels = z.record(Id, ModelId).refine((m) => Object.keys(m).length <= 8, 'at most 8 entries');

/** A price in US dollars per million tokens. */
export const ModelPriceFields = z.strictObject({
  inputPerMTok: z.number().min(0).max(100_000),
  outputPerMTok: z.number().min(0).max(100_000),
});

/** Params of a method that takes none: an empty object, or no params at all. */
export const NoParams = z.strictObject({}).optional();

/**
 * What a connection says about itself: its purpose, who owns it, team notes. Plain text (line breaks
 * and tabs allowed, no other control characters), shown in tooltips and `connections show`.
 */
export const Description = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .refine(
    (v) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(v),
    'must not contain control characters (line breaks and tabs are fine)',
  );

/**
 * Generation defaults of a connection: applied to a request that does not set them itself, on every
 * path (JSON-RPC `chat/stream`, and the HTTP APIs: forwarded bodies get the missing member added,
 * every other byte as sent). A request's own value always wins.
 */
export const GenerationDefaults = z.strictObject({
  temperature: z.number().min(0, 'must be 0 or more').max(2, 'must be at most 2').optional(),
  maxTokens: z
    .int('must be a whole number of tokens')
    .min(1, 'must be at least 1')
    .max(1_000_000, 'must be at most 1000000')
    .optional(),
});
/** Generation defaults of a connection. */
export type GenerationDefaults = z.infer<typeof GenerationDefaults>;
