/** `secrets/*` handlers: how an editor hands keys from its own secret storage to the daemon's memory. */
import { SecretsClear, SecretsSet } from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import type { Router } from './router';

export interface SecretHandlerDeps {
  connections: ConnectionService;
}

export function registerSecretHandlers(router: Router, deps: SecretHandlerDeps): void {
  router.on(SecretsSet, async ({ connectionId, apiKey }, { session }) => ({
    connection: await deps.connections.setMemoryKey(connectionId, apiKey, session.clientName),
  }));
  router.on(SecretsClear, async ({ connectionId }, { session }) => ({
    connection: await deps.connections.clearKey(connectionId, session.clientName),
  }));
}
