/** `audit/list`: the append-only record of who changed what. */
import { z } from 'zod';
import { request, result } from './rpc';
import type { AuditEntry } from './types';

/** The newest audit entries, newest last. */
export const AuditList = request('audit/list', z.strictObject({ limit: z.int().min(1).max(10_000).optional() }).optional(), result<{ entries: AuditEntry[] }>());
