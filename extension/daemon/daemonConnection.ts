/**
 * The extension's one connection to the daemon, kept alive for the life of the window.
 *
 * - Connects to the live daemon of the home (`daemon.json`), or starts the bundled one.
 * - When the connection drops (the daemon crashed, was killed, restarted, or the machine slept) it
 *   reconnects with jittered exponential backoff. Each attempt re-reads `daemon.json`: if another
 *   window or tool already started a new daemon it connects to that one, otherwise it starts one —
 *   "restart it if nobody else does". Starting is idempotent (a second daemon on a home exits 0).
 * - Connect hooks run on every new connection before it is announced (the KeyBridge re-sends keys
 *   there, so the first request after a restart already finds them), then `events/subscribe`.
 * - `request` waits (bounded) for a connection; `onNotification` handlers survive reconnects.
 *
 * It never stops the daemon on dispose: the daemon outlives the window and serves other clients.
 */
import * as vscode from 'vscode';
import {
  DaemonUnavailableError,
  SwitchboardClient,
  type ChatCallOptions,
  type ChatEventReply,
  type ChatRequest,
  type ChatReply,
  type DaemonInfo,
  type RequestOptions,
  type TransportKind,
} from '../../shared/client';
import {
  DaemonShutdown,
  EventsSubscribe,
  type HelloResult,
  type NotificationType,
  type RequestType,
} from '../../shared/protocol';
import { describeError, type Log } from '../log';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { DaemonLauncher } from './daemonLauncher';

export type DaemonState = 'starting' | 'connected' | 'down';

/** The params (required when the method requires them) and options of a request. */
export type RequestArgs<P> = undefined extends P
  ? [params?: P, opts?: RequestOptions]
  : [params: P, opts?: RequestOptions];

/** Something that sends typed requests: the DaemonConnection itself, or (in a connect hook) the new client. */
export interface DaemonRequester {
  request<P, R>(descriptor: RequestType<P, R>, ...args: RequestArgs<P>): Promise<R>;
  request<P, R>(descriptor: RequestType<P, R>, params: P, opts?: RequestOptions): Promise<R>;
}

/** Runs on each new connection before it is announced; failures are logged, never fatal. */
export type ConnectHook = (daemon: DaemonRequester) => Promise<void>;

export interface DaemonConnectionOptions {
  launcher: DaemonLauncher;
  log: Log;
  /** Read on every attempt, so a settings change takes effect on the next (re)connect. */
  home: () => string;
  autoStart: () => boolean;
  transport: () => TransportKind;
  clientVersion?: string;
  backoff?: BackoffOptions;
  /** How long `request` waits for a connection. Default 10 s. */
  requestWaitMs?: number;
  /** Failed attempts in a row before the user is notified (the status bar shows it at once). Default 3. */
  notifyAfterFailures?: number;
}

interface Subscription {
  type: NotificationType<unknown>;
  handler: (params: unknown) => void;
  current?: { dispose(): void } | undefined;
}

interface Waiter {
  resolve(client: SwitchboardClient): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class DaemonConnection implements vscode.Disposable, DaemonRequester {
  private readonly stateEmitter = new vscode.EventEmitter<DaemonState>();
  /** Fires on every state change. */
  readonly onDidChangeState: vscode.Event<DaemonState> = this.stateEmitter.event;
  private readonly connectEmitter = new vscode.EventEmitter<HelloResult>();
  /** Fires after each successful (re)connection, once the connect hooks have run. */
  readonly onDidConnect: vscode.Event<HelloResult> = this.connectEmitter.event;

  private _state: DaemonState = 'starting';
  private client: SwitchboardClient | undefined;
  private info: DaemonInfo | undefined;
  private connectedHome: string | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastAttemptAt = 0;
  private failures = 0;
  private notified = false;
  private lastError: unknown;
  /** Bumped when the target changes (settings) so an attempt for the old one drops its result. */
  private generation = 0;
  /** Set during `restart()`: no automatic retries while the old daemon stops. */
  private paused = false;
  /** Start a daemon even when `autoStart` is off (an explicit restart). */
  private forceStart = false;
  private restarting: Promise<void> | undefined;
  private disposed = false;
  private readonly backoff: Backoff;
  private readonly subscriptions = new Set<Subscription>();
  private readonly hooks = new Set<ConnectHook>();
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly opts: DaemonConnectionOptions) {
    this.backoff = new Backoff(opts.backoff ?? DEFAULT_BACKOFF);
  }

  get state(): DaemonState {
    return this._state;
  }

  /** The home of the current connection, else the configured one. */
  get home(): string {
    return this.connectedHome ?? this.opts.home();
  }

  /** `daemon.json` of the daemon we are connected to. */
  get daemonInfo(): DaemonInfo | undefined {
    return this.client ? this.info : undefined;
  }

  /** What the daemon said in `daemon/hello`, while connected. */
  get hello(): HelloResult | undefined {
    return this.client?.daemon;
  }

  /** Why the last attempt failed, for the status bar; undefined while connected. */
  get lastFailure(): string | undefined {
    return this.lastError === undefined ? undefined : describeError(this.lastError);
  }

  /** Begins connecting (in the background: activation does not wait for the daemon). */
  start(): void {
    void this.connectNow();
  }

  /** Waits (≤ 10 s) for a connection, then sends; rejects with the SwitchboardError/RpcError from the daemon. */
  request<P, R>(descriptor: RequestType<P, R>, ...args: RequestArgs<P>): Promise<R>;
  request<P, R>(descriptor: RequestType<P, R>, params: P, opts?: RequestOptions): Promise<R>;
  async request<P, R>(descriptor: RequestType<P, R>, params?: P, opts?: RequestOptions): Promise<R> {
    const client = await this.whenConnected(this.opts.requestWaitMs ?? 10_000);
    return (client.request as (d: RequestType<P, R>, p?: P, o?: RequestOptions) => Promise<R>).call(
      client,
      descriptor,
      params,
      opts,
    );
  }

  /**
   * Waits (≤ 10 s) for a connection, then starts a `chat/stream` on it: the client's stream, which
   * orders the deltas, cancels and times out a silent stream (`SwitchboardClient.chat`). A stream
   * fails with `DaemonUnavailableError` when its connection drops; it does not move to the next one.
   */
  async chat(params: ChatRequest, opts?: ChatCallOptions): Promise<ChatReply> {
    const client = await this.whenConnected(this.opts.requestWaitMs ?? 10_000);
    return client.chat(params, opts);
  }

  /** As {@link chat}, with typed deltas (`SwitchboardClient.chatEvents`): text, reasoning, tool calls. */
  async chatEvents(params: ChatRequest, opts?: ChatCallOptions): Promise<ChatEventReply> {
    const client = await this.whenConnected(this.opts.requestWaitMs ?? 10_000);
    return client.chatEvents(params, opts);
  }

  /** Calls `handler` for each notification of this kind, across reconnects, until disposed. */
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): vscode.Disposable {
    const sub: Subscription = {
      type: type as NotificationType<unknown>,
      handler: handler as (params: unknown) => void,
    };
    this.subscriptions.add(sub);
    if (this.client) sub.current = this.client.onNotification(sub.type, sub.handler);
    return new vscode.Disposable(() => {
      this.subscriptions.delete(sub);
      sub.current?.dispose();
    });
  }

  /** Runs `hook` on every new connection before it counts as connected (and now, if connected). */
  registerConnectHook(hook: ConnectHook): vscode.Disposable {
    this.hooks.add(hook);
    const client = this.client;
    if (client && this._state === 'connected') {
      hook(requesterFor(client)).catch((error) => this.opts.log.warn('A connect hook failed', error));
    }
    return new vscode.Disposable(() => this.hooks.delete(hook));
  }

  /**
   * Stops the daemon (`daemon/shutdown`, or SIGTERM when we are not connected to it), waits for it to
   * exit, starts a fresh one and reconnects. Other windows reconnect to the new one by themselves.
   */
  restart(): Promise<void> {
    this.restarting ??= this.doRestart().finally(() => (this.restarting = undefined));
    return this.restarting;
  }

  /** When not connected: tries again at once, with the backoff reset (e.g. after autoStart was turned on). */
  retryNow(): void {
    if (this.disposed || this.paused || (this.client && this._state === 'connected')) return;
    this.backoff.reset();
    void this.connectNow();
  }

  /** Drops the connection and connects again, e.g. after the home or transport setting changed. */
  reconnect(): void {
    this.generation++;
    const client = this.client;
    this.client = undefined;
    this.connectedHome = undefined;
    client?.dispose();
    this.backoff.reset();
    this.setState('starting');
    void (this.connecting ?? Promise.resolve()).then(() => this.connectNow());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.retryTimer);
    this.rejectWaiters(
      new DaemonUnavailableError('closed', 'The Switchboard extension is shutting down.', 'Reload the window.'),
    );
    this.client?.dispose();
    this.client = undefined;
    this.stateEmitter.dispose();
    this.connectEmitter.dispose();
  }

  private connectNow(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.disposed) return Promise.resolve();
    if (!this.connecting) {
      this.lastAttemptAt = Date.now();
      this.connecting = this.attempt(this.generation).finally(() => (this.connecting = undefined));
    }
    return this.connecting;
  }

  private async attempt(generation: number): Promise<void> {
    const home = this.opts.home();
    const stale = (): boolean => this.disposed || generation !== this.generation;
    let client: SwitchboardClient | undefined;
    try {
      let info = await this.opts.launcher.find(home);
      if (!info) {
        if (!this.opts.autoStart() && !this.forceStart) {
          throw new DaemonUnavailableError(
            'not-running',
            `No Switchboard daemon is running on ${home}, and switchboard.daemon.autoStart is off.`,
            'Start one with `switchboard daemon start`, or run "Switchboard: Restart Daemon".',
          );
        }
        this.opts.log.info(`No daemon is running on ${home}; starting the bundled one.`);
        info = await this.opts.launcher.start(home);
      }
      if (stale()) return;
      client = await SwitchboardClient.connect({
        info,
        clientName: 'vscode',
        clientVersion: this.opts.clientVersion,
        transport: this.opts.transport(),
      });
      if (stale()) {
        client.dispose();
        return;
      }
      await this.adopt(client, info, home);
    } catch (error) {
      if (client && this.client === client) {
        // Failed after adopting (e.g. events/subscribe): treat it as a lost connection.
        this.client = undefined;
        client.dispose();
      }
      if (stale()) return;
      this.failed(error);
    }
  }

  private async adopt(client: SwitchboardClient, info: DaemonInfo, home: string): Promise<void> {
    this.client = client;
    this.info = info;
    this.connectedHome = home;
    client.onClose((event) =>
      this.onClosed(client, event.requested, `code ${event.code}${event.reason ? `, ${event.reason}` : ''}`),
    );
    for (const sub of this.subscriptions) sub.current = client.onNotification(sub.type, sub.handler);
    await client.request(EventsSubscribe, {});
    const requester = requesterFor(client);
    for (const hook of [...this.hooks]) {
      try {
        await hook(requester);
      } catch (error) {
        if (!client.connected) throw error;
        this.opts.log.warn('A connect hook failed', error);
      }
    }
    if (this.client !== client || !client.connected) return; // closed meanwhile: onClosed took over
    this.backoff.reset();
    this.failures = 0;
    this.notified = false;
    this.lastError = undefined;
    this.opts.log.info(
      `Connected to the Switchboard daemon ${client.daemon.version} (pid ${client.daemon.pid}) on ${home} over ${client.transport === 'unix' ? 'its socket' : 'TCP'}.`,
    );
    this.setState('connected');
    for (const w of [...this.waiters]) {
      clearTimeout(w.timer);
      w.resolve(client);
    }
    this.waiters.clear();
    this.connectEmitter.fire(client.daemon);
  }

  private onClosed(client: SwitchboardClient, requested: boolean, why: string): void {
    if (client !== this.client) return;
    this.client = undefined;
    for (const sub of this.subscriptions) sub.current = undefined;
    if (this.disposed || requested || this.paused) return;
    this.lastError = new Error(`The connection to the daemon closed (${why}).`);
    this.opts.log.warn(`Lost the connection to the daemon (${why}); reconnecting.`);
    this.setState('down');
    this.scheduleRetry();
  }

  private failed(error: unknown): void {
    this.lastError = error;
    this.failures++;
    this.setState('down');
    this.opts.log.warn(`Cannot reach the Switchboard daemon (attempt ${this.failures})`, error);
    // Nothing will start a daemon until the person does: waiting requests fail now, not after their timeout.
    if (error instanceof DaemonUnavailableError && error.reason === 'not-running' && !this.opts.autoStart())
      this.rejectWaiters(this.unavailable());
    if (!this.notified && this.failures >= (this.opts.notifyAfterFailures ?? 3)) {
      this.notified = true;
      void vscode.window
        .showWarningMessage(
          `Switchboard: the daemon is not reachable — ${describeError(error)} Still retrying.`,
          'Show Log',
          'Restart Daemon',
        )
        .then((choice) => {
          if (choice === 'Show Log') void vscode.commands.executeCommand('switchboard.showDaemonLog');
          if (choice === 'Restart Daemon') void vscode.commands.executeCommand('switchboard.restartDaemon');
        });
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.disposed || this.paused) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connectNow(), this.backoff.next());
  }

  private whenConnected(timeoutMs: number): Promise<SwitchboardClient> {
    if (this.client && this._state === 'connected') return Promise.resolve(this.client);
    if (this.disposed)
      return Promise.reject(
        new DaemonUnavailableError('closed', 'The Switchboard extension is shutting down.', 'Reload the window.'),
      );
    // Someone is waiting: try now rather than at the end of a long backoff (at most once a second).
    if (!this.connecting && !this.paused && Date.now() - this.lastAttemptAt > 1000) void this.connectNow();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(this.unavailable());
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private rejectWaiters(error: unknown): void {
    for (const w of [...this.waiters]) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.waiters.clear();
  }

  private unavailable(): DaemonUnavailableError {
    const last = this.lastError;
    const reason = last instanceof DaemonUnavailableError ? last.reason : 'not-running';
    return new DaemonUnavailableError(
      reason,
      `The Switchboard daemon is not reachable${last === undefined ? ' yet' : `: ${describeError(last)}`}`,
      'Run "Switchboard: Restart Daemon", or see "Switchboard: Show Daemon Log".',
    );
  }

  private async doRestart(): Promise<void> {
    this.paused = true;
    clearTimeout(this.retryTimer);
    this.setState('starting');
    try {
      await this.connecting;
      const home = this.opts.home();
      const running = await this.opts.launcher.find(home);
      const client = this.client;
      if (running) {
        this.opts.log.info(`Restarting the daemon (pid ${running.pid}) on ${home}.`);
        let asked = false;
        if (client?.connected && this.connectedHome === home) {
          try {
            await client.request(DaemonShutdown, {}, { timeoutMs: 5000 });
            asked = true;
          } catch (error) {
            this.opts.log.warn('daemon/shutdown failed; sending SIGTERM', error);
          }
        }
        if (!asked) signal(running.pid, 'SIGTERM');
        if (!(await this.opts.launcher.waitForExit(running.pid, 5000))) {
          this.opts.log.warn(`The daemon (pid ${running.pid}) did not stop within 5 s; killing it.`);
          signal(running.pid, 'SIGKILL');
          await this.opts.launcher.waitForExit(running.pid, 2000);
        }
      }
      this.client = undefined;
      this.connectedHome = undefined;
      client?.dispose();
      this.backoff.reset();
      this.paused = false;
      this.forceStart = true;
      this.generation++;
      await this.connectNow();
      if (this._state !== 'connected') throw this.unavailable();
    } finally {
      this.paused = false;
      this.forceStart = false;
    }
  }

  private setState(state: DaemonState): void {
    if (this._state === state || this.disposed) return;
    this._state = state;
    this.stateEmitter.fire(state);
  }
}

function requesterFor(client: SwitchboardClient): DaemonRequester {
  return {
    request: <P, R>(descriptor: RequestType<P, R>, params?: P, opts?: RequestOptions): Promise<R> =>
      (client.request as (d: RequestType<P, R>, p?: P, o?: RequestOptions) => Promise<R>).call(
        client,
        descriptor,
        params,
        opts,
      ),
  } as DaemonRequester;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}
