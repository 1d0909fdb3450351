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
import { RpcError, SwitchboardError } from '../../../shared/client';
import {
  ConnectionsCreate,
  ConnectionsUpdate,
  ProvidersList,
  type Connection,
  type CreateConnectionParams,
} from '../../../shared/protocol';
import { keyFingerprint, keyHint } from '../../../shared/rules/keyMask';
import {
  detectConnections,
  dotEnvSource,
  variableForField,
  type EnvCandidate,
  type EnvProblem,
  type EnvSource,
} from '../../../shared/envImport';
import { bool, positionals, str, UsageError } from '../args';
import type { CliContext, Group } from '../context';
import { EXIT } from '../exitCodes';
import { describeError } from '../output';
import { confirm } from '../prompt';

type Plan = { candidate: EnvCandidate; action: 'create' | 'skip'; reason?: string; existingName?: string };

/** The `.env` file to read (`--dotenv`, else `./.env` when there is one), as a source with its problems. */
function readDotenv(
  explicit: string | undefined,
  environment: EnvSource,
): { file?: string; source?: EnvSource; problems: EnvProblem[] } {
  const file = path.resolve(explicit ?? '.env');
  if (!existsSync(file)) {
    if (explicit !== undefined) throw new UsageError(`--dotenv ${explicit}: no such file.`);
    return { problems: [] };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  return { file, ...dotEnvSource(file, text, environment.vars) };
}

/** Where a candidate's key will be kept: a reference to the variable the daemon reads itself, or the vault. */
function storage(c: EnvCandidate, forceVault: boolean): string {
  if (c.apiKey === undefined) return 'none';
  return c.keyFrom === 'environment' && !forceVault ? `env:${c.keyVariable}` : 'vault';
}

/** An existing connection this candidate would duplicate: same provider and key, or same keyless endpoint. */
function alreadyImported(c: EnvCandidate, existing: readonly Connection[]): Connection | undefined {
  return existing.find(
    (e) =>
      e.provider === c.provider &&
      (c.apiKey !== undefined
        ? e.keyFingerprint === keyFingerprint(c.apiKey)
        : e.keySource === 'none' && e.baseUrl === c.baseUrl),
  );
}

function summary(plan: Plan, forceVault: boolean) {
  const c = plan.candidate;
  return {
    // A connection imported before is shown under the name it has.
    name: plan.existingName ?? c.name,
    provider: c.provider,
    variables: c.variables,
    from: c.source,
    ...(c.apiKey !== undefined && { keyHint: keyHint(c.apiKey) }),
    ...(c.baseUrl && { baseUrl: c.baseUrl }),
    storage: storage(c, forceVault),
    action: plan.action,
    ...(plan.reason && { reason: plan.reason }),
  };
}

async function create(ctx: CliContext, c: EnvCandidate, forceVault: boolean): Promise<Connection> {
  const client = await ctx.client();
  const base: CreateConnectionParams = {
    name: c.name,
    provider: c.provider,
    ...(c.baseUrl && { baseUrl: c.baseUrl }),
    ...(c.defaultModel && { defaultModel: c.defaultModel }),
    ...(c.organization && { organization: c.organization }),
    ...(c.apiVersion && { apiVersion: c.apiVersion }),
  };
  if (c.apiKey === undefined)
    return (await client.request(ConnectionsCreate, { ...base, keySource: 'none' })).connection;
  if (storage(c, forceVault) === 'vault')
    return (await client.request(ConnectionsCreate, { ...base, keySource: 'vault', apiKey: c.apiKey })).connection;
  const { connection } = await client.request(ConnectionsCreate, { ...base, keySource: `env:${c.keyVariable}` });
  if (connection.keyFingerprint === keyFingerprint(c.apiKey)) return connection;
  ctx.out.note(
    `The daemon does not see this $${c.keyVariable} (it runs with another environment): stored the key of ${c.name} in its vault instead.`,
  );
  return (await client.request(ConnectionsUpdate, { id: connection.id, keySource: 'vault', apiKey: c.apiKey }))
    .connection;
}

/**
 * Why one connection could not be created, in the words of the import: the variable (and where it
 * was found) whose value the daemon refused, never the CLI flag of the same field.
 */
function importFailure(
  c: EnvCandidate,
  error: unknown,
): { name: string; variable?: string; source: string; code: string; message: string; hint: string } {
  const { code, message } = describeError(error);
  const data =
    error instanceof SwitchboardError
      ? error.data
      : error instanceof RpcError
        ? (error.data as { field?: unknown } | undefined)
        : undefined;
  const variable = variableForField(c, typeof data?.field === 'string' ? data.field : undefined);
  const hint = variable
    ? `Fix ${variable} in ${c.source} and run import-env again; the connections created are kept.`
    : `${describeError(error).hint ?? 'See the daemon log.'} The other connections are still imported.`;
  return { name: c.name, ...(variable && { variable }), source: c.source, code, message, hint };
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
ANTHROPIC_API_KEY, GEMINI_API_KEY or GOOGLE_API_KEY, GROQ_API_KEY, MISTRAL_API_KEY, DEEPSEEK_API_KEY,
XAI_API_KEY, OPENROUTER_API_KEY, TOGETHER_API_KEY, FIREWORKS_API_KEY, CEREBRAS_API_KEY,
AZURE_OPENAI_API_KEY with AZURE_OPENAI_ENDPOINT) with its <PREFIX>_BASE_URL and <PREFIX>_MODEL, and
OLLAMA_HOST — in the environment, and in ./.env read as a tool beside it would (the environment fills
what the file does not set). The same rules as VS Code's "Import from Environment".
.env: values as dotenv reads them; \${VAR}, \${VAR:-default} and $VAR are expanded (not in single
quotes; \$ is a literal $), from the environment first, then the file's earlier lines. A value with
a quote never closed, or a reference to a variable set nowhere, is left out with a warning.
A value the daemon would refuse (a base URL that is not http(s), a key with spaces, …) leaves only that
connection out: each is reported on stderr naming its variable and file, and the rest is imported.
Connections are named after their provider ("OpenAI"); one already imported (same provider and key,
or the same keyless endpoint) is skipped. Exit 1 if a connection could not be created.
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
        const environment: EnvSource = { label: 'environment', vars: process.env };
        const dotenv = readDotenv(str(parsed.values, 'dotenv'), environment);
        const client = await ctx.client();
        const { providers } = await client.request(ProvidersList);
        const existing = await ctx.connections();
        const detection = detectConnections(
          { environment, files: dotenv.source ? [dotenv.source] : [] },
          providers,
          existing.map((c) => c.name),
        );
        const problems = [...dotenv.problems, ...detection.problems];
        for (const p of problems) ctx.out.warn(`${p.variable} (${p.source}) ${p.message}.`);
        const plans: Plan[] = detection.candidates.map((candidate) => {
          const same = alreadyImported(candidate, existing);
          return same
            ? { candidate, action: 'skip', reason: 'imported before', existingName: same.name }
            : { candidate, action: 'create' };
        });
        const report = (created: Connection[], failed: Array<ReturnType<typeof importFailure>>) =>
          ctx.out.data({
            dotenv: dotenv.file ?? null,
            found: plans.map((p) => summary(p, forceVault)),
            created,
            failed,
            problems,
          });
        if (plans.length === 0) {
          report([], []);
          ctx.out.line(
            `No connections found in the environment${dotenv.file ? ` or ${dotenv.file}` : ' (and no .env here)'}.`,
          );
          return EXIT.OK;
        }
        if (!ctx.out.json) {
          ctx.out.line(`Found${dotenv.file ? ` (environment and ${dotenv.file})` : ' (environment)'}:`);
          ctx.out.table(
            ['NAME', 'PROVIDER', 'FROM', 'KEY', 'STORED AS', 'ACTION'],
            plans.map((p) => {
              const s = summary(p, forceVault);
              return [
                s.name,
                s.provider,
                `${s.variables.join(', ')} (${s.from})`,
                s.keyHint ?? '-',
                s.storage,
                p.action === 'create' ? ctx.out.paint('green', 'create') : ctx.out.paint('dim', `skip: ${p.reason}`),
              ];
            }),
          );
        }
        const toCreate = plans.filter((p) => p.action === 'create');
        if (toCreate.length === 0) {
          report([], []);
          ctx.out.line('Nothing to create: every connection found was imported before.');
          return EXIT.OK;
        }
        if (!bool(parsed.values, 'yes')) {
          if (!ctx.out.interactive)
            throw new UsageError(
              `Found ${toCreate.length} connection(s) to create; not creating them without confirmation.`,
              'Re-run with --yes to create them.',
            );
          if (!(await confirm(`Create ${toCreate.length} connection(s)?`))) {
            ctx.out.note('Nothing created.');
            return EXIT.FAILED;
          }
        }
        // Each connection on its own: one the daemon refuses is reported and the others are still created.
        const created: Connection[] = [];
        const failed: Array<ReturnType<typeof importFailure>> = [];
        for (const plan of toCreate) {
          try {
            const connection = await create(ctx, plan.candidate, forceVault);
            created.push(connection);
            ctx.out.line(
              `Created ${connection.name} (${connection.id}), key ${connection.keySource === 'none' ? 'none' : `${connection.keySource} ${connection.keyHint ?? ''}`.trimEnd()}.`,
            );
          } catch (error) {
            const failure = importFailure(plan.candidate, error);
            failed.push(failure);
            ctx.out.warn(
              `${failure.name} (${failure.variable ? `${failure.variable} in ` : ''}${failure.source}) was not created: ${failure.message} ${failure.hint}`,
            );
          }
        }
        report(created, failed);
        if (created.length > 0) ctx.out.note('Test them with: switchboard connections test --all');
        return failed.length > 0 ? EXIT.FAILED : EXIT.OK;
      },
    },
  ],
};
