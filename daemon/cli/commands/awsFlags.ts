/**
 * The AWS Bedrock flags of `connections add` / `connections edit`: region, the kind of credential
 * (access keys, a Bedrock API key, an AWS profile) and where each secret comes from. Like every
 * key, a secret never comes from the command line: `-` reads it from stdin (the secret access key
 * on the first line, the session token on the next), `prompt` asks with hidden input, `@env:VAR`
 * names an environment variable — the daemon's, for the secret access key and the API key (read
 * at each use, like --key-env); the CLI's own for the session token, sent once and kept encrypted.
 */
import type { AwsSettingsInput, Connection, KeySource, Provider } from '../../../shared/protocol';
import { str, UsageError, type Flag, type Values } from '../args';
import { promptHidden, readStdin, stdinIsTTY } from '../prompt';

export const AWS_FLAGS: Flag[] = [
  { name: 'region', type: 'string', value: 'REGION', description: 'AWS Bedrock: the region, e.g. us-east-1' },
  {
    name: 'access-key-id',
    type: 'string',
    value: 'ID',
    description: 'AWS Bedrock: the IAM access key id (AKIA…/ASIA…); its secret with --secret-access-key',
  },
  {
    name: 'secret-access-key',
    type: 'string',
    value: 'SRC',
    description: 'AWS Bedrock: the secret access key from - (stdin), prompt, or @env:VAR (read by the daemon)',
  },
  {
    name: 'session-token',
    type: 'string',
    value: 'SRC',
    description:
      'AWS Bedrock, temporary keys: the session token from - (stdin, after the secret key), prompt, or @env:VAR',
  },
  {
    name: 'bedrock-api-key',
    type: 'string',
    value: 'SRC',
    description: 'AWS Bedrock: a Bedrock API key from - (stdin), prompt, or @env:VAR (read by the daemon)',
  },
  {
    name: 'aws-profile',
    type: 'string',
    value: 'NAME',
    description: 'AWS Bedrock: credentials of this AWS CLI profile; "default-chain" for the AWS SDK\'s default chain',
  },
];

const NAMES = AWS_FLAGS.map((f) => f.name);

/** What the AWS flags set: `aws`, and the key (secret access key or API key) as `apiKey` or an `env:` key source. */
export interface AwsChoice {
  aws?: AwsSettingsInput;
  apiKey?: string;
  keySource?: KeySource;
}

/** The AWS flags as params; `current` is the connection being edited. Nothing when no AWS flag is given on an edit. */
export async function awsParams(
  values: Values,
  provider: Provider | undefined,
  current?: Connection,
): Promise<AwsChoice> {
  const given = NAMES.filter((n) => values[n] !== undefined);
  const bedrock = provider?.adapter === 'bedrock' || (provider === undefined && current?.aws !== undefined);
  if (!bedrock) {
    if (given.length > 0)
      throw new UsageError(`--${given[0]} is for AWS Bedrock connections.`, 'Use it with --provider bedrock.');
    return {};
  }
  if (given.length === 0 && current !== undefined) return {};
  const region = str(values, 'region') ?? current?.aws?.region;
  if (!region) throw new UsageError('An AWS Bedrock connection needs --region, e.g. --region us-east-1.');
  const accessKeyId = str(values, 'access-key-id');
  const secret = str(values, 'secret-access-key');
  const token = str(values, 'session-token');
  const apiKeySrc = str(values, 'bedrock-api-key');
  const profile = str(values, 'aws-profile');
  const kinds = [
    accessKeyId !== undefined || secret !== undefined || token !== undefined,
    apiKeySrc !== undefined,
    profile !== undefined,
  ].filter(Boolean).length;
  if (kinds > 1)
    throw new UsageError(
      'Give one kind of AWS credential: access keys (--access-key-id, --secret-access-key [--session-token]), --bedrock-api-key, or --aws-profile.',
    );

  const stdin = stdinSecrets([secret, token, apiKeySrc]);
  if (apiKeySrc !== undefined)
    return {
      aws: { region, auth: 'apiKey' },
      ...(await secretOf('--bedrock-api-key', apiKeySrc, 'Bedrock API key', stdin)),
    };
  if (
    accessKeyId !== undefined ||
    secret !== undefined ||
    token !== undefined ||
    (current?.aws?.auth === 'accessKeys' && profile === undefined)
  ) {
    const id = accessKeyId ?? current?.aws?.accessKeyId;
    if (!id) throw new UsageError('Access keys need --access-key-id (AKIA… or ASIA…).');
    if (secret === undefined && current === undefined)
      throw new UsageError(
        'Access keys need --secret-access-key: - (stdin), prompt, or @env:VAR.',
        'The secret never goes on the command line.',
      );
    const key =
      secret === undefined ? {} : await secretOf('--secret-access-key', secret, 'AWS secret access key', stdin);
    let sessionToken: string | undefined;
    if (token !== undefined) {
      const t = await secretOf('--session-token', token, 'AWS session token', stdin, true);
      sessionToken = t.apiKey;
    }
    return {
      aws: { region, auth: 'accessKeys', accessKeyId: id, ...(sessionToken !== undefined && { sessionToken }) },
      ...key,
    };
  }
  const named = profile ?? (current?.aws?.auth === 'profile' ? current.aws.profile : undefined);
  return {
    aws: { region, auth: 'profile', ...(named !== undefined && named !== 'default-chain' && { profile: named }) },
  };
}

/** The lines of stdin, read once, when a secret is to come from it (`-`). */
function stdinSecrets(sources: Array<string | undefined>): { lines?: Promise<string[]>; next: number } {
  const fromStdin = sources.filter((s) => s === '-' || s === 'stdin').length;
  if (fromStdin === 0 || stdinIsTTY()) return { next: 0 };
  return {
    lines: readStdin().then((t) =>
      t
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
    ),
    next: 0,
  };
}

/**
 * One secret from its source. `@env:VAR`: the key source `env:VAR` (the daemon reads it), or for
 * the session token (`readEnvNow`) the CLI's own variable, sent once.
 */
async function secretOf(
  flag: string,
  src: string,
  label: string,
  stdin: { lines?: Promise<string[]>; next: number },
  readEnvNow = false,
): Promise<{ apiKey?: string; keySource?: KeySource }> {
  const env = /^@env:([A-Za-z_][A-Za-z0-9_]{0,127})$/.exec(src);
  if (env) {
    if (!readEnvNow) return { keySource: `env:${env[1]}` };
    const value = process.env[env[1]!];
    if (!value)
      throw new UsageError(
        `${flag} @env:${env[1]}: the environment variable ${env[1]} is not set.`,
        `Export it first, e.g. export ${env[1]}=…`,
      );
    return { apiKey: value };
  }
  if (src === 'prompt' || ((src === '-' || src === 'stdin') && stdinIsTTY())) {
    const value = await promptHidden(`${label} (input hidden): `);
    if (!value) throw new UsageError(`No ${label} was entered.`);
    return { apiKey: value, ...(!readEnvNow && { keySource: 'vault' as const }) };
  }
  if (src === '-' || src === 'stdin') {
    const lines = await stdin.lines!;
    const value = lines[stdin.next++];
    if (!value)
      throw new UsageError(
        `No ${label} arrived on stdin.`,
        'Pipe it in: the secret access key (or API key) on the first line, the session token on the next.',
      );
    return { apiKey: value, ...(!readEnvNow && { keySource: 'vault' as const }) };
  }
  throw new UsageError(
    `${flag} takes where the secret comes from (-, prompt or @env:VAR), not the secret itself: on the command line it would show in \`ps\` and your shell history.`,
    `E.g. printenv AWS_SECRET_ACCESS_KEY | switchboard connections add … ${flag} -`,
  );
}
