/**
 * What the audit log records besides changes: each test of a saved connection (how it went, the
 * stage that decided it and why) and each time a provider refused a connection's key (401/403),
 * with where it happened. A person asking "why did this stop working, and since when?" reads both.
 *
 * Writes are fire-and-forget: a test or a chat has already happened, and a full disk must not turn
 * it into a failure. Entries hold names, statuses and our own reasons, never a key; the audit log
 * redacts every entry again before it is written.
 */
import type { AuditKeyRejectedDetails, AuditTestDetails, TestResult, TestTrigger } from '../../shared/protocol';
import { entryOf } from '../connectionTests/testHistory';
import type { Logger } from '../log';
import type { AuditLog } from '../store/auditLog';

/** Where a request came in and who sent it, as an audit entry names them. */
export interface RequestOrigin {
  /** `chat/stream`, or an HTTP route such as `POST /v1/chat/completions`. */
  surface: string;
  /** The client name from `daemon/hello`, or who called the HTTP API. */
  client: string;
}

export class ActivityAudit {
  constructor(
    private readonly audit: AuditLog,
    private readonly log: Logger,
    /** The connection's name now (entries keep it, so they still read well after a rename or delete). */
    private readonly nameOf: (connectionId: string) => string | undefined,
  ) {}

  /** A test of a saved connection finished. Tests a chat stood in for (trigger `chat`) are `keyRejected` entries instead. */
  tested(connectionId: string, result: TestResult, trigger: TestTrigger, client: string): void {
    if (trigger === 'chat') return;
    const { status, stage, reason, durationMs } = entryOf(result, trigger);
    const details: AuditTestDetails = { trigger, status, ...(stage !== undefined && { stage }), reason, durationMs };
    this.write({ client, action: 'connectionTest', connectionId, details: { ...details } });
  }

  /** The provider refused the connection's key (401 or 403). */
  keyRejected(connectionId: string, details: AuditKeyRejectedDetails, client: string): void {
    this.write({ client, action: 'keyRejected', connectionId, details: { ...details } });
  }

  private write(entry: {
    client: string;
    action: 'connectionTest' | 'keyRejected';
    connectionId: string;
    details: Record<string, unknown>;
  }): void {
    const name = this.nameOf(entry.connectionId);
    this.audit
      .append({ ...entry, ...(name !== undefined && { name }) })
      .catch((error: unknown) =>
        this.log.warn(`Could not write a ${entry.action} entry to the audit log: ${(error as Error).message}`),
      );
  }
}
