/**
 * `switchboard connections add --provider bedrock` end to end: the real CLI against the real
 * daemon, secrets piped on stdin (the secret access key, then the session token), never taken from
 * argv; the connection it adds then signs for the mock Bedrock with exactly those secrets.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConnectionsList } from '../../../shared/protocol';
import { cleanupDaemons } from '../../helpers/daemonProcess';
import { ensureBuilt, runCli } from '../../daemon/cli/cliHarness';
import { MODEL, REGION, setupBedrock, type BedrockEnv } from './harness';

let env: BedrockEnv;
beforeAll(async () => {
  ensureBuilt();
  env = await setupBedrock();
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

it('adds temporary access keys from stdin and chats with them', async () => {
  const t = env.secrets.temp;
  const added = await runCli(
    env.daemon.home,
    [
      'connections',
      'add',
      '--name',
      'cli-bedrock',
      '--provider',
      'bedrock',
      '--base-url',
      env.bedrock.url,
      '--region',
      REGION,
      '--access-key-id',
      t.accessKeyId,
      '--secret-access-key',
      '-',
      '--session-token',
      '-',
      '--model',
      MODEL,
    ],
    { input: `${t.secretAccessKey}\n${t.sessionToken}\n` },
  );
  expect(added.code).toBe(0);
  const { connections } = await env.client.request(ConnectionsList);
  const conn = connections.find((c) => c.name === 'cli-bedrock')!;
  expect(conn.aws).toMatchObject({
    region: REGION,
    auth: 'accessKeys',
    accessKeyId: t.accessKeyId,
    hasSessionToken: true,
  });
  const stream = env.client.chatEvents({ connectionId: conn.id, messages: [{ role: 'user', content: 'Hi' }] });
  for await (const _ of stream) {
    // drain
  }
  expect((await stream.result).text).toBe('Hello from Bedrock');
  expect(env.bedrock.requests.at(-1)!.auth).toMatchObject({
    accessKeyId: t.accessKeyId,
    sessionToken: t.sessionToken,
    signatureValid: true,
  });
  for (const secret of [t.secretAccessKey, t.sessionToken]) expect(added.stdout + added.stderr).not.toContain(secret);
});

it('refuses a secret on the command line with exit 2, without repeating it', async () => {
  const secret = 'sbcanaryArgvSecret/0123456789abcdefghij';
  const r = await runCli(env.daemon.home, [
    'connections',
    'add',
    '--name',
    'argv',
    '--provider',
    'bedrock',
    '--region',
    REGION,
    '--access-key-id',
    'AKIAARGVTEST00000001',
    '--secret-access-key',
    secret,
  ]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('not the secret itself');
  expect(r.stdout + r.stderr).not.toContain(secret);
});

it('adds an AWS profile connection with no key', async () => {
  const r = await runCli(env.daemon.home, [
    'connections',
    'add',
    '--name',
    'cli-profile',
    '--provider',
    'bedrock',
    '--base-url',
    env.bedrock.url,
    '--region',
    REGION,
    '--aws-profile',
    'work',
    '--model',
    MODEL,
  ]);
  expect(r.code).toBe(0);
  const { connections } = await env.client.request(ConnectionsList);
  expect(connections.find((c) => c.name === 'cli-profile')).toMatchObject({
    keySource: 'none',
    aws: { auth: 'profile', profile: 'work' },
  });
});
