/**
 * The Bedrock suites' setup: the REAL daemon process against the mock Bedrock (test/mocks/bedrock),
 * with one connection per kind of credential — long-term access keys, temporary ones with a
 * session token, a Bedrock API key, and an AWS profile read by the SDK from a credentials file the
 * daemon is pointed at. Every secret is a canary, so a suite can scan for leaks.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwitchboardClient } from '../../../shared/client';
import { ConnectionsCreate, type Connection, type CreateConnectionParams } from '../../../shared/protocol';
import { startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { startMockBedrock, type MockBedrock } from '../../mocks/bedrock/bedrockMock';
import { canary } from '../canary/canaryScan';

export const REGION = 'us-east-1';
export const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

const letters = (prefix: string) =>
  canary(prefix)
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase()
    .slice(0, 20);

/** Every secret of the suite (canaries) and the ids that go with them. */
export function makeSecrets() {
  return {
    keys: { accessKeyId: letters('AKIA'), secretAccessKey: canary('sbcanarySecretKey/') },
    temp: {
      accessKeyId: letters('ASIA'),
      secretAccessKey: canary('sbcanaryTempSecret+'),
      sessionToken: canary('sbcanaryTok//'),
    },
    apiKey: canary('ABSKsbcanaryApiKey'),
    profile: { accessKeyId: letters('AKIA'), secretAccessKey: canary('sbcanaryProfileSecret/') },
  };
}
export type Secrets = ReturnType<typeof makeSecrets>;

export interface BedrockEnv {
  bedrock: MockBedrock;
  daemon: DaemonProcess;
  client: SwitchboardClient;
  secrets: Secrets;
  /** One connection per credential kind, by kind. */
  conns: Record<'keys' | 'temp' | 'apiKey' | 'profile', Connection>;
  create(params: CreateConnectionParams): Promise<Connection>;
  teardown(): Promise<void>;
}

export async function setupBedrock(): Promise<BedrockEnv> {
  const secrets = makeSecrets();
  const bedrock = await startMockBedrock({
    region: REGION,
    credentials: [secrets.keys, secrets.temp, secrets.profile],
    apiKeys: [secrets.apiKey],
  });
  // The profile kind: the AWS SDK in the daemon reads this file, as it reads ~/.aws/credentials.
  const awsDir = mkdtempSync(join(tmpdir(), 'sb-aws-'));
  writeFileSync(
    join(awsDir, 'credentials'),
    `[work]\naws_access_key_id = ${secrets.profile.accessKeyId}\naws_secret_access_key = ${secrets.profile.secretAccessKey}\n`,
  );
  writeFileSync(join(awsDir, 'config'), '[profile work]\nregion = us-east-1\n');
  const daemon = await startDaemon({
    env: {
      AWS_SHARED_CREDENTIALS_FILE: join(awsDir, 'credentials'),
      AWS_CONFIG_FILE: join(awsDir, 'config'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
    },
  });
  const client = await SwitchboardClient.connect({ home: daemon.home, clientName: 'bedrock-test' });
  const create = async (params: CreateConnectionParams) => (await client.request(ConnectionsCreate, params)).connection;
  const base = { provider: 'bedrock', baseUrl: bedrock.url, defaultModel: MODEL, maxRetries: 0 } as const;
  const conns = {
    keys: await create({
      ...base,
      name: 'aws-keys',
      aws: { region: REGION, auth: 'accessKeys', accessKeyId: secrets.keys.accessKeyId },
      apiKey: secrets.keys.secretAccessKey,
    }),
    temp: await create({
      ...base,
      name: 'aws-temp',
      aws: {
        region: REGION,
        auth: 'accessKeys',
        accessKeyId: secrets.temp.accessKeyId,
        sessionToken: secrets.temp.sessionToken,
      },
      apiKey: secrets.temp.secretAccessKey,
    }),
    apiKey: await create({
      ...base,
      name: 'aws-apikey',
      aws: { region: REGION, auth: 'apiKey' },
      apiKey: secrets.apiKey,
    }),
    profile: await create({ ...base, name: 'aws-profile', aws: { region: REGION, auth: 'profile', profile: 'work' } }),
  };
  return {
    bedrock,
    daemon,
    client,
    secrets,
    conns,
    create,
    teardown: async () => {
      await client.close().catch(() => undefined);
      await daemon.kill();
      await bedrock.close();
    },
  };
}
