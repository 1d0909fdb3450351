/**
 * `tokens/*`: tool tokens. The owner token in `daemon.json` can do everything; a tool (an editor
 * plugin, an agent, a script) gets a token of its own instead, which works only on the inference
 * endpoints (HTTP `/v1/*`; over JSON-RPC `chat/stream`, `chat/cancel`, `models/list`,
 * `connections/list`), only for the connections it names, within its own budget and until it
 * expires. The daemon keeps only the token's SHA-256: the token itself is shown once, in the result
 * of `tokens/create`, and can never be read back. Managing tokens needs the owner token.
 */
import { z } from 'zod';
import { Budget, Id } from './fields';

/** A tool token's name, e.g. the tool it is for (`cline`, `aider`). Unique, case-insensitively. */
export const TokenName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\s/\\][^/\\]*$/, 'must not start with a space and must not contain / or \\');

/** A tool token as listed: everything but the token itself, which the daemon does not keep. */
export interface ToolToken {
  /** `tok_…`, generated. */
  id: string;
  name: string;
  /** First 8 hex characters of the token's SHA-256: tells tokens apart without revealing them. */
  fingerprint: string;
  /** Ids of the connections the token may use; absent: every connection. */
  connections?: string[];
  /** The token's own spending cap, counted over the requests made with it. */
  budget?: Budget;
  /** ISO time after which the token is refused; absent: it never expires. */
  expiresAt?: string;
  createdAt: string;
  /** ISO time of the last request made with it (updated at most once a minute); absent: never used. */
  lastUsedAt?: string;
  /** What the token has spent in its budget's current period (present with `budget`). */
  spentUsd?: number;
}

/** Params of `tokens/create`. */
export const TokensCreateParams = z.strictObject({
  name: TokenName,
  /** Ids of the connections the token may use (at least one); omit for every connection. */
  connections: z.array(Id).min(1, 'name at least one connection, or omit connections for all').max(64).optional(),
  /** A spending cap for this token alone, e.g. `{period: "month", amount: 20}`. */
  budget: Budget.optional(),
  /** ISO date-time after which the token stops working; must be in the future. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
/** Params of `tokens/create`. */
export type TokensCreateParams = z.infer<typeof TokensCreateParams>;

/** Result of `tokens/create`. */
export interface TokensCreateResult {
  token: ToolToken;
  /**
   * The token itself (`sbt_…`). Shown this once: the daemon stores only its hash. Give it to the
   * tool as its API key (`Authorization: Bearer …`, or `x-api-key` for Anthropic clients).
   */
  secret: string;
}

/** Params of `tokens/revoke`. */
export const TokensRevokeParams = z.strictObject({ id: Id });
/** Params of `tokens/revoke`. */
export type TokensRevokeParams = z.infer<typeof TokensRevokeParams>;
