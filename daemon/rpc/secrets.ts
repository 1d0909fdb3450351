/** `secrets/*` handlers: how an editor hands keys from its own secret storage to the daemon's memory. */
import { SecretsClear, SecretsSet } from '../../shared/protocol';
import type { DaemonContext } from '../context';
import type { Router } from './router';

export function registerSecretHandlers(router: Router, ctx: DaemonContext): void {
  router.on(SecretsSet, async ({ connectionId, apiKey }, { session }) => ({ connection: await ctx.connections.setMemoryKey(connectionId, apiKey, session.clientName) }));
  router.on(SecretsClear, async ({ connectionId }, { session }) => ({ connection: await ctx.connections.clearKey(connectionId, session.clientName) }));
}
