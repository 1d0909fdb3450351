/**
 * `switchboard import-env [--yes] [--dotenv PATH] [--vault]`: creates connections from the API keys
 * in the environment and a `.env` file. Keys are shown masked (`…abcd`) and never printed.
 *
 * Where a key goes: a key from this process's environment becomes an `env:NAME` reference when the
 * running daemon sees the same value (checked by fingerprint after creating), so the daemon reads the
 * variable itself and a rotated variable rotates the key. Otherwise — the daemon runs with another
 * environment, the key came from `.env` (which the daemon never reads), or `--vault` — the key is
 * copied into the daemon's encrypted vault.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConnectionsCreate, ConnectionsUpdate, ProvidersList, type Connection, type CreateConnectionParams } from '../../../shared/protocol';
import { parseDotEnv } from '../../../shared/client/dotenv';
import { keyFingerprint, keyHint } from '../../../shared/client/keyMask';
import { bool, positionals, str, UsageError } from '../args';
import type { CliContext, Group } from '../context';
import { scanEnvironment, type Candidate } from '../envScan';
import { EXIT } from '../exitCodes';
import { confirm } from '../prompt';

type Plan = { candidate: Candidate; action: 'create' | 'skip'; reason?: string };


function readDotenv(explicit: string | undefined): { file?: string; values: Record<string, string> } {
  const file = path.resolve(explicit ?? '.env');
  if (!existsSync(file)) {
    if (explicit !== undefined) throw new UsageError(`--dotenv ${explicit}: no such file.`);
    return { values: {} };
  }
  try {
    return { file, values: parseDotEnv(readFileSync(file, 'utf8')) };
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

function storage(c: Candidate, forceVault: boolean): string {
  if (!c.key) return 'none';
  return c.key.from === 'env' && !forceVault ? `env:${c.keyVar}` : 'vault';
}

function summary(plan: Plan, forceVault: boolean) {
  const c = plan.candidate;
  return {
    name: c.name,
    provider: c.provider.id,
    variables: c.variables,
    from: c.origin,
    ...(c.key && { keyHint: keyHint(c.key.value) }),
    ...(c.baseUrl && { baseUrl: c.baseUrl }),
    storage: storage(c, forceVault),
    action: plan.action,
    ...(plan.reason && { reason: plan.reason }),
  };
}

async function create(ctx: CliContext, c: Candidate, forceVault: boolean): Promise<Connection> {
  const client = await ctx.client();
  const base: CreateConnectionParams = { name: c.name, provider: c.provider.id, ...(c.baseUrl && { baseUrl: c.baseUrl }), ...(c.defaultModel && { defaultModel: c.defaultModel }) };
  if (!c.key) return (await client.request(ConnectionsCreate, { ...base, keySource: 'none' })).connection;
  if (c.key.from === '.env' || forceVault) return (await client.request(ConnectionsCreate, { ...base, keySource: 'vault', apiKey: c.key.value })).connection;
  const { connection } = await client.request(ConnectionsCreate, { ...base, keySource: `env:${c.keyVar}` });
  if (connection.keyFingerprint === keyFingerprint(c.key.value)) return connection;
  ctx.out.note(`The daemon does not see this $${c.keyVar} (it runs with another environment): stored the key of ${c.name} in its vault instead.`);
  return (await client.request(ConnectionsUpdate, { id: connection.id, keySource: 'vault', apiKey: c.key.value })).connection;
}

export const importEnvGroup: Group = {
  name: 'import-env',
  summary: 'Create connections from API keys in the environment and .env',
  commands: [
    {
      name: '',
      summary: 'Create connections from API keys in the environment and .env',
      usage: 'import-env [--yes] [--dotenv PATH] [--vault]',
      details: `Looks at LLM_BASE_URL/LLM_API_KEY/LLM_MODEL, each provider's key variable (OPENAI_API_KEY,
ANTHROPIC_API_KEY, GEMINI_API_KEY, GROQ_API_KEY, MISTRAL_API_KEY, DEEPSEEK_API_KEY, XAI_API_KEY,
OPENROUTER_API_KEY, TOGETHER_API_KEY, FIREWORKS_API_KEY, CEREBRAS_API_KEY, AZURE_OPENAI_API_KEY with
AZURE_OPENAI_ENDPOINT) and OLLAMA_HOST, in the environment and in ./.env (the environment wins).
Connections are named like "OpenAI (env)"; a name that exists is skipped.
A key from the environment is stored as a reference (keySource env:NAME) when the daemon sees the
same value, so the daemon reads the variable itself; otherwise, and for keys from .env or with
--vault, it is copied into the daemon's encrypted vault. Keys are only ever shown masked (…abcd).
Asks for confirmation on a terminal; elsewhere --yes is required.`,
      flags: [
        { name: 'yes', short: 'y', type: 'boolean', description: 'Create without asking' },
        { name: 'dotenv', type: 'string', value: 'PATH', description: 'Read this .env file instead of ./.env' },
        { name: 'vault', type: 'boolean', description: 'Copy every key into the vault (no env:NAME references)' },
      ],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const forceVault = bool(parsed.values, 'vault');
        const dotenv = readDotenv(str(parsed.values, 'dotenv'));
        const client = await ctx.client();
        const { providers } = await client.request(ProvidersList);
        const scan = scanEnvironment(providers, process.env, dotenv.values);
        const existing = new Set((await ctx.connections()).map((c) => c.name.toLocaleLowerCase()));
        const plans: Plan[] = scan.candidates.map((candidate) =>
          existing.has(candidate.name.toLocaleLowerCase()) ? { candidate, action: 'skip', reason: 'a connection with this name exists' } : { candidate, action: 'create' },
        );
        for (const i of scan.ignored) ctx.out.warn(`${i.variable} ignored: ${i.reason}.`);
        if (plans.length === 0) {
          ctx.out.data({ dotenv: dotenv.file ?? null, found: [], created: [], ignored: scan.ignored });
          ctx.out.line(`No API keys found in the environment${dotenv.file ? ` or ${dotenv.file}` : ' (and no .env here)'}.`);
          return EXIT.OK;
        }
        if (!ctx.out.json) {
          ctx.out.line(`Found${dotenv.file ? ` (environment and ${dotenv.file})` : ' (environment)'}:`);
          ctx.out.table(
            ['NAME', 'PROVIDER', 'FROM', 'KEY', 'STORED AS', 'ACTION'],
            plans.map((p) => {
              const s = summary(p, forceVault);
              return [s.name, s.provider, `${s.variables.join(', ')} (${s.from})`, s.keyHint ?? '-', s.storage, p.action === 'create' ? ctx.out.paint('green', 'create') : ctx.out.paint('dim', `skip: ${p.reason}`)];
            }),
          );
        }
        const toCreate = plans.filter((p) => p.action === 'create');
        if (toCreate.length === 0) {
          ctx.out.data({ dotenv: dotenv.file ?? null, found: plans.map((p) => summary(p, forceVault)), created: [], ignored: scan.ignored });
          ctx.out.line('Nothing to create: every connection found already exists.');
          return EXIT.OK;
        }
        if (!bool(parsed.values, 'yes')) {
          if (!ctx.out.interactive) throw new UsageError(`Found ${toCreate.length} connection(s) to create; not creating them without confirmation.`, 'Re-run with --yes to create them.');
          if (!(await confirm(`Create ${toCreate.length} connection(s)?`))) {
            ctx.out.note('Nothing created.');
            return EXIT.FAILED;
          }
        }
        const created: Connection[] = [];
        for (const plan of toCreate) {
          const connection = await create(ctx, plan.candidate, forceVault);
          created.push(connection);
          ctx.out.line(`Created ${connection.name} (${connection.id}), key ${connection.keySource === 'none' ? 'none' : `${connection.keySource} ${connection.keyHint ?? ''}`.trimEnd()}.`);
        }
        ctx.out.data({ dotenv: dotenv.file ?? null, found: plans.map((p) => summary(p, forceVault)), created, ignored: scan.ignored });
        ctx.out.note('Test them with: switchboard connections test --all');
        return EXIT.OK;
      },
    },
  ],
};
