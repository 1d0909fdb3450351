/**
 * `switchboard providers list|add|edit|remove`: the provider catalog, and the user's own providers —
 * any server that speaks the openai or anthropic wire format, with the header its key goes in when
 * that is not the format's own (`api-key: <key>`, `Authorization: Token <key>`). Saved through
 * `providers/upsert` / `providers/delete`, as the connection manager's "Custom provider…" form does.
 */
import { ProvidersDelete, ProvidersList, ProvidersUpsert, type Provider } from '../../../shared/protocol';
import { headerValueProblem } from '../../../shared/rules/inputRules';
import { authHeaderNameProblem, authPrefixProblem, providerIdProblem } from '../../../shared/rules/providerFields';
import { bool, positionals, str, UsageError, type Flag, type Values } from '../args';
import type { CliContext, Group } from '../context';
import { EXIT } from '../exitCodes';
import { confirm } from '../prompt';

type ProviderFields = Omit<Provider, 'builtIn' | 'models'> & { adapter: 'openai' | 'anthropic' };

const FORMATS = ['openai', 'anthropic'] as const;
const APIS = ['embeddings', 'responses'] as const;

const FIELD_FLAGS: Flag[] = [
  { name: 'name', type: 'string', value: 'NAME', description: 'Display name (default: the id)' },
  { name: 'base-url', type: 'string', value: 'URL', description: 'API base URL, e.g. https://llm.example.com/v1' },
  {
    name: 'format',
    type: 'string',
    value: 'FORMAT',
    description: 'Wire format the server speaks: openai (chat completions) or anthropic (messages); default openai',
  },
  {
    name: 'auth-header',
    type: 'string',
    value: 'NAME',
    description: 'Header the key is sent in, e.g. api-key (default: Authorization: Bearer, or x-api-key for anthropic)',
  },
  {
    name: 'auth-prefix',
    type: 'string',
    value: 'WORD',
    description: 'Word sent before the key in that header, e.g. Token (default: none, the key alone)',
  },
  { name: 'no-key', type: 'boolean', description: 'The server needs no key (connections may still have one)' },
  { name: 'docs', type: 'string', value: 'URL', description: 'Where to get or check a key' },
  { name: 'key-hint', type: 'string', value: 'TEXT', description: 'What a key looks like, e.g. "starts with gw-"' },
  { name: 'env-var', type: 'string', value: 'NAME', description: 'Environment variable its key is usually in' },
  {
    name: 'apis',
    type: 'string',
    value: 'A,B',
    description: 'OpenAI APIs it serves besides chat: embeddings, responses (openai format only)',
  },
];

/** `Authorization: Bearer <key>` and the like, for the list and for what add/edit say. */
function keyHeaderText(p: Pick<Provider, 'adapter' | 'azure' | 'authHeader'>): string {
  if (p.authHeader) return `${p.authHeader.name}: ${p.authHeader.prefix ? `${p.authHeader.prefix} ` : ''}<key>`;
  if (p.adapter === 'anthropic') return 'x-api-key: <key>';
  if (p.adapter === 'bedrock') return 'AWS signature';
  return p.azure ? 'api-key: <key>' : 'Authorization: Bearer <key>';
}

function describe(p: ProviderFields): string {
  return `${p.name} (${p.id}): ${p.adapter} format at ${p.defaultBaseUrl}, ${p.requiresKey ? `key sent as ${keyHeaderText(p)}` : 'no key needed'}`;
}

/** A flag's value checked by one of the shared rules, refused in the rule's own words. */
function checked(values: Values, flag: string, problem: (v: string) => string | undefined, hint: string) {
  const value = str(values, flag);
  if (value === undefined) return undefined;
  const why = problem(value);
  if (why) throw new UsageError(`--${flag} ${why}.`, hint);
  return value;
}

/** The fields the flags set, over `base` (the provider being edited, or a new one's defaults). */
function fieldsFrom(values: Values, base: ProviderFields): ProviderFields {
  const out: ProviderFields = { ...base };
  const name = str(values, 'name');
  if (name !== undefined) {
    if (name.trim() === '')
      throw new UsageError('--name must not be empty.', 'Give the name people will see, e.g. --name "Acme Gateway".');
    out.name = name.trim();
  }
  const baseUrl = str(values, 'base-url');
  if (baseUrl !== undefined) out.defaultBaseUrl = baseUrl.trim();
  const format = str(values, 'format');
  if (format !== undefined) {
    const f = format.toLowerCase();
    if (!(FORMATS as readonly string[]).includes(f))
      throw new UsageError(
        `--format must be openai or anthropic (got "${format.slice(0, 40)}").`,
        'openai: servers with /chat/completions (most gateways, vLLM, LiteLLM…); anthropic: servers with /v1/messages.',
      );
    out.adapter = f as ProviderFields['adapter'];
  }
  const header = checked(
    values,
    'auth-header',
    authHeaderNameProblem,
    'Use the header name your server documents, e.g. --auth-header api-key.',
  );
  const prefix = checked(
    values,
    'auth-prefix',
    authPrefixProblem,
    'e.g. --auth-prefix Token sends "Token <key>"; leave it out to send the key alone.',
  );
  if (header !== undefined) out.authHeader = { name: header, ...(prefix ? { prefix } : {}) };
  else if (prefix !== undefined) {
    if (!out.authHeader)
      throw new UsageError(
        '--auth-prefix needs --auth-header: the prefix goes before the key in that header.',
        'e.g. --auth-header Authorization --auth-prefix Token sends "Authorization: Token <key>".',
      );
    const { prefix: _old, ...rest } = out.authHeader;
    out.authHeader = prefix ? { ...rest, prefix } : rest;
  }
  if (bool(values, 'no-key')) out.requiresKey = false;
  if (bool(values, 'requires-key')) out.requiresKey = true;
  const docs = str(values, 'docs');
  if (docs !== undefined) out.docsUrl = docs.trim();
  const hint = checked(
    values,
    'key-hint',
    headerValueProblem,
    'Describe the key in plain ASCII, e.g. "starts with gw-".',
  );
  if (hint !== undefined) out.keyFormatHint = hint;
  const envVar = str(values, 'env-var');
  if (envVar !== undefined) out.envVar = envVar.trim();
  const apis = str(values, 'apis');
  if (apis !== undefined) {
    const wanted = apis
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean);
    const bad = wanted.find((a) => !(APIS as readonly string[]).includes(a));
    if (bad !== undefined)
      throw new UsageError(
        `--apis: "${bad.slice(0, 40)}" is not one of embeddings, responses.`,
        'e.g. --apis embeddings,responses.',
      );
    out.apis = [...new Set(wanted)] as NonNullable<ProviderFields['apis']>;
  }
  if (out.adapter !== 'openai' && out.apis !== undefined && out.apis.length > 0)
    throw new UsageError(
      '--apis applies to openai-format providers only.',
      'Leave --apis out for an anthropic-format provider.',
    );
  return out;
}

/** Only the fields `providers/upsert` takes (a listed provider also carries `builtIn` and prices). */
function upsertInput(p: ProviderFields): ProviderFields {
  const { id, name, adapter, defaultBaseUrl, requiresKey, keyFormatHint, docsUrl, envVar, apis, dialect, authHeader } =
    p;
  return {
    id,
    name,
    adapter,
    defaultBaseUrl,
    requiresKey,
    ...(keyFormatHint !== undefined && { keyFormatHint }),
    ...(docsUrl !== undefined && { docsUrl }),
    ...(envVar !== undefined && { envVar }),
    ...(apis !== undefined && apis.length > 0 && { apis }),
    ...(dialect !== undefined && { dialect }),
    ...(authHeader !== undefined && { authHeader }),
  };
}

async function providers(ctx: CliContext): Promise<Provider[]> {
  return (await (await ctx.client()).request(ProvidersList)).providers;
}

/** The user's provider `id`; a built-in or unknown one is refused with what to do instead. */
async function ownProvider(ctx: CliContext, id: string, verb: string): Promise<ProviderFields> {
  const all = await providers(ctx);
  const found = all.find((p) => p.id === id.toLowerCase());
  if (found?.builtIn)
    throw new UsageError(
      `"${found.id}" is a built-in provider and cannot be ${verb}.`,
      `Add your own instead, e.g. switchboard providers add my-${found.id} --base-url URL${verb === 'edited' ? ' (then point connections at it)' : ''}.`,
    );
  if (!found) {
    const mine = all.filter((p) => !p.builtIn).map((p) => p.id);
    throw new UsageError(
      `No provider of yours has the id "${id.slice(0, 64)}".`,
      mine.length > 0
        ? `Your providers: ${mine.join(', ')}. See switchboard providers list.`
        : 'You have not added any provider yet: switchboard providers add ID --base-url URL.',
    );
  }
  return found as ProviderFields;
}

export const providersGroup: Group = {
  name: 'providers',
  summary: 'List the provider catalog; add, edit and remove your own providers',
  default: 'list',
  commands: [
    {
      name: 'list',
      summary: 'List providers (built in and yours) and how each takes its key',
      usage: 'providers list [--custom]',
      flags: [{ name: 'custom', type: 'boolean', description: 'Only the providers you added' }],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const all = await providers(ctx);
        const shown = bool(parsed.values, 'custom') ? all.filter((p) => !p.builtIn) : all;
        ctx.out.data({ providers: shown });
        if (shown.length === 0) {
          ctx.out.line(
            'You have not added any provider yet. Add one with: switchboard providers add ID --base-url URL',
          );
          return EXIT.OK;
        }
        ctx.out.table(
          ['ID', 'NAME', 'FORMAT', 'KEY', 'BASE URL', 'SOURCE'],
          shown.map((p) => [
            p.id,
            p.name,
            p.adapter,
            p.requiresKey ? keyHeaderText(p) : ctx.out.paint('dim', `optional (${keyHeaderText(p)})`),
            p.defaultBaseUrl,
            p.builtIn ? ctx.out.paint('dim', 'built in') : ctx.out.paint('cyan', 'yours'),
          ]),
        );
        return EXIT.OK;
      },
    },
    {
      name: 'add',
      summary: 'Add a provider: any server that speaks the openai or anthropic format',
      usage:
        'providers add <id> --base-url URL [--format openai|anthropic] [--auth-header NAME [--auth-prefix WORD]] [--name NAME] …',
      details: `The id (lowercase letters, digits, . _ -) is what connections name: switchboard connections add --provider ID.
The key itself is never given here: each connection has its own (switchboard connections add, key set).
Most servers take the key as "Authorization: Bearer <key>" (openai format) or "x-api-key: <key>"
(anthropic format). For one that wants another header, name it with --auth-header, and the word
before the key with --auth-prefix. Examples:
  switchboard providers add acme --name "Acme Gateway" --base-url https://llm.acme.example/v1 --auth-header api-key
  switchboard providers add corp --base-url https://ai.corp.example/v1 --auth-header Authorization --auth-prefix Token
  switchboard providers add my-claude --format anthropic --base-url https://claude-proxy.example`,
      flags: FIELD_FLAGS,
      async run(ctx, parsed) {
        const [id] = positionals(parsed, ['id'], this.usage);
        const idProblem = providerIdProblem(id!);
        if (idProblem)
          throw new UsageError(
            `The provider id ${idProblem} (got "${id!.slice(0, 64)}").`,
            'e.g. switchboard providers add acme-gateway --base-url URL',
          );
        if (str(parsed.values, 'base-url') === undefined)
          throw new UsageError(
            'providers add needs --base-url: where the server answers.',
            'e.g. --base-url https://llm.example.com/v1',
          );
        const all = await providers(ctx);
        const clash = all.find((p) => p.id === id);
        if (clash)
          throw new UsageError(
            clash.builtIn ? `"${id}" is a built-in provider.` : `You already have a provider "${id}".`,
            clash.builtIn
              ? `Give yours another id, e.g. my-${id}.`
              : `Change it with switchboard providers edit ${id} …, or remove it first.`,
          );
        const fields = fieldsFrom(parsed.values, {
          id: id!,
          name: id!,
          adapter: 'openai',
          defaultBaseUrl: '',
          requiresKey: true,
        });
        const { provider } = await (await ctx.client()).request(ProvidersUpsert, { provider: upsertInput(fields) });
        ctx.out.data({ provider });
        ctx.out.line(`Added ${describe(provider as ProviderFields)}.`);
        ctx.out.line(`Use it: switchboard connections add --name NAME --provider ${provider.id}`);
        return EXIT.OK;
      },
    },
    {
      name: 'edit',
      summary: 'Change a provider you added (its connections use the change at once)',
      usage:
        'providers edit <id> [--name NAME] [--base-url URL] [--format F] [--auth-header NAME | --default-auth] [--auth-prefix WORD] …',
      details: `Only the flags given change. --default-auth goes back to the format's own key header
(Authorization: Bearer, or x-api-key). --auth-prefix "" keeps the header but sends the key alone.
--base-url changes the default for new connections; existing connections keep their own base URL.`,
      flags: [
        ...FIELD_FLAGS,
        { name: 'default-auth', type: 'boolean', description: "Send the key in the format's own header again" },
        { name: 'requires-key', type: 'boolean', description: 'The server needs a key (undoes --no-key)' },
      ],
      async run(ctx, parsed) {
        const [id] = positionals(parsed, ['id'], this.usage);
        const current = await ownProvider(ctx, id!, 'edited');
        const defaultAuth = bool(parsed.values, 'default-auth');
        if (
          defaultAuth &&
          (str(parsed.values, 'auth-header') !== undefined || str(parsed.values, 'auth-prefix') !== undefined)
        )
          throw new UsageError(
            '--default-auth cannot be combined with --auth-header or --auth-prefix.',
            `Usage: switchboard ${this.usage}`,
          );
        if (bool(parsed.values, 'no-key') && bool(parsed.values, 'requires-key'))
          throw new UsageError('--no-key and --requires-key contradict each other.', 'Give one of them.');
        const changed = Object.keys(parsed.values).some((k) => !['json', 'home', 'help'].includes(k));
        if (!changed)
          throw new UsageError(`Nothing to change: give at least one flag.`, `Usage: switchboard ${this.usage}`);
        const fields = fieldsFrom(parsed.values, current);
        if (defaultAuth) delete fields.authHeader;
        const { provider } = await (await ctx.client()).request(ProvidersUpsert, { provider: upsertInput(fields) });
        ctx.out.data({ provider });
        ctx.out.line(`Saved ${describe(provider as ProviderFields)}.`);
        return EXIT.OK;
      },
    },
    {
      name: 'remove',
      summary: 'Remove a provider you added (none of your connections may use it)',
      usage: 'providers remove <id> [--yes]',
      details: 'Asks for confirmation on a terminal; elsewhere --yes is required.',
      flags: [{ name: 'yes', short: 'y', type: 'boolean', description: 'Do not ask for confirmation' }],
      async run(ctx, parsed) {
        const [id] = positionals(parsed, ['id'], this.usage);
        const target = await ownProvider(ctx, id!, 'removed');
        const users = (await ctx.connections()).filter((c) => c.provider === target.id).map((c) => c.name);
        if (users.length > 0) {
          const quoted = users.map((n) => `"${n}"`);
          throw new UsageError(
            `Provider "${target.id}" is used by ${users.length === 1 ? 'connection' : 'connections'} ${quoted.join(', ')}.`,
            `Move ${users.length === 1 ? 'it' : 'each'} to another provider (switchboard connections edit ${quoted[0]} --provider ID) or remove ${users.length === 1 ? 'it' : 'them'} (switchboard connections remove ${quoted[0]}), then remove the provider.`,
          );
        }
        if (!bool(parsed.values, 'yes')) {
          if (!ctx.out.interactive)
            throw new UsageError(
              `Refusing to remove provider "${target.id}" without confirmation.`,
              'Pass --yes to remove it without asking.',
            );
          if (!(await confirm(`Remove provider "${target.name}" (${target.id})?`))) {
            ctx.out.note('Nothing removed.');
            return EXIT.FAILED;
          }
        }
        const { provider } = await (await ctx.client()).request(ProvidersDelete, { id: target.id });
        ctx.out.data({ provider });
        ctx.out.line(`Removed provider ${provider.name} (${provider.id}).`);
        return EXIT.OK;
      },
    },
  ],
};
