/**
 * Export and import of Bedrock connections through the real daemon: the AWS settings travel (region,
 * how the connection signs in, access key id, profile) and no secret does — not the secret access
 * key, the Bedrock API key nor the session token, each a canary scanned for in the export. An
 * imported profile connection signs its requests at the mock at once; a key-based one says which
 * secrets it needs, and replacing a connection keeps the session token it holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionsExport,
  ConnectionsImport,
  ConnectionsList,
  type Connection,
  type ExportDocument,
} from '../../../shared/protocol';
import { cleanupDaemons } from '../../helpers/daemonProcess';
import { ensureBuilt } from '../chat/harness';
import { findLeaks } from '../canary/canaryScan';
import { REGION, setupBedrock, type BedrockEnv } from './harness';

let env: BedrockEnv;
let document: ExportDocument;
beforeAll(async () => {
  ensureBuilt();
  env = await setupBedrock();
  document = (await env.client.request(ConnectionsExport, {})).document;
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

const exported = (name: string) => document.connections.find((c) => c.name === name)!;
const secretsOf = (env: BedrockEnv) => [
  env.secrets.keys.secretAccessKey,
  env.secrets.temp.secretAccessKey,
  env.secrets.temp.sessionToken,
  env.secrets.apiKey,
  env.secrets.profile.secretAccessKey,
];
const listed = async () =>
  Object.fromEntries((await env.client.request(ConnectionsList, {})).connections.map((c) => [c.name, c])) as Record<
    string,
    Connection
  >;

describe('export of Bedrock connections', () => {
  it('carries region, sign-in kind, access key id and profile, and not one secret', () => {
    expect(findLeaks('export', JSON.stringify(document), secretsOf(env))).toEqual([]);
    expect(exported('aws-keys')).toMatchObject({
      provider: 'bedrock',
      key: { source: 'needsKey' },
      aws: { region: REGION, auth: 'accessKeys', accessKeyId: env.secrets.keys.accessKeyId },
    });
    expect(exported('aws-keys').aws).not.toHaveProperty('needsSessionToken');
    expect(exported('aws-temp').aws).toEqual({
      region: REGION,
      auth: 'accessKeys',
      accessKeyId: env.secrets.temp.accessKeyId,
      needsSessionToken: true,
    });
    expect(exported('aws-apikey').aws).toEqual({ region: REGION, auth: 'apiKey' });
    expect(exported('aws-profile')).toMatchObject({
      key: { source: 'none' },
      aws: { region: REGION, auth: 'profile', profile: 'work' },
    });
  });
});

describe('import of Bedrock connections', () => {
  it('previews which secrets each needs: the key, and the session token of temporary credentials', async () => {
    const preview = await env.client.request(ConnectionsImport, { text: JSON.stringify(document), onClash: 'rename' });
    const items = Object.fromEntries(preview.items.map((i) => [i.name, i]));
    expect(items['aws-keys']).toMatchObject({ action: 'create', newName: 'aws-keys (2)', needs: ['a key'] });
    expect(items['aws-temp']).toMatchObject({
      action: 'create',
      needs: ['a key', 'a session token (temporary AWS credentials)'],
    });
    expect(items['aws-profile']).toMatchObject({ action: 'create', key: 'none' });
    expect(items['aws-profile']).not.toHaveProperty('needs');
  });

  it('creates them with their AWS settings; an imported profile connection answers at once', async () => {
    const result = await env.client.request(ConnectionsImport, {
      text: JSON.stringify(document),
      onClash: 'rename',
      apply: true,
    });
    expect(result.items.filter((i) => i.action === 'fail')).toEqual([]);
    const got = await listed();
    expect(got['aws-temp (2)']).toMatchObject({
      keyAvailable: false,
      aws: { region: REGION, auth: 'accessKeys', accessKeyId: env.secrets.temp.accessKeyId },
    });
    expect(got['aws-temp (2)']!.aws?.hasSessionToken).toBeFalsy();
    expect(got['aws-apikey (2)']).toMatchObject({ aws: { auth: 'apiKey' }, keyAvailable: false });
    const profile = got['aws-profile (2)']!;
    expect(profile).toMatchObject({ keySource: 'none', aws: { auth: 'profile', profile: 'work' } });
    const answer = await env.client.chatEvents({
      connectionId: profile.id,
      messages: [{ role: 'user', content: 'Hi' }],
    }).result;
    expect(answer.text).toBe('Hello from Bedrock');
    expect(env.bedrock.requests.filter((r) => r.op === 'converseStream').at(-1)!.auth).toMatchObject({
      kind: 'sigv4',
      accessKeyId: env.secrets.profile.accessKeyId,
      signatureValid: true,
    });
  });

  it('replacing a connection keeps its key and session token while the access key id is the same', async () => {
    const replaced = await env.client.request(ConnectionsImport, {
      text: JSON.stringify(document),
      onClash: 'replace',
      only: ['aws-temp'],
      apply: true,
    });
    const item = replaced.items.find((i) => i.name === 'aws-temp')!;
    expect(item).toMatchObject({ action: 'update', existingId: env.conns.temp.id, key: 'kept' });
    expect(item).not.toHaveProperty('needs');
    const after = (await listed())['aws-temp']!;
    expect(after).toMatchObject({
      keyAvailable: true,
      aws: { hasSessionToken: true, accessKeyId: env.secrets.temp.accessKeyId },
    });
    const answer = await env.client.chatEvents({ connectionId: after.id, messages: [{ role: 'user', content: 'Hi' }] })
      .result;
    expect(answer.text).toBe('Hello from Bedrock');
    expect(env.bedrock.requests.filter((r) => r.op === 'converseStream').at(-1)!.auth).toMatchObject({
      sessionToken: env.secrets.temp.sessionToken,
      signatureValid: true,
    });
  });
});
