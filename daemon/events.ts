/** Broadcasts events to the clients that subscribed to them (`events/subscribe`). */
import type {
  BudgetWarningParams,
  ConnectionsChangedParams,
  ConnectionsStatusChangedParams,
  ConnectionsTestedParams,
  EventName,
  NotificationType,
  QuotaWarningParams,
} from '../shared/protocol';
import {
  BudgetWarning,
  ConnectionsChanged,
  ConnectionsStatusChanged,
  ConnectionsTested,
  QuotaWarning,
} from '../shared/protocol';

/**
 * A connected client as events see it (rpc/session.ts's ClientSession is one). Declared here, so the
 * services that announce events do not depend on the RPC layer that carries them.
 */
export interface EventSubscriber {
  /** Events this client asked for with `events/subscribe`. */
  readonly subscriptions: ReadonlySet<EventName>;
  notify<P>(descriptor: NotificationType<P>, params: P): void;
}

export class EventHub {
  private readonly internal: Array<(params: ConnectionsChangedParams) => void> = [];
  private readonly tested: Array<(params: ConnectionsTestedParams) => void> = [];

  constructor(private readonly sessions: () => Iterable<EventSubscriber>) {}

  /** Lets a daemon component react to connection changes (e.g. drop a cached model list). */
  onConnectionChanged(listener: (params: ConnectionsChangedParams) => void): void {
    this.internal.push(listener);
  }

  connectionChanged(params: ConnectionsChangedParams): void {
    for (const listener of this.internal) listener(params);
    for (const s of this.sessions())
      if (s.subscriptions.has('connections/changed')) s.notify(ConnectionsChanged, params);
  }

  /** Lets a daemon component react to a stored test result (e.g. keep its history). */
  onConnectionTested(listener: (params: ConnectionsTestedParams) => void): void {
    this.tested.push(listener);
  }

  connectionTested(params: ConnectionsTestedParams): void {
    for (const listener of this.tested) listener(params);
    for (const s of this.sessions()) if (s.subscriptions.has('connections/tested')) s.notify(ConnectionsTested, params);
  }

  /** A test changed a connection's status: sent once per change. */
  connectionStatusChanged(params: ConnectionsStatusChangedParams): void {
    for (const s of this.sessions())
      if (s.subscriptions.has('connections/statusChanged')) s.notify(ConnectionsStatusChanged, params);
  }

  /** A connection reached 80% of its budget for the period. */
  budgetWarning(params: BudgetWarningParams): void {
    for (const s of this.sessions()) if (s.subscriptions.has('usage/budgetWarning')) s.notify(BudgetWarning, params);
  }

  /** A capacity limit of a connection passed 80% used: sent once per crossing. */
  quotaWarning(params: QuotaWarningParams): void {
    for (const s of this.sessions())
      if (s.subscriptions.has('connections/quotaWarning')) s.notify(QuotaWarning, params);
  }
}
