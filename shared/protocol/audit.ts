/**
 * `audit/list`: the append-only record of what happened to connections — changes, tests, and keys a
 * provider refused — filtered by connection, kind and time. No entry ever holds a secret.
 */
import { z } from 'zod';
import { Id } from './fields';

/** Every kind of audit entry, in one list: the schema of `audit/list`'s filter is built from it. */
export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'setDefault',
  'setKey',
  'clearKey',
  'rotateKey',
  'providerUpsert',
  'providerDelete',
  'settingsUpdate',
  'priceSet',
  'modelFactsSet',
  'tokenCreate',
  'tokenRevoke',
  /** A connection test ran (by hand or on schedule): details say how it went. */
  'connectionTest',
  /** A provider refused a connection's key (401 or 403) during a chat or a test: details say where. */
  'keyRejected',
] as const;

/** What an audit entry records. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `details` of a `connectionTest` entry. */
export interface AuditTestDetails {
  /** What ran it: a client (`manual`) or the daemon's schedule. */
  trigger: 'manual' | 'scheduled';
  status: 'ok' | 'warning' | 'error';
  /** The first stage that failed or warned; absent when every stage passed. */
  stage?: string;
  /** That stage's reason, or the test's summary when every stage passed. */
  reason: string;
  durationMs: number;
}

/** `details` of a `keyRejected` entry: where the refusal happened and what the provider answered. Never the key. */
export interface AuditKeyRejectedDetails {
  /** The HTTP status the provider answered: 401 (key not accepted) or 403 (key lacks access). */
  status: 401 | 403;
  /**
   * Where the key was used: `chat/stream` (JSON-RPC), an HTTP route such as `POST /v1/chat/completions`,
   * or `connection test` / `scheduled test`.
   */
  surface: string;
  /** The model asked for, when there was one. */
  model?: string;
}

/** An entry of the append-only audit log. Never holds a key. */
export interface AuditEntry {
  at: string;
  /** The client name given in `daemon/hello`, `http` or a tool token's name for the HTTP API, `scheduler`, or `unknown`. */
  client: string;
  action: AuditAction;
  connectionId?: string;
  name?: string;
  /**
   * Changes: which fields changed (names only), key fingerprint before/after for key changes.
   * `connectionTest`: {@link AuditTestDetails}. `keyRejected`: {@link AuditKeyRejectedDetails}.
   */
  details?: Record<string, unknown>;
}

/** Params of `audit/list`: every filter is optional, and they combine (an entry must match all given). */
export const AuditListParams = z
  .strictObject({
    /** The newest this many matching entries (default 100). */
    limit: z.int().min(1).max(10_000).optional(),
    /** Only entries about this connection (by id). */
    connectionId: Id.optional(),
    /** Only entries of these kinds. */
    actions: z.array(z.enum(AUDIT_ACTIONS)).min(1).max(AUDIT_ACTIONS.length).optional(),
    /** Only entries at or after this ISO time (e.g. `2026-12-01T00:00:00Z`). */
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .optional();
