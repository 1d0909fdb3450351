/** Step 3 of starting: every JSON-RPC method's handler, each area given only what it uses. */
import { registerAuditHandlers } from '../rpc/audit';
import { registerBudgetHandlers } from '../rpc/budgets';
import { registerChatHandlers } from '../rpc/chat';
import { registerConnectionTestHandlers } from '../rpc/connectionTests';
import { registerConnectionHandlers } from '../rpc/connections';
import { registerDaemonHandlers, type DaemonHandlerDeps } from '../rpc/daemon';
import { registerEventHandlers } from '../rpc/events';
import { registerModelHandlers } from '../rpc/models';
import { registerPriceHandlers } from '../rpc/prices';
import { registerProviderHandlers } from '../rpc/providers';
import { registerQuotaHandlers } from '../rpc/quota';
import type { Router } from '../rpc/router';
import { registerSecretHandlers } from '../rpc/secrets';
import { registerSettingsHandlers } from '../rpc/settings';
import { registerSignInHandlers } from '../rpc/signIn';
import { registerTransferHandlers } from '../rpc/transfer';
import { settingsAccess } from '../transfer/settingsAccess';
import { registerTokenHandlers } from '../rpc/tokens';
import { registerUsageHandlers } from '../rpc/usage';
import { adapterFor } from '../providers/registry';
import type { Services } from './services';
import type { Stores } from './stores';

export function registerHandlers(
  router: Router,
  { audit }: Stores,
  s: Services,
  daemon: Omit<DaemonHandlerDeps, 'activeStreams' | 'connectionCount'>,
): void {
  registerDaemonHandlers(router, {
    ...daemon,
    activeStreams: () => s.streams.size,
    connectionCount: () => s.connections.count(),
  });
  // Reads showing discovered capacity first record the rate limits reported this turn.
  const settleRateLimits = () => s.rateLimits.flush();
  registerConnectionHandlers(router, { connections: s.connections, settleRateLimits });
  registerConnectionTestHandlers(router, {
    connections: s.connections,
    providers: s.providers,
    adapterFor,
    models: s.models,
    testHistory: s.testHistory,
    activity: s.activity,
  });
  registerProviderHandlers(router, { providers: s.providers, audit });
  registerSecretHandlers(router, { connections: s.connections });
  registerSignInHandlers(router, { connections: s.connections });
  registerEventHandlers(router);
  registerAuditHandlers(router, { audit });
  registerSettingsHandlers(router, { settings: s.settings, audit, onSettingsChanged: () => s.scheduler.reschedule() });
  registerChatHandlers(router, { chat: s.chat, streams: s.streams });
  registerModelHandlers(router, { connections: s.connections, models: s.models, facts: s.facts, audit });
  registerUsageHandlers(router, { ledger: s.ledger });
  registerBudgetHandlers(router, { connections: s.connections, budgets: s.admission.budgets });
  registerQuotaHandlers(router, { connections: s.connections, admission: s.admission, settleRateLimits });
  registerPriceHandlers(router, { prices: s.pricing, audit });
  registerTransferHandlers(router, {
    version: daemon.version,
    connections: s.connections,
    providers: s.providers,
    prices: s.pricing,
    settings: settingsAccess(s.settings, audit, () => s.scheduler.reschedule()),
  });
  registerTokenHandlers(router, { tokens: s.tokens, budgets: s.admission.budgets });
}
