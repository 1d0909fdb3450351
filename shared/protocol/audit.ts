/** `audit/list`: the append-only record of who changed what. */
import { z } from 'zod';

/** An entry of the append-only audit log. Never holds a key. */
export interface AuditEntry {
  at: string;
  /** The client name given in `daemon/hello`, or `unknown`. */
  client: string;
  action:
    | 'create'
    | 'update'
    | 'delete'
    | 'setDefault'
    | 'setKey'
    | 'clearKey'
    | 'rotateKey'
    | 'providerUpsert'
    | 'providerDelete'
    | 'settingsUpdate'
    | 'priceSet'
    | 'modelFactsSet'
    | 'tokenCreate'
    | 'tokenRevoke';
  connectionId?: string;
  name?: string;
  /** Which fields changed (names only), key fingerprint before/after for key changes. */
  details?: Record<string, unknown>;
}

/** Params of `audit/list`. */
export const AuditListParams = z.strictObject({ limit: z.int().min(1).max(10_000).optional() }).optional();
