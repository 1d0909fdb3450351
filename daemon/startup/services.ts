/**
 * Step 2 of starting: build the services over the stores and wire the reactions between them
 * (a changed connection drops its cached models, client and limit counters).
 */
import { ActivityAudit } from '../audit/activityAudit';
import { ChatService } from '../chat/chatService';
import { StreamRegistry } from '../chat/streamRegistry';
import { keyRejectedInChat } from '../connectionTests/keyRejectedInChat';
import { TestScheduler } from '../connectionTests/scheduler';
import { ProviderCatalog } from '../catalog/providerCatalog';
import { TestHistory } from '../connectionTests/testHistory';
import { ConnectionService } from '../connections/service';
import { EventHub } from '../events';
import { LimitsAdmission } from '../limits/admission';
import { DiscoveredCapacityRecorder } from '../limits/discoveredCapacity';
import { providerQuota } from '../limits/quotaStatus';
import type { Logger } from '../log';
import { ModelCache } from '../models/modelCache';
import { PriceBook } from '../pricing/priceBook';
import { FactBook } from '../models/factBook';
import { adapterFor, invalidateClient, setRateLimitListener, toSwitchboardError } from '../providers/registry';
import type { ClientSession } from '../rpc/session';
import { SettingsStore } from '../settings/settingsStore';
import { ToolTokens } from '../tokens/toolTokens';
import type { UsageLedger } from '../usage/ledger';
import type { Cleanups } from './cleanups';
import type { ServerLimits } from './serverLimits';
import type { Stores } from './stores';

export interface Services {
  events: EventHub;
  providers: ProviderCatalog;
  connections: ConnectionService;
  settings: SettingsStore;
  models: ModelCache;
  ledger: UsageLedger;
  pricing: PriceBook;
  /** Model facts: the catalog's, the user's over them. */
  facts: FactBook;
  admission: LimitsAdmission;
  /** The rate limits upstreams report, recorded on their connections once per turn (flush before showing them). */
  rateLimits: DiscoveredCapacityRecorder;
  streams: StreamRegistry;
  chat: ChatService;
  scheduler: TestScheduler;
  /** The last test results of each connection. */
  testHistory: TestHistory;
  /** Writes tests and refused keys to the audit log. */
  activity: ActivityAudit;
  tokens: ToolTokens;
}

export interface ServiceOptions {
  log: Logger;
  limits: ServerLimits;
  /** The clients connected now (events go to those that subscribed). */
  sessions: () => Iterable<ClientSession>;
  /** The daemon's own TCP ports (a connection must not lead back to them). */
  ownPorts: () => number[];
}

export async function buildServices(
  { db, audit, ledger, vault, keyring }: Stores,
  { log, limits, sessions, ownPorts }: ServiceOptions,
  cleanups: Cleanups,
): Promise<Services> {
  const events = new EventHub(sessions);
  const providers = new ProviderCatalog(db);
  const connections = new ConnectionService({ db, audit, vault, keyring, events, providers, ownPorts });
  await connections.secureStoredHeaders(log);
  const settings = new SettingsStore(db);

  const models = new ModelCache({
    db,
    settings,
    log,
    adapterFor,
    resolve: (id) => connections.upstreamFor(connections.stored(id)),
  });
  cleanups.push(() => models.close());
  // A new URL, provider or key may offer other models; a deleted connection needs no list.
  events.onConnectionChanged(({ kind, id }) => {
    if (kind !== 'defaultChanged') models.forget(id);
    if (kind !== 'created') invalidateClient(id);
  });

  // Tests and refused keys, beside the changes the services write themselves.
  const activity = new ActivityAudit(audit, log, (id) => connections.find(id)?.name);

  const pricing = new PriceBook(db, providers);
  const admission = new LimitsAdmission({ db, connections, ledger, pricing, events, log });
  // A deleted connection's counters go; changed limits may let queued requests in sooner.
  events.onConnectionChanged(({ kind, id }) => (kind === 'deleted' ? admission.forget(id) : admission.reconsider(id)));

  // Rate limits come from chat streams (their rateLimits chunk) and from every other answer (429s, model lists).
  // What the provider reports may pass 80% of its own limits: warn once, as for configured limits.
  // Coalesced: the latest report of each connection is recorded once per event-loop turn.
  const rateLimits = new DiscoveredCapacityRecorder({
    db,
    log,
    onRecorded: (id, capacity) => {
      try {
        const conn = connections.find(id);
        if (conn) admission.quotaWarnings.checkProvider(conn, providerQuota(capacity));
      } catch (error) {
        log.warn('could not check the provider quota warning', { error, connectionId: id });
      }
    },
  });
  // Runs after the listener is gone and before the store's final flush (cleanups run last-added first).
  cleanups.push(() => rateLimits.flush());
  setRateLimitListener(rateLimits.record);
  cleanups.push(() => setRateLimitListener(undefined));

  const chat = new ChatService({
    connections,
    providers,
    adapterFor: (conn) => adapterFor(conn.provider),
    toSwitchboardError,
    ledger,
    log,
    pricing,
    admission,
    onRateLimits: rateLimits.record,
    onKeyRejected: (id, { status, hadKey, model, origin }) => {
      activity.keyRejected(id, { status, surface: origin?.surface ?? 'chat', model }, origin?.client ?? 'unknown');
      // A 401 during a chat marks the connection failing at authentication, as a test would.
      // (A 403 may concern one model only: the connection is not marked failing for it.)
      if (status !== 401) return;
      const stored = connections.find(id);
      const provider = stored && providers.find(stored.provider);
      if (provider)
        connections
          .recordTest(id, keyRejectedInChat(provider, hadKey), 'chat')
          .catch((error: unknown) => log.warn('could not record a rejected key', { error }));
    },
  });
  const testHistory = new TestHistory(db, events);
  const scheduler = new TestScheduler({
    settings,
    log,
    connections,
    providers,
    adapterFor,
    models,
    activity,
    ...(limits.testPaceMs !== undefined && { firstRunDelayMs: limits.testPaceMs, staggerMs: limits.testPaceMs }),
  });
  cleanups.push(() => scheduler.stop());

  const tokens = new ToolTokens({ db, audit });
  // A revoked token's open sockets close at once (its HTTP requests are refused from the next one).
  tokens.onRevoked((tokenId) => {
    for (const session of sessions())
      if (session.caller.kind === 'tool' && session.caller.tokenId === tokenId)
        session.disconnect(4401, 'tool token revoked');
  });

  return {
    events,
    providers,
    connections,
    settings,
    models,
    ledger,
    pricing,
    facts: new FactBook(db, providers),
    admission,
    rateLimits,
    streams: new StreamRegistry(limits.streams),
    chat,
    scheduler,
    testHistory,
    activity,
    tokens,
  };
}
