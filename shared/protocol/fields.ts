/**
 * Field schemas shared by several methods. Every bound here is what a person would hit with a typo
 * or a paste gone wrong, and each failure message names what is expected.
 */
import { z } from 'zod';

/** A connection or provider id, as the daemon generates them or a user names a provider. */
export const Id = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

/** An http(s) URL. Keys go in headers, never URLs, so credentials in the URL are refused too. */
export const HttpUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without credentials, e.g. https://api.openai.com/v1');

/** A model id as the provider spells it. */
export const ModelId = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

/** An API key. Bounded and single-line: a pasted newline is a mistake, not part of a key. */
export const ApiKey = z
  .string()
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters')
  .refine((value) => !/[\s]/.test(value), 'must not contain spaces or line breaks (check for a stray newline when pasting)');

/** Where the daemon finds a connection's key. */
export const KeySource = z.union([
  z.literal('vault'),
  z.literal('memory'),
  z.literal('none'),
  z.string().regex(/^env:[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be vault, memory, none, or env:NAME with NAME a valid environment variable name'),
]);
/** Where the daemon finds a connection's key: `vault` (encrypted file), `memory` (pushed by a client with secrets/set, held in memory only), `env:NAME`, or `none`. */
export type KeySource = z.infer<typeof KeySource>;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/** Headers the daemon sets itself; a user header must not override auth. */
const RESERVED_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'host', 'content-length', 'content-type', 'connection', 'transfer-encoding']);

/** Extra HTTP headers sent with every upstream request of a connection. */
export const Headers = z
  .record(z.string(), z.string().max(8192, 'header values must be at most 8192 characters').refine((v) => !/[\r\n\0]/.test(v), 'header values must not contain line breaks'))
  .refine((h) => Object.keys(h).length <= 32, 'at most 32 headers')
  .superRefine((h, ctx) => {
    for (const name of Object.keys(h)) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', message: `"${name.slice(0, 40)}" is not a valid header name`, path: [name] });
      else if (RESERVED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', message: `"${name}" is set by Switchboard itself; put the key in the API key field`, path: [name] });
    }
  });

/** A message of a chat. */
export const ChatMessage = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(4_000_000, 'a message must be at most 4,000,000 characters'),
});
/** A message of a chat. */
export type ChatMessage = z.infer<typeof ChatMessage>;
