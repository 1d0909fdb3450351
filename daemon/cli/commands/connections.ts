/** `switchboard connections list|add|edit|remove|test|default|providers`. */
import {
  ConnectionsCreate,
  ConnectionsDelete,
  ConnectionsQuota,
  ConnectionsSetDefault,
  ConnectionsUpdate,
  ProvidersList,
  SECRET_HEADER_MASK,
  type Connection,
  type CreateConnectionParams,
  type UpdateConnectionParams,
} from '../../../shared/protocol';
import { bool, positionals, str, UsageError } from '../args';
import type { CliContext, Group } from '../context';
import { EXIT } from '../exitCodes';
import type { Output } from '../output';
import { confirm } from '../prompt';
import { AWS_FLAGS, awsParams } from './awsFlags';
import {
  FIELD_FLAGS,
  fieldParams,
  findProvider,
  KEY_FLAGS,
  keyChoice,
  UNSET_FLAG,
  unsetParams,
} from './connectionFlags';
import { describeLimits, POLICY_CLEAR_FLAGS, POLICY_FLAGS, policyParams } from './policyFlags';
import { signInAndCreate, SIGN_IN_FLAGS } from './signIn';
import { testCommand } from './test';
import { CARRIES_FLAGS, carriesParams, describeDefaults, DISABLED_FLAG } from './carriesFlags';
import { enableCommand } from './enable';
import { printQuota } from './quotaView';

/** How a connection's key is held, masked: `vault …abcd`, `$OPENAI_API_KEY (unset)`, `none`. */
export function keyCell(out: Output, c: Connection): string {
  if (c.keySource === 'none') return out.paint('dim', 'none');
  const where = c.keySource.startsWith('env:') ? `$${c.keySource.slice(4)}` : c.keySource;
  if (!c.keyAvailable) return `${where} ${out.paint('red', c.keySource.startsWith('env:') ? '(unset)' : '(missing)')}`;
  return `${where} ${c.keyHint ?? ''}`.trimEnd();
}

export function statusCell(out: Output, c: Connection): string {
  if (c.enabled === false) return out.paint('dim', 'disabled');
  const s = c.lastTest?.status;
  if (!s) return out.paint('dim', 'untested');
  return out.paint(s === 'ok' ? 'green' : s === 'warning' ? 'yellow' : 'red', s);
}

/** The last test's colour, whether or not the connection is switched on. */
function lastTestCell(out: Output, c: Connection): string {
  return statusCell(out, { ...c, enabled: true });
}

function describe(out: Output, c: Connection): string {
  return `${c.name} (${c.id}): ${c.provider}, ${c.baseUrl}${c.defaultModel ? `, model ${c.defaultModel}` : ''}, key ${keyCell(out, c)}${c.isDefault ? ', default' : ''}`;
}

/** The `connections show` lines: label, value. */
function showRows(out: Output, c: Connection, names: Map<string, string>): Array<[string, string]> {
  const name = (id: string) => names.get(id) ?? out.paint('dim', `${id} (deleted)`);
  const rows: Array<[string, string | undefined]> = [
    ['name', `${c.name}${c.isDefault ? ` ${out.paint('cyan', '(default)')}` : ''}`],
    ['id', c.id],
    ['description', c.description],
    [
      'enabled',
      c.enabled === false
        ? out.paint('yellow', 'no: requests do not use it (`connections enable` turns it on)')
        : 'yes',
    ],
    ['last used', c.lastUsedAt ?? 'never'],
    ['defaults', describeDefaults(c)],
    ['provider', c.provider],
    ['base url', c.baseUrl],
    ['model', c.defaultModel ?? '-'],
    ['allowed models', c.allowedModels?.join(', ')],
    ['organization', c.organization],
    ['api version', c.apiVersion],
    // Secret values arrive masked (SECRET_HEADER_MASK): the daemon never sends them.
    [
      'headers',
      c.headers &&
        Object.entries(c.headers)
          .map(([header, value]) => `${header}: ${value}`)
          .join(', '),
    ],
    ['key', keyCell(out, c)],
    ['timeout', `${c.timeoutMs} ms, ${c.maxRetries} retries`],
    [
      'status',
      c.lastTest ? `${lastTestCell(out, c)}: ${c.lastTest.summary} (${c.lastTest.testedAt})` : lastTestCell(out, c),
    ],
    ['limits', c.capacity?.length ? describeLimits(c.capacity).join('; ') : 'none'],
    [
      'over a limit',
      c.capacity?.length
        ? c.onLimit === 'queue'
          ? `queue, up to ${c.maxQueueWaitMs ?? 60_000} ms`
          : 'fail with RATE_LIMITED'
        : undefined,
    ],
    ['budget', c.budget ? `$${c.budget.amount} per ${c.budget.period}` : 'none'],
    [
      'fallbacks',
      c.fallbacks?.length
        ? c.fallbacks
            .map((id) => `${name(id)}${c.fallbackModels?.[id] ? ` (${c.fallbackModels[id]})` : ''}`)
            .join(' → ')
        : 'none',
    ],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
}

export const connectionsGroup: Group = {
  name: 'connections',
  summary: 'List, add, edit, remove, test and choose connections',
  commands: [
    {
      name: 'list',
      summary: 'List connections (default first)',
      usage: 'connections list',
      flags: [],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const connections = await ctx.connections();
        ctx.out.data({ connections });
        if (connections.length === 0) {
          ctx.out.line(
            'No connections yet. Add one with `switchboard connections add --name NAME --provider ID` or `switchboard import-env`.',
          );
          return EXIT.OK;
        }
        ctx.out.table(
          ['', 'NAME', 'PROVIDER', 'MODEL', 'KEY', 'STATUS', 'ID'],
          connections.map((c) => [
            c.isDefault ? ctx.out.paint('cyan', '*') : '',
            c.name,
            c.provider,
            c.defaultModel ?? '-',
            keyCell(ctx.out, c),
            statusCell(ctx.out, c),
            ctx.out.paint('dim', c.id),
          ]),
        );
        return EXIT.OK;
      },
    },
    {
      name: 'show',
      summary:
        'Show every field of one connection, with its limits, how much of them is used now, budget and fallbacks',
      usage: 'connections show <connection>',
      flags: [],
      async run(ctx, parsed) {
        const [ref] = positionals(parsed, ['connection'], this.usage);
        const connection = await ctx.connection(ref!);
        const client = await ctx.client();
        const [quota] = (await client.request(ConnectionsQuota, { id: connection.id })).quotas;
        ctx.out.data({ connection, ...(quota && { quota }) });
        const names = new Map((await ctx.connections()).map((c) => [c.id, c.name]));
        for (const [label, value] of showRows(ctx.out, connection, names))
          ctx.out.line(`${`${label}:`.padEnd(16)} ${value}`);
        if (quota) printQuota(ctx.out, quota);
        return EXIT.OK;
      },
    },
    {
      name: 'add',
      summary: 'Add a connection',
      usage:
        'connections add --name NAME --provider ID [--base-url URL] [--model M] [--default] [--key-stdin | --key-env VAR | --no-key | --sign-in] [...]',
      details: `The key is never taken from the command line (it would show in \`ps\` and shell history).
Without a key flag, a provider that needs a key prompts for it with hidden input on a terminal.
--sign-in (OpenRouter): prints a sign-in address and opens it in the browser when it can; after you
approve, OpenRouter sends the browser back to a one-shot server on 127.0.0.1 and the daemon exchanges
the code for a key kept in its vault (never shown). --name defaults to "OpenRouter".
Examples:
  switchboard connections add --name OpenAI --provider openai --model gpt-4o
  printenv GROQ_API_KEY | switchboard connections add --name Groq --provider groq --key-stdin
  switchboard connections add --name Anthropic --provider anthropic --key-env ANTHROPIC_API_KEY
  switchboard connections add --name Local --provider ollama --no-key
  switchboard connections add --provider openrouter --sign-in
  printenv AWS_SECRET_ACCESS_KEY | switchboard connections add --name Bedrock --provider bedrock \
    --region us-east-1 --access-key-id AKIA… --secret-access-key - --model us.anthropic.claude-sonnet-4-5-20250929-v1:0
  switchboard connections add --name Bedrock --provider bedrock --region eu-west-1 --bedrock-api-key @env:AWS_BEARER_TOKEN_BEDROCK
  switchboard connections add --name Bedrock --provider bedrock --region us-west-2 --aws-profile work
  switchboard connections add --name Main --provider openai --key-env OPENAI_API_KEY \
    --limit minute:requests=60,tokens=100k --budget month:50 --fallback Local`,
      flags: [
        ...FIELD_FLAGS,
        ...CARRIES_FLAGS,
        DISABLED_FLAG,
        ...KEY_FLAGS,
        ...SIGN_IN_FLAGS,
        ...AWS_FLAGS,
        ...POLICY_FLAGS,
      ],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const name = str(parsed.values, 'name');
        const providerId = str(parsed.values, 'provider');
        if (bool(parsed.values, 'sign-in')) {
          if (!providerId)
            throw new UsageError(
              'connections add --sign-in needs --provider openrouter.',
              `Usage: switchboard ${this.usage}`,
            );
          const connection = await signInAndCreate(ctx, parsed, providerId);
          ctx.out.data({ connection });
          ctx.out.line(`Signed in: added ${describe(ctx.out, connection)}.`);
          ctx.out.note(`Check it with: switchboard connections test "${connection.name}"`);
          return EXIT.OK;
        }
        if (!name || !providerId)
          throw new UsageError(
            `connections add needs ${!name ? '--name' : '--provider'}.`,
            `Usage: switchboard ${this.usage}`,
          );
        const client = await ctx.client();
        const provider = await findProvider(client, providerId);
        const fields = {
          ...fieldParams(parsed.values),
          ...carriesParams(parsed.values),
          ...(await policyParams(ctx, parsed.values, { newName: name })),
        };
        const aws = await awsParams(parsed.values, provider);
        // A Bedrock connection's key (secret access key or API key) comes with the AWS flags; a profile needs none.
        const key =
          provider.adapter === 'bedrock'
            ? {}
            : await keyChoice(parsed.values, {
                label: name,
                requiresKey: provider.requiresKey,
                promptWhenMissing: true,
              });
        const params = { ...fields, name, provider: provider.id, ...key, ...aws } as CreateConnectionParams;
        const { connection } = await client.request(ConnectionsCreate, params);
        ctx.out.data({ connection });
        ctx.out.line(`Added ${describe(ctx.out, connection)}.`);
        ctx.out.note(`Check it with: switchboard connections test "${connection.name}"`);
        return EXIT.OK;
      },
    },
    {
      name: 'edit',
      summary: 'Change fields of a connection',
      usage:
        'connections edit <connection> [--name N] [--base-url U] [--model M] [--unset FIELD] [--key-stdin | --key-env VAR | --no-key] [...]',
      details: `--limit, --budget and --fallback replace what the connection had; --no-limits, --no-budget and
--no-fallbacks remove it. --fallback-model adds to the models already set for the fallbacks.`,
      flags: [
        ...FIELD_FLAGS,
        ...CARRIES_FLAGS,
        ...KEY_FLAGS,
        ...AWS_FLAGS,
        ...POLICY_FLAGS,
        ...POLICY_CLEAR_FLAGS,
        UNSET_FLAG,
      ],
      async run(ctx, parsed) {
        const [ref] = positionals(parsed, ['connection'], this.usage);
        const current = await ctx.connection(ref!);
        const client = await ctx.client();
        const providerId = str(parsed.values, 'provider');
        const provider = providerId === undefined ? undefined : await findProvider(client, providerId);
        const changes = {
          ...fieldParams(parsed.values),
          ...unsetParams(parsed.values),
          ...carriesParams(parsed.values, current),
          ...(await policyParams(ctx, parsed.values, { current })),
          ...(provider && { provider: provider.id }),
        };
        const key = await keyChoice(parsed.values, {
          label: current.name,
          requiresKey: true,
          promptWhenMissing: false,
        });
        const aws = await awsParams(parsed.values, provider, current);
        const params = { ...changes, ...key, ...aws, id: current.id } as UpdateConnectionParams;
        if (Object.keys(params).length === 1)
          throw new UsageError('Nothing to change: give at least one flag.', `Usage: switchboard ${this.usage}`);
        if (!(await confirmHostMove(ctx, current, params))) {
          ctx.out.note('Nothing changed.');
          return EXIT.FAILED;
        }
        const { connection } = await client.request(ConnectionsUpdate, params);
        ctx.out.data({ connection });
        ctx.out.line(`Updated ${describe(ctx.out, connection)}.`);
        return EXIT.OK;
      },
    },
    {
      name: 'remove',
      summary: 'Delete a connection and its stored key',
      usage: 'connections remove <connection> [--yes]',
      details: 'Asks for confirmation on a terminal; elsewhere --yes is required.',
      flags: [{ name: 'yes', short: 'y', type: 'boolean', description: 'Do not ask for confirmation' }],
      async run(ctx, parsed) {
        const [ref] = positionals(parsed, ['connection'], this.usage);
        const { connection: target, matchedBy } = await ctx.connectionMatch(ref!);
        // Says which rule found it, so nobody deletes one connection thinking of another.
        const matched = `, matched by ${matchedBy}`;
        if (!bool(parsed.values, 'yes')) {
          if (!ctx.out.interactive)
            throw new UsageError(
              `Refusing to delete "${target.name}"${matched} without confirmation.`,
              'Pass --yes to delete without asking.',
            );
          if (
            !(await confirm(`Delete connection "${target.name}" (${target.provider}${matched}) and its stored key?`))
          ) {
            ctx.out.note('Nothing deleted.');
            return EXIT.FAILED;
          }
        }
        const client = await ctx.client();
        const { connection } = await client.request(ConnectionsDelete, { id: target.id });
        ctx.out.data({ connection });
        ctx.out.line(
          `Removed ${connection.name} (${connection.id}${matched}).${connection.isDefault ? ' There is no default connection now.' : ''}`,
        );
        return EXIT.OK;
      },
    },
    testCommand,
    enableCommand('enable'),
    enableCommand('disable'),
    {
      name: 'default',
      summary: 'Make a connection the default',
      usage: 'connections default <connection>',
      flags: [],
      async run(ctx, parsed) {
        const [ref] = positionals(parsed, ['connection'], this.usage);
        const target = await ctx.connection(ref!);
        const client = await ctx.client();
        const { connection } = await client.request(ConnectionsSetDefault, { id: target.id });
        ctx.out.data({ connection });
        ctx.out.line(`${connection.name} is now the default connection.`);
        return EXIT.OK;
      },
    },
    {
      name: 'providers',
      summary: 'List the providers a connection can use',
      usage: 'connections providers',
      flags: [],
      async run(ctx: CliContext, parsed) {
        positionals(parsed, [], this.usage);
        const { providers } = await (await ctx.client()).request(ProvidersList);
        ctx.out.data({ providers });
        ctx.out.table(
          ['ID', 'NAME', 'KEY', 'ENV VAR', 'BASE URL'],
          providers.map((p) => [
            p.id,
            p.name,
            p.requiresKey ? 'required' : 'optional',
            p.envVar ?? '-',
            p.defaultBaseUrl,
          ]),
        );
        return EXIT.OK;
      },
    },
  ],
};

/** The origin of a URL (`https://host:port`), or undefined when it is none. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * A new base URL on another origin drops the stored key and secret header values (the daemon binds
 * them to their host) unless the edit brings a key: say so before saving, on stderr; on a terminal,
 * ask. False when the person declined.
 */
async function confirmHostMove(ctx: CliContext, current: Connection, params: UpdateConnectionParams): Promise<boolean> {
  // A URL that does not parse is the daemon's to refuse, with its own message.
  const to = params.baseUrl === undefined ? undefined : originOf(params.baseUrl);
  if (to === undefined || to === originOf(current.baseUrl)) return true;
  const bringsKey =
    params.apiKey !== undefined || (typeof params.keySource === 'string' && params.keySource.startsWith('env:'));
  const losesKey = !bringsKey && current.keySource !== 'none';
  const losesHeaders = (current.secretHeaders ?? []).filter(
    (name) => params.headers?.[name] === undefined || params.headers[name] === SECRET_HEADER_MASK,
  );
  if (!losesKey && losesHeaders.length === 0) return true;
  const what = [
    losesKey ? 'its stored key' : '',
    losesHeaders.length > 0
      ? `its secret header value${losesHeaders.length > 1 ? 's' : ''} (${losesHeaders.join(', ')})`
      : '',
  ]
    .filter(Boolean)
    .join(' and ');
  ctx.out.warn(
    `Moving "${current.name}" from ${originOf(current.baseUrl) ?? current.baseUrl} to ${to} drops ${what}: a key is bound to its host. Give the key for the new host with --key-stdin or --key-env VAR in the same edit.`,
  );
  if (!ctx.out.interactive) return true;
  return confirm(`Move "${current.name}" to ${to} without ${what}?`);
}
