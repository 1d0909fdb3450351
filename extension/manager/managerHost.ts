/**
 * The host half of the connection manager: turns each webview message into daemon calls and key
 * moves, and answers with one message. No `vscode` import: the panel hands in the few capabilities
 * it needs, so the flows (create → store key, delete → confirm → forget key, …) are unit-tested.
 */
import {
  ConnectionsCreate,
  ConnectionsDelete,
  ConnectionsGet,
  ConnectionsList,
  ConnectionsQuota,
  ConnectionsTest,
  ConnectionsTestHistory,
  ConnectionsUpdate,
  ModelsList,
  PricesList,
  PricesSet,
  ProvidersList,
  ProvidersUpsert,
  type ParamsOf,
  type RequestType,
} from '../../shared/protocol';
import { assertNever, type HostToManager, type ManagerError, type ManagerToHost } from '../../shared/webview';
import { forPeople } from '../userWords';

/** What the manager needs from the extension; the panel builds it from DaemonConnection and KeyBridge. */
export interface ManagerHostDeps {
  request<P, R>(descriptor: RequestType<P, R>, params: P): Promise<R>;
  /** Keeps the key in SecretStorage and hands it to the daemon's memory. */
  storeKey(connectionId: string, apiKey: string): Promise<void>;
  deleteKey(connectionId: string): Promise<void>;
  /** Asks the person (a modal naming the connection); true to go ahead. */
  confirmDelete(name: string): Promise<boolean>;
  /** Opens the audit log for one connection ("Switchboard: Show Audit Log"). */
  showAudit(connectionId: string): Promise<void>;
  /** Runs "Sign in with OpenRouter"; resolves to the new connection's id (undefined when cancelled or failed, which it reports itself). */
  signIn(provider: 'openrouter'): Promise<string | undefined>;
  post(message: HostToManager): void;
}

/** Changes after which the stored test result no longer says anything about the connection. */
const RETEST_FIELDS = [
  'provider',
  'baseUrl',
  'defaultModel',
  'allowedModels',
  'organization',
  'apiVersion',
  'headers',
  'timeoutMs',
] as const;

export class ManagerHost {
  /** Set once the page has said `ready`: before that, messages would be lost. */
  private ready = false;
  /** A selection asked for before the page was ready, delivered with `init`. */
  private pendingSelect: string | null | undefined;
  /** The pending selection asked for the key field ("Replace Key" from the chat). */
  private pendingReplaceKey = false;
  /** The connection whose test history the page shows: sent again when the daemon says it was tested. */
  private historyOf: string | undefined;

  constructor(private readonly deps: ManagerHostDeps) {}

  /**
   * Opens a connection for editing (`null`: a blank form), now or as soon as the page is ready.
   * `replaceKey` opens its key field with the focus in it (the chat's "Replace Key").
   */
  select(connectionId: string | null, opts: { replaceKey?: boolean } = {}): void {
    const replaceKey = opts.replaceKey === true && connectionId !== null;
    if (!this.ready) {
      this.pendingSelect = connectionId;
      this.pendingReplaceKey = replaceKey;
      return;
    }
    this.deps.post({ type: 'select', connectionId, ...(replaceKey && { replaceKey }) });
    // What the provider reported (discovered capacity) changes without a `connections/changed`
    // event: bring the list up to date, so the connection opened shows its latest figures.
    void this.refresh();
  }

  /** Sends everything again (the daemon came back); the page keeps its form. */
  async reload(): Promise<void> {
    if (this.ready) await this.init();
  }

  /** Handles one message; never throws (a failure becomes an `error` message for the page). */
  async handle(msg: ManagerToHost): Promise<void> {
    const requestId = 'requestId' in msg ? msg.requestId : undefined;
    try {
      await this.dispatch(msg);
    } catch (error) {
      this.deps.post({ type: 'error', ...(requestId !== undefined && { requestId }), error: toManagerError(error) });
    }
  }

  /** Sends the page everything it needs; `selectId` opens that connection. */
  async init(selectId?: string): Promise<void> {
    try {
      const [{ providers }, { connections }] = await Promise.all([
        this.deps.request(ProvidersList, {}),
        this.deps.request(ConnectionsList, {}),
      ]);
      this.deps.post({ type: 'init', providers, connections, ...(selectId !== undefined && { selectId }) });
    } catch (error) {
      this.deps.post({ type: 'error', error: toManagerError(error) });
    }
  }

  /** Re-reads the list after a change made here or announced by the daemon. */
  async refresh(): Promise<void> {
    try {
      const { connections } = await this.deps.request(ConnectionsList, {});
      this.deps.post({ type: 'connections', connections });
    } catch {
      // The next init or change will bring the list; an unreachable daemon is reported by init.
    }
  }

  /**
   * The daemon says a connection was tested (`connections/tested`: by hand here or elsewhere, on
   * schedule, or a chat whose key was rejected): the list shows its new colour, and the history of
   * the connection open in the form gains the new line.
   */
  async tested(connectionId: string): Promise<void> {
    await this.refresh();
    if (connectionId === this.historyOf) await this.sendHistory(connectionId).catch(() => undefined);
  }

  private async sendHistory(connectionId: string): Promise<void> {
    const { entries } = await this.deps.request(ConnectionsTestHistory, { id: connectionId });
    this.deps.post({ type: 'testHistory', connectionId, entries });
  }

  /**
   * A draft's test result is not stored (the daemon keeps nothing of a draft), so a fresh connection
   * would show as untested until the scheduler's next round. Testing the saved connection right after
   * a save stores the result and turns the tree and status bar green (or red) at once.
   */
  private async retest(id: string): Promise<void> {
    try {
      await this.deps.request(ConnectionsTest, { id });
      await this.refresh();
    } catch {
      // Only a status refresh; the scheduler tests again later, and a real failure shows there.
    }
  }

  private async dispatch(msg: ManagerToHost): Promise<void> {
    const { deps } = this;
    switch (msg.type) {
      case 'ready': {
        this.ready = true;
        const select = this.pendingSelect;
        const replaceKey = this.pendingReplaceKey;
        this.pendingSelect = undefined;
        this.pendingReplaceKey = false;
        await this.init(select ?? undefined);
        // A blank form was asked for: the page opens one by default unless it restores an edit.
        if (select === null) deps.post({ type: 'select', connectionId: null });
        else if (select !== undefined && replaceKey) deps.post({ type: 'select', connectionId: select, replaceKey });
        return;
      }
      case 'test': {
        const params: ParamsOf<typeof ConnectionsTest> =
          'id' in msg.target ? { id: msg.target.id } : { draft: msg.target.draft };
        const { result } = await deps.request(ConnectionsTest, params);
        return deps.post({ type: 'testResult', requestId: msg.requestId, result });
      }
      case 'create': {
        // keySource memory: the key lives in SecretStorage and the daemon only holds it in memory,
        // so it is re-sent by the extension whenever the daemon restarts.
        const key = msg.apiKey ? { keySource: 'memory' as const, apiKey: msg.apiKey } : {};
        const { connection } = await deps.request(ConnectionsCreate, { ...msg.fields, ...key });
        if (msg.apiKey) await deps.storeKey(connection.id, msg.apiKey);
        deps.post({ type: 'saved', requestId: msg.requestId, connection });
        await this.refresh();
        return this.retest(connection.id);
      }
      case 'update': {
        let { connection } = await deps.request(ConnectionsUpdate, msg.fields);
        if (msg.apiKey) {
          // The daemon switches keySource to memory on secrets/set; read back the new mask.
          await deps.storeKey(connection.id, msg.apiKey);
          ({ connection } = await deps.request(ConnectionsGet, { id: connection.id }));
        }
        deps.post({ type: 'saved', requestId: msg.requestId, connection });
        await this.refresh();
        if (msg.apiKey || RETEST_FIELDS.some((f) => f in msg.fields)) return this.retest(connection.id);
        return;
      }
      case 'delete': {
        if (!(await deps.confirmDelete(msg.name))) return deps.post({ type: 'cancelled', requestId: msg.requestId });
        await deps.request(ConnectionsDelete, { id: msg.id });
        await deps.deleteKey(msg.id);
        deps.post({ type: 'deleted', requestId: msg.requestId, id: msg.id });
        return this.refresh();
      }
      case 'loadModels': {
        const { models } = await deps.request(ModelsList, { connectionId: msg.connectionId });
        return deps.post({ type: 'models', connectionId: msg.connectionId, models: models.map((m) => m.id) });
      }
      case 'loadQuota': {
        // A failure belongs in the Quota section, not in the form's banner.
        try {
          const [quota] = (await deps.request(ConnectionsQuota, { id: msg.connectionId })).quotas;
          return deps.post({ type: 'quota', connectionId: msg.connectionId, ...(quota && { quota }) });
        } catch (error) {
          return deps.post({ type: 'quota', connectionId: msg.connectionId, error: toManagerError(error).message });
        }
      }
      case 'signIn': {
        const id = await deps.signIn(msg.provider);
        await this.refresh();
        if (id !== undefined) deps.post({ type: 'select', connectionId: id });
        return;
      }
      case 'loadTestHistory':
        this.historyOf = msg.connectionId;
        return this.sendHistory(msg.connectionId);
      case 'showAudit':
        return deps.showAudit(msg.connectionId);
      case 'loadPrices': {
        const { prices } = await deps.request(PricesList, { provider: msg.provider });
        return deps.post({ type: 'prices', provider: msg.provider, prices });
      }
      case 'setPrice': {
        await deps.request(PricesSet, { provider: msg.provider, model: msg.model, price: msg.price });
        const { prices } = await deps.request(PricesList, { provider: msg.provider });
        return deps.post({ type: 'prices', provider: msg.provider, prices, requestId: msg.requestId });
      }
      case 'saveProvider': {
        const { provider } = await deps.request(ProvidersUpsert, { provider: msg.provider });
        const { providers } = await deps.request(ProvidersList, {});
        return deps.post({ type: 'providerSaved', requestId: msg.requestId, provider, providers });
      }
      default:
        return assertNever(msg);
    }
  }
}

/**
 * The one place a daemon or transport error becomes something the form can show. Duck-typed: the
 * error may come from the shared client (`SwitchboardError`, `RpcError`) or from the bridge itself.
 */
export function toManagerError(error: unknown): ManagerError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    code?: unknown;
    data?: unknown;
  };
  const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as {
    field?: unknown;
    hint?: unknown;
    code?: unknown;
  };
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  const code = typeof e.code === 'string' ? e.code : typeof e.code === 'number' ? String(e.code) : undefined;
  return {
    message: forPeople(cleanMessage(message)),
    ...(typeof data.hint === 'string' && data.hint !== '' && { hint: forPeople(data.hint) }),
    ...(code !== undefined && { code }),
    ...(typeof data.field === 'string' && { field: stripPrefix(data.field) }),
  };
}

/** `-32602` messages read `Invalid params: draft.baseUrl: must be …`; next to the field only the reason matters. */
function cleanMessage(message: string): string {
  const m = /^Invalid params: [^:]+: (.+)$/s.exec(message);
  return m ? capitalize(m[1]!) : message;
}

function stripPrefix(field: string): string {
  return field.replace(/^(params\.)?(draft\.)?/, '');
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
