/**
 * `switchboard usage [connection] [--from D] [--to D] [--days N] [--group-by KEYS]`: the usage and
 * cost ledger as a table with a totals line. A cost the daemon could not price shows as `unknown`
 * (or `≥ $x` when only part of it is known), never as zero; tokens the daemon estimated (a stopped
 * answer the provider never reported) are marked `~`.
 */
import {
  UsageGet,
  UsageGroupKey,
  type Connection,
  type UsageGetParams,
  type UsageTotals,
} from '../../../shared/protocol';
import { day, int, positionals, str, UsageError, type Values } from '../args';
import type { Group } from '../context';
import { EXIT } from '../exitCodes';
import type { Output } from '../output';

const n = (v: number) => v.toLocaleString('en-US');

/** Dollars as a person reads them: four decimals below a dollar, cents above. */
export function usd(value: number): string {
  if (value === 0) return '$0.00';
  if (value < 0.0001) return '<$0.0001';
  if (value < 1) return `$${value.toFixed(4)}`;
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `$0.0123`; `unknown` when nothing was priced; `≥ $0.0123` when some requests had no price. */
export function costCell(t: Pick<UsageTotals, 'costUsd' | 'unpricedRequests'>): string {
  if (t.unpricedRequests === 0) return usd(t.costUsd);
  return t.costUsd === 0 ? 'unknown' : `≥ ${usd(t.costUsd)}`;
}

const GROUP_COLUMNS: Record<UsageGroupKey, string> = {
  day: 'DAY',
  connection: 'CONNECTION',
  model: 'MODEL',
  token: 'TOKEN',
  client: 'CLIENT',
};

export const usageGroup: Group = {
  name: 'usage',
  summary: 'Show requests, tokens and cost per day, connection and model',
  commands: [
    {
      name: '',
      summary: 'Show requests, tokens and cost per day, connection and model',
      usage:
        'usage [connection] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--days N] [--group-by connection,model,day,token,client]',
      details: `Days are UTC. Without --from/--to/--days every recorded day is shown (the daemon keeps about 400 days).
Costs use the provider catalog's prices (see \`switchboard prices\`); a model without a price shows
"unknown", and "≥ $x" means part of the requests could not be priced.
Examples:
  switchboard usage --days 7
  switchboard usage work --group-by model
  switchboard usage --group-by client
  switchboard usage --from 2026-01-01 --group-by connection,day --json`,
      flags: [
        {
          name: 'connection',
          short: 'c',
          type: 'string',
          value: 'CONN',
          description: 'Only this connection (name or id); same as the positional argument',
        },
        { name: 'from', type: 'string', value: 'DAY', description: 'First day, YYYY-MM-DD' },
        { name: 'to', type: 'string', value: 'DAY', description: 'Last day, YYYY-MM-DD' },
        { name: 'days', type: 'string', value: 'N', description: 'The last N days, today included' },
        {
          name: 'group-by',
          short: 'g',
          type: 'string',
          value: 'KEYS',
          description:
            'Sum by connection, model, day, token (the tool token) and/or client (who asked, e.g. "VS Code chat"); comma-separated',
        },
      ],
      async run(ctx, parsed) {
        const [positional] =
          parsed.positionals.length > 1 ? positionals(parsed, ['connection'], this.usage) : parsed.positionals;
        const flagged = str(parsed.values, 'connection');
        if (positional !== undefined && flagged !== undefined)
          throw new UsageError(
            'Name the connection once: as the argument or with --connection.',
            `Usage: switchboard ${this.usage}`,
          );
        const { from, to } = dayRange(parsed.values);
        const groupBy = groupKeys(parsed.values);
        const ref = positional ?? flagged;
        const connections = await ctx.connections();
        const only = ref === undefined ? undefined : await ctx.connection(ref);
        const client = await ctx.client();
        const params: UsageGetParams = {
          ...(only && { connectionId: only.id }),
          ...(from && { from }),
          ...(to && { to }),
          ...(groupBy && { groupBy }),
        };
        const result = await client.request(UsageGet, params);
        const names = new Map(connections.map((c) => [c.id, c.name]));
        const named = <T extends { connectionId?: string }>(r: T) =>
          r.connectionId === undefined ? r : { ...r, connectionName: names.get(r.connectionId) ?? null };
        ctx.out.data({
          ...(from && { from }),
          ...(to && { to }),
          records: result.records.map(named),
          ...(result.groups && { groups: result.groups.map(named) }),
          totals: result.totals,
        });
        if (result.records.length === 0) {
          ctx.out.line('No usage recorded for this selection.');
          return EXIT.OK;
        }
        const connName = (id: string) => names.get(id) ?? ctx.out.paint('dim', `${id} (deleted)`);
        const keys: UsageGroupKey[] = groupBy ?? ['day', 'connection', 'model'];
        const rows = (result.groups ?? result.records).map((r) => [
          ...keys.map((k) =>
            k === 'connection'
              ? connName(r.connectionId!)
              : k === 'day'
                ? r.day!
                : k === 'token'
                  ? (r.tokenName ?? ctx.out.paint('dim', 'owner'))
                  : k === 'client'
                    ? (r.client ?? ctx.out.paint('dim', '-'))
                    : r.model!,
          ),
          ...metrics(ctx.out, r),
        ]);
        rows.push([ctx.out.paint('bold', 'total'), ...keys.slice(1).map(() => ''), ...metrics(ctx.out, result.totals)]);
        ctx.out.table(
          [
            ...keys.map((k) => GROUP_COLUMNS[k]),
            'REQUESTS',
            'ERRORS',
            'INPUT TOKENS',
            'OUTPUT TOKENS',
            'COST',
            'AVG LATENCY',
          ],
          rows,
        );
        if (result.totals.unpricedRequests > 0) noteUnpriced(ctx.out, result.records, connections);
        const estimated = result.totals.estimatedRequests ?? 0;
        if (estimated > 0) {
          ctx.out.note(
            `~ marks estimated tokens: ${n(estimated)} ${estimated === 1 ? 'answer was' : 'answers were'} stopped or cut before the provider reported its usage, so the daemon counted the text it saw.`,
          );
        }
        return EXIT.OK;
      },
    },
  ],
};

function metrics(out: Output, t: UsageTotals): string[] {
  const cost = costCell(t);
  return [
    n(t.requests),
    t.errors > 0 ? out.paint('red', n(t.errors)) : '0',
    approx(t, n(t.inputTokens)),
    approx(t, n(t.outputTokens)),
    t.unpricedRequests > 0 ? out.paint('yellow', cost) : cost,
    t.requests > 0 ? `${n(Math.round(t.latencyMsTotal / t.requests))} ms` : '-',
  ];
}

/** `~1,234` when part of the row's tokens are the daemon's estimate (stopped answers). */
function approx(t: UsageTotals, cell: string): string {
  return (t.estimatedRequests ?? 0) > 0 ? `~${cell}` : cell;
}

/** `--from`/`--to`, or `--days N` (today and the N-1 days before it, UTC). */
function dayRange(values: Values): { from?: string; to?: string } {
  const from = day(values, 'from');
  const to = day(values, 'to');
  const days = int(values, 'days', 1, 3650);
  if (days !== undefined) {
    if (from || to)
      throw new UsageError(
        '--days cannot be combined with --from or --to.',
        'Use --days N for the last N days, or --from/--to for a fixed range.',
      );
    const start = new Date(Date.now() - (days - 1) * 86_400_000);
    return { from: start.toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10) };
  }
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}.`);
  return { ...(from && { from }), ...(to && { to }) };
}

function groupKeys(values: Values): UsageGroupKey[] | undefined {
  const raw = str(values, 'group-by');
  if (raw === undefined) return undefined;
  const keys = raw
    .split(',')
    .map((k) => k.trim().toLowerCase())
    .filter(Boolean);
  const bad = keys.find((k) => !UsageGroupKey.safeParse(k).success);
  if (keys.length === 0 || bad !== undefined)
    throw new UsageError(
      `--group-by takes connection, model, day, token and/or client${bad ? `, not "${bad.slice(0, 20)}"` : ''}.`,
      'e.g. --group-by model, or --group-by connection,day',
    );
  return [...new Set(keys)] as UsageGroupKey[];
}

/** Says which models had no price and how to give them one. */
function noteUnpriced(
  out: Output,
  records: ReadonlyArray<{ connectionId: string; model: string; unpricedRequests: number }>,
  connections: Connection[],
): void {
  const provider = new Map(connections.map((c) => [c.id, c.provider]));
  const missing = [
    ...new Set(
      records.filter((r) => r.unpricedRequests > 0).map((r) => `${provider.get(r.connectionId) ?? '?'} ${r.model}`),
    ),
  ];
  const [first] = missing;
  out.note(`Some costs are unknown: no price for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`);
  if (first && !first.startsWith('?'))
    out.note(`Set one with: switchboard prices set ${first} --input USD_PER_MTOK --output USD_PER_MTOK`);
}
