/**
 * `switchboard audit [--connection C] [--action KINDS] [--since WHEN] [--limit N] [--json]`: the
 * daemon's audit log as a table — changes, connection tests and keys a provider refused — newest
 * last, in words. Entries never hold a key, and nothing here adds one.
 */
import { AUDIT_ACTIONS, AuditList, type AuditAction, type AuditEntry } from '../../../shared/protocol';
import { int, str, UsageError, type Values } from '../args';
import type { CliContext, Group } from '../context';
import { EXIT } from '../exitCodes';
import type { Output } from '../output';

/** Short names a person may type for the kinds they look for most. */
const ALIASES: Record<string, AuditAction> = {
  test: 'connectionTest',
  tests: 'connectionTest',
  refused: 'keyRejected',
};
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export const auditGroup: Group = {
  name: 'audit',
  summary: 'Show the audit log: changes, connection tests and refused keys',
  commands: [
    {
      name: '',
      summary: 'Show the audit log: changes, connection tests and refused keys',
      usage: 'audit [--connection CONN] [--action KINDS] [--since WHEN] [--limit N]',
      details: `Newest last. Besides every change (create, update, setKey, rotateKey, delete, …) the log records each
connection test (manual or scheduled: how it went, the stage that decided it and why) and each time a
provider refused a key (401 or 403) during a chat or a test, with where: chat/stream, an HTTP route, or a test.
No entry ever holds a key.
--since takes a time (2026-12-01, 2026-12-01T09:00:00Z) or an age: 30m, 12h, 7d, 2w.
--action takes kinds, comma-separated: ${AUDIT_ACTIONS.join(', ')} (or: tests, refused).
Examples:
  switchboard audit --connection work --since 7d
  switchboard audit --action refused --json`,
      flags: [
        {
          name: 'connection',
          short: 'c',
          type: 'string',
          value: 'CONN',
          description: 'Only this connection (name or id; an id also finds a deleted one)',
        },
        { name: 'action', type: 'string', value: 'KINDS', description: 'Only these kinds, comma-separated' },
        { name: 'since', type: 'string', value: 'WHEN', description: 'Only entries since a time or an age (7d, 12h)' },
        {
          name: 'limit',
          short: 'n',
          type: 'string',
          value: 'N',
          description: 'At most N entries, the newest (default 50)',
        },
      ],
      async run(ctx, parsed) {
        if (parsed.positionals.length > 0)
          throw new UsageError(
            'audit takes no arguments: name a connection with --connection.',
            `Usage: switchboard ${this.usage}`,
          );
        const limit = int(parsed.values, 'limit', 1, 10_000) ?? 50;
        const since = sinceOf(parsed.values, Date.now());
        const actions = actionsOf(parsed.values);
        const connectionId = await connectionIdOf(ctx, str(parsed.values, 'connection'));
        const { entries } = await (
          await ctx.client()
        ).request(AuditList, {
          limit,
          ...(connectionId !== undefined && { connectionId }),
          ...(actions && { actions }),
          ...(since && { since }),
        });
        ctx.out.data({ entries });
        if (entries.length === 0) {
          ctx.out.line('No audit entries match.');
          return EXIT.OK;
        }
        const now = Date.now();
        ctx.out.table(
          ['WHEN', 'CONNECTION', 'WHAT', 'BY', 'DETAILS'],
          entries.map((e) => [
            when(e.at, now),
            e.name ?? e.connectionId ?? ctx.out.paint('dim', '-'),
            e.action,
            e.client,
            detailsInWords(ctx.out, e),
          ]),
        );
        return EXIT.OK;
      },
    },
  ],
};

/** A name or id of a connection that exists; an id the daemon no longer knows is taken as is (a deleted connection's entries). */
async function connectionIdOf(ctx: CliContext, ref: string | undefined): Promise<string | undefined> {
  if (ref === undefined) return undefined;
  try {
    return (await ctx.connection(ref)).id;
  } catch (error) {
    if (/^conn_[A-Za-z0-9_-]+$/.test(ref)) return ref;
    throw error;
  }
}

/** `--since`: a day, an ISO time, or an age such as `7d`; always an ISO instant for the daemon. */
export function sinceOf(values: Values, now: number): string | undefined {
  const raw = str(values, 'since');
  if (raw === undefined) return undefined;
  const age = /^(\d{1,6})\s*([mhdw])$/i.exec(raw.trim());
  if (age) return new Date(now - Number(age[1]) * UNITS[age[2]!.toLowerCase()]!).toISOString();
  const text = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw;
  const at = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at))
    throw new UsageError(
      `--since must be a time or an age, not "${raw}".`,
      'Use a day (2026-12-01), a time (2026-12-01T09:00:00Z) or an age: 30m, 12h, 7d, 2w.',
    );
  return new Date(at).toISOString();
}

function actionsOf(values: Values): AuditAction[] | undefined {
  const raw = str(values, 'action');
  if (raw === undefined) return undefined;
  const byLower = new Map<string, AuditAction>(AUDIT_ACTIONS.map((a) => [a.toLowerCase(), a]));
  const kinds = raw
    .split(',')
    .map((k) => k.trim().toLowerCase())
    .filter(Boolean)
    .map((k) => {
      const kind = byLower.get(k) ?? ALIASES[k];
      if (!kind)
        throw new UsageError(
          `--action: "${k}" is not a kind of audit entry.`,
          `Use one or more of: ${AUDIT_ACTIONS.join(', ')} (or: tests, refused), comma-separated.`,
        );
      return kind;
    });
  if (kinds.length === 0) throw new UsageError('--action needs at least one kind.');
  return [...new Set(kinds)];
}

/** `2026-12-06 14:47 (3 min ago)`: the time to look up, and how long ago to read at a glance. */
function when(iso: string, now: number): string {
  const at = Date.parse(iso);
  const stamp = new Date(at).toISOString().slice(0, 16).replace('T', ' ');
  const min = Math.floor((now - at) / 60_000);
  const ago =
    min < 1
      ? 'just now'
      : min < 60
        ? `${min} min ago`
        : min < 48 * 60
          ? `${Math.floor(min / 60)} h ago`
          : `${Math.floor(min / 1440)} days ago`;
  return `${stamp} (${ago})`;
}

/** What an entry's details say, in a line. */
function detailsInWords(out: Output, e: AuditEntry): string {
  const d = e.details ?? {};
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  if (e.action === 'connectionTest') {
    const status = text(d['status']);
    const painted = out.paint(status === 'ok' ? 'green' : status === 'warning' ? 'yellow' : 'red', status);
    return `${painted} (${text(d['trigger'])})${d['stage'] ? ` at ${text(d['stage'])}` : ''}: ${text(d['reason'])}`;
  }
  if (e.action === 'keyRejected') {
    const why = d['status'] === 403 ? 'key refused (403)' : 'key rejected (401)';
    return `${out.paint('red', why)} on ${text(d['surface'])}${d['model'] ? `, model ${text(d['model'])}` : ''}`;
  }
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : text(v)}`)
    .join('; ');
}
