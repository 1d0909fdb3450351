/** `switchboard usage [--connection c] [--from YYYY-MM-DD] [--to YYYY-MM-DD]`. */
import { UsageGet, type UsageRecord } from '../../../shared/protocol';
import { day, positionals, str, UsageError } from '../args';
import type { Group } from '../context';
import { EXIT } from '../exitCodes';

const n = (v: number) => v.toLocaleString('en-US');

export const usageGroup: Group = {
  name: 'usage',
  summary: 'Show requests and tokens per day, connection and model',
  commands: [
    {
      name: '',
      summary: 'Show requests and tokens per day, connection and model',
      usage: 'usage [--connection CONN] [--from YYYY-MM-DD] [--to YYYY-MM-DD]',
      details: 'Days are UTC. Without --from/--to every recorded day is shown.',
      flags: [
        { name: 'connection', short: 'c', type: 'string', value: 'CONN', description: 'Only this connection (name or id)' },
        { name: 'from', type: 'string', value: 'DAY', description: 'First day, YYYY-MM-DD' },
        { name: 'to', type: 'string', value: 'DAY', description: 'Last day, YYYY-MM-DD' },
      ],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const from = day(parsed.values, 'from');
        const to = day(parsed.values, 'to');
        if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}.`);
        const ref = str(parsed.values, 'connection');
        const connections = await ctx.connections();
        const only = ref === undefined ? undefined : await ctx.connection(ref);
        const client = await ctx.client();
        const { records, totals: total } = await client.request(UsageGet, { ...(only && { connectionId: only.id }), ...(from && { from }), ...(to && { to }) });
        const names = new Map(connections.map((c) => [c.id, c.name]));
        ctx.out.data({ records: records.map((r) => ({ ...r, connectionName: names.get(r.connectionId) ?? null })) });
        if (records.length === 0) {
          ctx.out.line('No usage recorded for this selection.');
          return EXIT.OK;
        }
        const avg = (r: { requests: number; latencyMsTotal: number }) => (r.requests > 0 ? `${Math.round(r.latencyMsTotal / r.requests)} ms` : '-');
        const rows = records.map((r) => [
          r.day,
          names.get(r.connectionId) ?? ctx.out.paint('dim', `${r.connectionId} (deleted)`),
          r.model,
          n(r.requests),
          r.errors > 0 ? ctx.out.paint('red', n(r.errors)) : '0',
          n(r.inputTokens),
          n(r.outputTokens),
          avg(r),
        ]);
        if (records.length > 1) rows.push([ctx.out.paint('bold', 'total'), '', '', n(total.requests), n(total.errors), n(total.inputTokens), n(total.outputTokens), avg(total)]);
        ctx.out.table(['DAY', 'CONNECTION', 'MODEL', 'REQUESTS', 'ERRORS', 'INPUT TOKENS', 'OUTPUT TOKENS', 'AVG LATENCY'], rows);
        return EXIT.OK;
      },
    },
  ],
};
