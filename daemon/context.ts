/** Everything a handler may use, owned by the running daemon. Built once in `daemon.ts`. */
import type { ConnectionService } from './connections/service';
import type { ProviderCatalog } from './connections/providerCatalog';
import type { EventHub } from './events';
import type { HomePaths } from './home/paths';
import type { Keyring } from './keys/keyring';
import type { Logger } from './log';
import type { ClientSession } from './rpc/session';
import type { AuditLog } from './store/auditLog';
import type { Database } from './store/database';

export interface DaemonContext {
  readonly version: string;
  readonly startedAt: Date;
  readonly paths: HomePaths;
  readonly log: Logger;
  readonly db: Database;
  readonly audit: AuditLog;
  readonly keyring: Keyring;
  readonly events: EventHub;
  readonly connections: ConnectionService;
  readonly providers: ProviderCatalog;
  /** The clients connected now. */
  sessions(): ReadonlySet<ClientSession>;
  /** Where the daemon listens. */
  listening(): { socket: string; port: number };
  /** Starts a clean shutdown after the current response is sent. */
  requestShutdown(reason: string): void;
}
