/**
 * The window's copy of the daemon's connections and provider catalog, which the tree, the status
 * bar and the commands render from. Loaded on every (re)connect and kept current by the daemon's
 * `connections/changed` and `connections/tested` events, so two windows (and the CLI) stay in sync.
 */
import * as vscode from 'vscode';
import {
  ConnectionsChanged,
  ConnectionsList,
  ConnectionsTested,
  ProvidersList,
  type Connection,
  type ConnectionsChangedParams,
  type ConnectionsTestedParams,
  type Provider,
} from '../../shared/protocol';
import type { DaemonConnection } from '../daemon/daemonConnection';
import type { Log } from '../log';
import { sortConnections } from './presentation';

export class ConnectionStore implements vscode.Disposable {
  private list: Connection[] = [];
  private catalog = new Map<string, Provider>();
  private loadedOnce = false;
  private loading: Promise<void> | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the list, a connection or the catalog changed. */
  readonly onDidChange: vscode.Event<void> = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly daemon: DaemonConnection,
    private readonly log: Log,
  ) {
    this.disposables.push(
      daemon.onDidConnect(
        () => void this.refresh().catch((error) => this.log.warn('Could not load the connections', error)),
      ),
      daemon.onNotification(ConnectionsChanged, (event) => this.applyChange(event)),
      daemon.onNotification(ConnectionsTested, (event) => this.applyTest(event)),
    );
  }

  /** Connections, the default first, then by name. Empty until the first load. */
  get connections(): readonly Connection[] {
    return this.list;
  }

  /** True once a list has been loaded from the daemon. */
  get loaded(): boolean {
    return this.loadedOnce;
  }

  get providers(): readonly Provider[] {
    return [...this.catalog.values()];
  }

  get(id: string): Connection | undefined {
    return this.list.find((c) => c.id === id);
  }

  provider(id: string): Provider | undefined {
    return this.catalog.get(id);
  }

  /** A provider's display name (its id when the catalog does not know it). */
  providerName = (id: string): string => this.catalog.get(id)?.name ?? id;

  /** Loads the list now (waiting for the daemon, ≤ 10 s). Concurrent calls share one load. */
  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Loads once if nothing was loaded yet; for commands run before the first load completed. */
  async ensureLoaded(): Promise<void> {
    if (!this.loadedOnce) await this.refresh();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async load(): Promise<void> {
    const [{ connections }, { providers }] = await Promise.all([
      this.daemon.request(ConnectionsList, {}),
      this.daemon.request(ProvidersList, {}),
    ]);
    this.list = sortConnections(connections);
    this.catalog = new Map(providers.map((p) => [p.id, p]));
    this.loadedOnce = true;
    this.emitter.fire();
  }

  private applyChange(event: ConnectionsChangedParams): void {
    const rest = this.list.filter((c) => c.id !== event.id);
    if (event.kind === 'deleted') {
      this.list = rest;
    } else {
      const others = event.connection.isDefault
        ? rest.map((c) => (c.isDefault ? { ...c, isDefault: false } : c))
        : rest;
      this.list = sortConnections([...others, event.connection]);
    }
    this.emitter.fire();
  }

  private applyTest(event: ConnectionsTestedParams): void {
    const index = this.list.findIndex((c) => c.id === event.id);
    if (index < 0) return;
    this.list = this.list.map((c, i) => (i === index ? { ...c, lastTest: event.result } : c));
    this.emitter.fire();
  }
}
