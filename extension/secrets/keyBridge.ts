/**
 * Keys typed in VS Code live in `context.secrets` (one entry per connection,
 * `switchboard.key.<connectionId>`) and are handed to the daemon with `secrets/set`, which holds them
 * in memory only (`keySource: memory`). A daemon that restarts has forgotten them, so on every
 * (re)connect the bridge re-sends each key the daemon lacks — before the connection is announced,
 * so the first request after a restart already has its key.
 *
 * SecretStorage cannot list its entries, so the bridge keeps an index (connection id → daemon home)
 * in `globalState`: it is how secrets of connections deleted elsewhere (another window, the CLI)
 * are found and dropped, without touching those of connections in another home.
 */
import type * as vscode from 'vscode';
import {
  ConnectionsChanged,
  ConnectionsList,
  ErrorCode,
  SecretsClear,
  SecretsSet,
  SwitchboardError,
} from '../../shared/protocol';
import type { DaemonConnection, DaemonRequester } from '../daemon/daemonConnection';
import type { Log } from '../log';

const SECRET_PREFIX = 'switchboard.key.';
const INDEX_KEY = 'switchboard.keyIndex';

type KeyIndex = Record<string, { home: string }>;

export class KeyBridge implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly globalState: vscode.Memento,
    private readonly daemon: DaemonConnection,
    private readonly log: Log,
  ) {
    this.disposables.push(
      daemon.registerConnectHook((requester) => this.resendVia(requester)),
      // Deleted by another window or tool: its key must not outlive it here.
      daemon.onNotification(ConnectionsChanged, (event) => {
        if (event.kind === 'deleted')
          void this.forget(event.id).catch((error) => this.log.warn('Could not delete a secret', error));
      }),
    );
  }

  /** The SecretStorage key of a connection's API key. */
  static secretKey(connectionId: string): string {
    return `${SECRET_PREFIX}${connectionId}`;
  }

  /** Stores in SecretStorage (key `switchboard.key.<connectionId>`) and sends secrets/set. Replaces any previous key in both. */
  async store(connectionId: string, apiKey: string): Promise<void> {
    await this.secrets.store(KeyBridge.secretKey(connectionId), apiKey);
    await this.remember(connectionId);
    await this.daemon.request(SecretsSet, { connectionId, apiKey });
  }

  /** Deletes from SecretStorage and sends secrets/clear (a connection the daemon no longer knows is fine). */
  async delete(connectionId: string): Promise<void> {
    await this.forget(connectionId);
    try {
      await this.daemon.request(SecretsClear, { connectionId });
    } catch (error) {
      if (!(error instanceof SwitchboardError && error.code === ErrorCode.CONNECTION_NOT_FOUND)) throw error;
    }
  }

  /** Whether SecretStorage holds a key for the connection. The key itself never leaves the bridge except to the daemon. */
  async has(connectionId: string): Promise<boolean> {
    return (await this.secrets.get(KeyBridge.secretKey(connectionId))) !== undefined;
  }

  /** Sends every key the daemon lacks; drops secrets of connections that no longer exist. Runs on every (re)connect. */
  resendAll(): Promise<void> {
    return this.resendVia(this.daemon);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async resendVia(daemon: DaemonRequester): Promise<void> {
    const { connections } = await daemon.request(ConnectionsList, {});
    const home = this.daemon.home;
    let sent = 0;
    for (const c of connections) {
      if (c.keySource !== 'memory' || c.keyAvailable) continue;
      const apiKey = await this.secrets.get(KeyBridge.secretKey(c.id));
      if (apiKey === undefined) continue;
      try {
        await daemon.request(SecretsSet, { connectionId: c.id, apiKey });
        await this.remember(c.id);
        sent++;
      } catch (error) {
        if (error instanceof SwitchboardError && error.code === ErrorCode.CONNECTION_NOT_FOUND) continue; // deleted meanwhile
        throw error;
      }
    }
    const existing = new Set(connections.map((c) => c.id));
    let dropped = 0;
    for (const [id, entry] of Object.entries(this.index())) {
      if (entry.home !== home || existing.has(id)) continue;
      await this.forget(id);
      dropped++;
    }
    if (sent > 0) this.log.info(`Sent ${sent} key${sent === 1 ? '' : 's'} from VS Code secret storage to the daemon.`);
    if (dropped > 0)
      this.log.info(
        `Removed ${dropped} key${dropped === 1 ? '' : 's'} of deleted connections from VS Code secret storage.`,
      );
  }

  private index(): KeyIndex {
    return { ...this.globalState.get<KeyIndex>(INDEX_KEY, {}) };
  }

  private async remember(connectionId: string): Promise<void> {
    const index = this.index();
    const home = this.daemon.home;
    if (index[connectionId]?.home === home) return;
    index[connectionId] = { home };
    await this.globalState.update(INDEX_KEY, index);
  }

  private async forget(connectionId: string): Promise<void> {
    await this.secrets.delete(KeyBridge.secretKey(connectionId));
    const index = this.index();
    if (!(connectionId in index)) return;
    delete index[connectionId];
    await this.globalState.update(INDEX_KEY, index);
  }
}
