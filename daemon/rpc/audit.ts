/** `audit/list`: the newest entries of the append-only audit log, narrowed by connection, kind and time. */
import { AuditList } from '../../shared/protocol';
import { DEFAULT_AUDIT_LIMIT, type AuditLog } from '../store/auditLog';
import type { Router } from './router';

export interface AuditHandlerDeps {
  audit: AuditLog;
}

export function registerAuditHandlers(router: Router, deps: AuditHandlerDeps): void {
  router.on(AuditList, async (params) => ({
    entries: await deps.audit.list(params?.limit ?? DEFAULT_AUDIT_LIMIT, {
      connectionId: params?.connectionId,
      actions: params?.actions,
      since: params?.since,
    }),
  }));
}
