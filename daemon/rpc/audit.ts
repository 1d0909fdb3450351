/** `audit/list`: the newest entries of the append-only audit log. */
import { AuditList } from '../../shared/protocol';
import type { AuditLog } from '../store/auditLog';
import type { Router } from './router';

export interface AuditHandlerDeps {
  audit: AuditLog;
}

export function registerAuditHandlers(router: Router, deps: AuditHandlerDeps): void {
  router.on(AuditList, async (params) => ({ entries: await deps.audit.list(params?.limit ?? 100) }));
}
