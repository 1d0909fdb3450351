/** Broadcasts events to the clients that subscribed to them (`events/subscribe`). */
import type { ConnectionsChangedParams, ConnectionsTestedParams } from '../shared/protocol';
import { ConnectionsChanged, ConnectionsTested } from '../shared/protocol';
import type { ClientSession } from './rpc/session';

export class EventHub {
  constructor(private readonly sessions: () => Iterable<ClientSession>) {}

  connectionChanged(params: ConnectionsChangedParams): void {
    for (const s of this.sessions()) if (s.subscriptions.has('connections/changed')) s.notify(ConnectionsChanged, params);
  }

  connectionTested(params: ConnectionsTestedParams): void {
    for (const s of this.sessions()) if (s.subscriptions.has('connections/tested')) s.notify(ConnectionsTested, params);
  }
}
