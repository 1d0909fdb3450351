/**
 * The flags `connections add` and `connections edit` share, turned into protocol params, and how a
 * key reaches the daemon: a hidden prompt, stdin, or an `env:NAME` reference — never argv.
 */
import type { SwitchboardClient } from '../../../shared/client';
import { ProvidersList, type KeySource, type Provider } from '../../../shared/protocol';
import { bool, int, list, str, UsageError, type Flag, type Values } from '../args';
import { promptKey, readKeyFromStdin, stdinIsTTY } from '../prompt';
import { isSecretHeader } from '../../../shared/rules/secretHeaders';
import { CARRIES_UNSET } from './carriesFlags';

export const FIELD_FLAGS: Flag[] = [
  { name: 'name', type: 'string', value: 'NAME', description: 'Connection name (unique, case-insensitive)' },
  {
    name: 'provider',
    type: 'string',
    value: 'ID',
    description: 'Provider id (see `switchboard connections providers`)',
  },
  { name: 'base-url', type: 'string', value: 'URL', description: "API base URL (default: the provider's)" },
  { name: 'model', short: 'm', type: 'string', value: 'MODEL', description: 'Default model' },
  { name: 'default', type: 'boolean', description: 'Make it the default connection' },
  { name: 'org', type: 'string', value: 'ORG', description: 'Organization id (OpenAI)' },
  { name: 'api-version', type: 'string', value: 'VER', description: 'API version (Azure OpenAI)' },
  {
    name: 'header',
    type: 'string',
    multiple: true,
    value: 'K=V',
    description:
      'Extra HTTP header sent upstream; K=@env:VAR takes the value from your environment (credentials are refused on the command line and stored encrypted)',
  },
  { name: 'timeout-ms', type: 'string', value: 'MS', description: 'Request timeout, 1000–600000' },
  { name: 'max-retries', type: 'string', value: 'N', description: 'Retries on transient errors, 0–10' },
  { name: 'allowed-models', type: 'string', value: 'A,B', description: 'Only these models may be used' },
];

export const KEY_FLAGS: Flag[] = [
  { name: 'key-stdin', type: 'boolean', description: 'Read the API key from stdin (first line), stored in the vault' },
  {
    name: 'key-env',
    type: 'string',
    value: 'VAR',
    description: 'Have the daemon read the key from its environment variable VAR',
  },
  { name: 'no-key', type: 'boolean', description: 'No key (local servers)' },
];

export const UNSET_FLAG: Flag = {
  name: 'unset',
  type: 'string',
  multiple: true,
  value: 'FIELD',
  description:
    'Clear a field: model, allowed-models, org, api-version, headers, on-limit, max-queue-wait, description, temperature, max-tokens',
};

/** The fields set by flags, as `connections/create` / `connections/update` name them. */
export function fieldParams(values: Values, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  set('name', str(values, 'name'));
  set('baseUrl', str(values, 'base-url'));
  set('defaultModel', str(values, 'model'));
  set('organization', str(values, 'org'));
  set('apiVersion', str(values, 'api-version'));
  set('timeoutMs', int(values, 'timeout-ms', 1000, 600_000));
  set('maxRetries', int(values, 'max-retries', 0, 10));
  if (bool(values, 'default')) out.isDefault = true;
  const allowed = str(values, 'allowed-models');
  if (allowed !== undefined) {
    const models = allowed
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    if (models.length === 0)
      throw new UsageError(
        '--allowed-models needs at least one model id, e.g. --allowed-models gpt-4o,gpt-4o-mini.',
        'To allow every model, use --unset allowed-models.',
      );
    out.allowedModels = models;
  }
  const headers = list(values, 'header');
  if (headers.length > 0) {
    const parsed = parseHeaders(headers, env);
    out.headers = parsed.headers;
    if (parsed.secret.length > 0) out.secretHeaders = parsed.secret;
  }
  return out;
}

/**
 * `NAME=VALUE` pairs. A value that looks like a credential is refused (it would land in the shell's
 * history); `NAME=@env:VAR` reads it from the environment instead, and marks the header secret so the
 * daemon keeps it in its vault.
 */
export function parseHeaders(
  pairs: string[],
  env: NodeJS.ProcessEnv,
): { headers: Record<string, string>; secret: string[] } {
  const headers: Record<string, string> = {};
  const secret: string[] = [];
  for (const pair of pairs) {
    const at = pair.search(/[=:]/);
    const name = at > 0 ? pair.slice(0, at).trim() : '';
    if (!name)
      throw new UsageError(`--header needs NAME=VALUE, e.g. --header X-Team=search (got "${pair.slice(0, 40)}").`);
    if (/^(authorization|x-api-key|api-key)$/i.test(name)) {
      throw new UsageError(
        `--header ${name} is not accepted: it would put a credential on the command line.`,
        'Give the key with --key-stdin, the hidden prompt, or --key-env; the daemon sends it in the right header.',
      );
    }
    const raw = pair.slice(at + 1).trim();
    const fromEnv = /^@env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(raw);
    if (fromEnv) {
      const value = env[fromEnv[1]!];
      if (!value)
        throw new UsageError(
          `--header ${name}=@env:${fromEnv[1]}: the environment variable ${fromEnv[1]} is not set.`,
          `Export it first, e.g. export ${fromEnv[1]}=…`,
        );
      headers[name] = value;
      secret.push(name);
      continue;
    }
    if (isSecretHeader(name, raw)) {
      throw new UsageError(
        `--header ${name}: its value looks like a credential, which must not go on the command line (shell history).`,
        `Put it in an environment variable and pass --header ${name}=@env:VAR; the daemon stores it encrypted.`,
      );
    }
    headers[name] = raw;
  }
  return { headers, secret };
}

/** `--unset` fields → `null`s for `connections/update`. */
export function unsetParams(values: Values): Record<string, null> {
  const names: Record<string, string> = {
    model: 'defaultModel',
    'allowed-models': 'allowedModels',
    org: 'organization',
    'api-version': 'apiVersion',
    headers: 'headers',
    'on-limit': 'onLimit',
    'max-queue-wait': 'maxQueueWaitMs',
    limits: 'capacity',
    budget: 'budget',
    fallbacks: 'fallbacks',
    'fallback-models': 'fallbackModels',
  };
  const out: Record<string, null> = {};
  for (const field of list(values, 'unset').flatMap((v) => v.split(','))) {
    if (CARRIES_UNSET.has(field.trim())) continue; // carriesFlags.ts clears these
    const key = names[field.trim()];
    if (!key)
      throw new UsageError(
        `--unset ${field} is not a field that can be cleared.`,
        `Clearable: ${[...Object.keys(names), ...CARRIES_UNSET].join(', ')}.`,
      );
    out[key] = null;
  }
  return out;
}

export interface KeyChoice {
  keySource?: KeySource;
  apiKey?: string;
}

/**
 * How the key is given. `promptWhenMissing` (add): with no key flag and a provider that needs a
 * key, prompt on a terminal, or fail with what to do when there is none.
 */
export async function keyChoice(
  values: Values,
  opts: { label: string; requiresKey: boolean; promptWhenMissing: boolean },
): Promise<KeyChoice> {
  const given = ['key-stdin', 'key-env', 'no-key'].filter((f) => values[f] !== undefined && values[f] !== false);
  if (given.length > 1) throw new UsageError(`--${given.join(' and --')} cannot be combined: give the key one way.`);
  const envName = str(values, 'key-env');
  if (envName !== undefined) {
    const name = envName.replace(/^\$/, '');
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name))
      throw new UsageError(
        `--key-env needs an environment variable name such as OPENAI_API_KEY, not "${envName.slice(0, 40)}".`,
      );
    return { keySource: `env:${name}` };
  }
  if (bool(values, 'no-key')) return { keySource: 'none' };
  if (bool(values, 'key-stdin'))
    return { apiKey: stdinIsTTY() ? await promptKey(opts.label) : await readKeyFromStdin(), keySource: 'vault' };
  if (!opts.promptWhenMissing || !opts.requiresKey) return {};
  if (stdinIsTTY()) return { apiKey: await promptKey(opts.label), keySource: 'vault' };
  throw new UsageError(
    `${opts.label} needs an API key, and stdin is not a terminal to prompt on.`,
    'Pipe it in with --key-stdin, name an environment variable with --key-env VAR, or pass --no-key to add it without one (set it later with `switchboard key set`).',
  );
}

/** A provider by id (or display name), case-insensitively; a usage error listing them otherwise. */
export async function findProvider(client: SwitchboardClient, wanted: string): Promise<Provider> {
  const { providers } = await client.request(ProvidersList);
  const w = wanted.toLowerCase();
  const found = providers.find((p) => p.id.toLowerCase() === w) ?? providers.find((p) => p.name.toLowerCase() === w);
  if (found) return found;
  throw new UsageError(
    `Unknown provider "${wanted.slice(0, 60)}".`,
    `Providers: ${providers.map((p) => p.id).join(', ')}.`,
  );
}
