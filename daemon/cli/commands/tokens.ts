/**
 * `switchboard tokens create|list|revoke`: tool tokens — what to give a tool (Cline, aider, a script)
 * instead of the owner token in daemon.json. A tool token runs inference only, on the connections it
 * names, within its own budget, until it expires or is revoked.
 */
import { TokensCreate, TokensList, TokensRevoke, type ToolToken } from '../../../shared/protocol';
import { SwitchboardError, ErrorCode } from '../../../shared/client';
import { list, positionals, str, UsageError } from '../args';
import type { CliContext, Group } from '../context';
import { EXIT } from '../exitCodes';
import { parseBudget } from './policyFlags';

const DAY_MS = 86_400_000;

/**
 * `30d`, `12h`, `2w` from now, or a date (`2027-01-31`, end of that day UTC) or an ISO date-time.
 * Exported for tests.
 */
export function parseExpiry(spec: string, now = Date.now()): string {
  const relative = /^(\d{1,5})([hdw])$/i.exec(spec.trim());
  if (relative) {
    const n = Number(relative[1]);
    const unit = relative[2]!.toLowerCase();
    const ms = unit === 'h' ? 3_600_000 : unit === 'd' ? DAY_MS : 7 * DAY_MS;
    if (n >= 1) return new Date(now + n * ms).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(spec.trim())) {
    const end = Date.parse(`${spec.trim()}T23:59:59.999Z`);
    if (Number.isFinite(end) && end > now) return new Date(end).toISOString();
  }
  const at = /T/.test(spec) ? Date.parse(spec) : NaN;
  if (Number.isFinite(at) && at > now) return new Date(at).toISOString();
  throw new UsageError(
    `--expires needs a time in the future: 30d, 12h, 2w, a date (2027-01-31) or an ISO date-time (got "${spec.slice(0, 40)}").`,
    'e.g. --expires 30d for thirty days from now.',
  );
}

const scope = (t: ToolToken, names: Map<string, string>) =>
  t.connections === undefined ? 'all' : t.connections.map((id) => names.get(id) ?? `${id} (deleted)`).join(', ');
const budget = (t: ToolToken) =>
  t.budget ? `$${t.spentUsd?.toFixed(2) ?? '0.00'} of $${t.budget.amount}/${t.budget.period}` : '-';
const when = (iso: string | undefined) =>
  iso === undefined ? '-' : iso.replace(/:\d\d\.\d{3}Z$/, 'Z').replace('T', ' ');

/** A token by id or by name (without regard to case); TOKEN_NOT_FOUND (exit 4) listing what exists. */
async function findToken(ctx: CliContext, ref: string): Promise<ToolToken> {
  const { tokens } = await (await ctx.client()).request(TokensList);
  const found =
    tokens.find((t) => t.id === ref) ?? tokens.find((t) => t.name.toLocaleLowerCase() === ref.toLocaleLowerCase());
  if (found) return found;
  throw new SwitchboardError(ErrorCode.TOKEN_NOT_FOUND, `No tool token is named "${ref}" or has that id.`, {
    hint:
      tokens.length === 0
        ? 'There are no tool tokens.'
        : `Known tool tokens: ${tokens.map((t) => `"${t.name}"`).join(', ')}. See \`switchboard tokens list\`.`,
  });
}

export const tokensGroup: Group = {
  name: 'tokens',
  summary: 'Make, list and revoke tool tokens (what to give tools instead of the owner token)',
  default: 'list',
  commands: [
    {
      name: 'create',
      summary: 'Make a tool token; it is printed once',
      usage: 'tokens create --name NAME [--connections A,B] [--budget month:20] [--expires 30d]',
      details: `A tool token works only for inference (the /v1 HTTP API and chat over JSON-RPC), only on the
connections it names, within its own budget and until it expires. Give it to the tool as its API key
(base URL http://127.0.0.1:<port>/v1). It is printed once, on stdout: the daemon keeps only its hash.
Examples:
  switchboard tokens create --name cline --connections work --budget month:20 --expires 30d
  switchboard tokens create --name scripts --expires 2027-01-31`,
      flags: [
        { name: 'name', type: 'string', value: 'NAME', description: 'What the token is for, e.g. the tool (unique)' },
        {
          name: 'connections',
          type: 'string',
          value: 'A,B',
          description: 'Connections it may use, by name or id (default: all)',
          multiple: true,
        },
        {
          name: 'budget',
          type: 'string',
          value: 'PERIOD:USD',
          description: "The token's own budget per day or month, e.g. month:20",
        },
        {
          name: 'expires',
          type: 'string',
          value: 'WHEN',
          description: 'When it stops working: 30d, 12h, 2w, a date or an ISO date-time',
        },
      ],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const name = str(parsed.values, 'name');
        if (name === undefined)
          throw new UsageError(
            'tokens create needs --name.',
            'e.g. --name cline: the name says which tool holds the token, in lists and usage.',
          );
        const refs = list(parsed.values, 'connections')
          .flatMap((v) => v.split(','))
          .map((v) => v.trim())
          .filter((v) => v !== '');
        const connections =
          refs.length === 0 ? undefined : await Promise.all(refs.map(async (ref) => (await ctx.connection(ref)).id));
        const spec = str(parsed.values, 'budget');
        const expires = str(parsed.values, 'expires');
        const client = await ctx.client();
        const created = await client.request(TokensCreate, {
          name,
          ...(connections && { connections }),
          ...(spec !== undefined && { budget: parseBudget(spec) }),
          ...(expires !== undefined && { expiresAt: parseExpiry(expires) }),
        });
        ctx.out.data(created);
        ctx.out.line(created.secret);
        const where = connections === undefined ? 'every connection' : refs.join(', ');
        ctx.out.note(
          `Tool token "${created.token.name}" (fingerprint ${created.token.fingerprint}) for ${where}. This is the only time it is shown: put it in the tool's API key setting now.`,
        );
        return EXIT.OK;
      },
    },
    {
      name: 'list',
      summary: 'List tool tokens: scope, budget, expiry, last use (never the tokens)',
      usage: 'tokens list',
      flags: [],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const { tokens } = await (await ctx.client()).request(TokensList);
        ctx.out.data({ tokens });
        if (tokens.length === 0) {
          ctx.out.line('No tool tokens. Make one for a tool with: switchboard tokens create --name NAME');
          return EXIT.OK;
        }
        const names = new Map((await ctx.connections()).map((c) => [c.id, c.name]));
        ctx.out.table(
          ['NAME', 'FINGERPRINT', 'CONNECTIONS', 'BUDGET', 'EXPIRES', 'LAST USED', 'CREATED'],
          tokens.map((t) => [
            t.name,
            t.fingerprint,
            scope(t, names),
            budget(t),
            when(t.expiresAt),
            when(t.lastUsedAt),
            when(t.createdAt),
          ]),
        );
        return EXIT.OK;
      },
    },
    {
      name: 'revoke',
      summary: 'Revoke a tool token at once (by name or id)',
      usage: 'tokens revoke <token>',
      flags: [],
      async run(ctx, parsed) {
        const [ref] = positionals(parsed, ['token'], this.usage);
        const found = await findToken(ctx, ref!);
        const { token } = await (await ctx.client()).request(TokensRevoke, { id: found.id });
        ctx.out.data({ token });
        ctx.out.line(
          `Revoked tool token "${token.name}" (fingerprint ${token.fingerprint}). Tools holding it are refused from now on.`,
        );
        return EXIT.OK;
      },
    },
  ],
};
