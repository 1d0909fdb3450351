/**
 * The host half of the Usage view: turns the page's messages into `usage/get`, `usage/budgets` and
 * `connections/list`, and answers with one `data` (or `error`) message. No `vscode` import: the panel
 * hands in what it needs, so loading, ranges and stale answers are unit-tested.
 */
import { ConnectionsList, UsageBudgets, UsageGet, type RequestType } from '../../shared/protocol';
import { assertNever, type HostToUsage, type UsageToHost, type UsageViewData } from '../../shared/webview';
import { toManagerError } from '../manager/managerHost';
import { DEFAULT_DAYS } from './page/ranges';

export interface UsageHostDeps {
  request<P, R>(descriptor: RequestType<P, R>, params: P): Promise<R>;
  post(message: HostToUsage): void;
  /** Opens a connection in the connection manager. */
  openConnection(connectionId: string): void;
  /** Today, for the range; injectable for tests. */
  now?: () => Date;
}

/** The longest range the view asks for; the ledger is cheap, but a typo must not ask for years. */
const MAX_DAYS = 366;

export class UsageHost {
  private ready = false;
  private days = DEFAULT_DAYS;
  /** Bumped per load: an answer to an earlier load (an older range) is dropped. */
  private generation = 0;

  constructor(private readonly deps: UsageHostDeps) {}

  /** Handles one page message; never throws (a failure becomes an `error` message). */
  async handle(msg: UsageToHost): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        return this.load();
      case 'refresh':
        this.days = clampDays(msg.days);
        return this.load();
      case 'openConnection':
        return this.deps.openConnection(msg.connectionId);
      default:
        return assertNever(msg);
    }
  }

  /** Loads the current range again (the panel became visible, the daemon came back). */
  async refresh(): Promise<void> {
    if (this.ready) await this.load();
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    const days = this.days;
    const { from, to } = dayRange(days, (this.deps.now ?? (() => new Date()))());
    try {
      const [usage, { budgets }, { connections }] = await Promise.all([
        this.deps.request(UsageGet, { from, to, groupBy: ['connection', 'model'] }),
        this.deps.request(UsageBudgets, {}),
        this.deps.request(ConnectionsList, {}),
      ]);
      if (generation !== this.generation) return;
      const data: UsageViewData = {
        days,
        from,
        to,
        records: usage.records,
        // Always there: the daemon sums by the `groupBy` it was asked for (one without it refuses the param).
        groups: usage.groups ?? [],
        totals: usage.totals,
        budgets,
        names: Object.fromEntries(connections.map((c) => [c.id, c.name])),
      };
      this.deps.post({ type: 'data', data });
    } catch (error) {
      if (generation !== this.generation) return;
      this.deps.post({ type: 'error', ...describe(error) });
    }
  }
}

/** The last `days` UTC days, today included, as `YYYY-MM-DD`. */
export function dayRange(days: number, now: Date): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

function clampDays(days: unknown): number {
  const n = typeof days === 'number' && Number.isFinite(days) ? Math.round(days) : DEFAULT_DAYS;
  return Math.min(MAX_DAYS, Math.max(1, n));
}

/** A daemon error (`SwitchboardError` with a hint) or a transport one, as the page shows it. */
function describe(error: unknown): { message: string; hint?: string } {
  const { message, hint } = toManagerError(error);
  return { message: `Could not load the usage: ${message}`, ...(hint && { hint }) };
}
