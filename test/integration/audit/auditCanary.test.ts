/**
 * Canaries through everything the audit log now records: an API key, a secret header and an AWS
 * secret access key go through create, a key change, a chat the provider refuses and a test that
 * fails — and not a piece of any of them is in an audit entry, in audit.jsonl, or in what
 * `switchboard audit` prints (table or JSON). The entries that should be there are there, so the
 * scan is not of an empty log.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuditList, ConnectionsTest, ConnectionsUpdate, SecretsSet, type AuditEntry } from '../../../shared/protocol';
import { cleanupDaemons } from '../../helpers/daemonProcess';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ensureBuilt, runCli } from '../../daemon/cli/cliHarness';
import { canary, findLeaks } from '../canary/canaryScan';
import { REGION, setupBedrock, type BedrockEnv } from '../bedrock/harness';

let env: BedrockEnv;
let up: MockUpstream;
const GOOD = 'sk-good-audit-canary-000000000000';
const KEY = canary('sk-sbcanaryAuditKey');
const NEXT_KEY = canary('sk-sbcanaryAuditNext');
const MEMORY_KEY = canary('sk-sbcanaryAuditMem');
const HEADER = canary('gw-sbcanaryAuditHeader');
const AWS_SECRET = canary('sbcanaryAuditAwsSecret/');
const CANARIES = [KEY, NEXT_KEY, MEMORY_KEY, HEADER, AWS_SECRET];

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({ validKeys: [GOOD] });
  env = await setupBedrock();
}, 60_000);
afterAll(async () => {
  await env?.teardown();
  await up?.close();
  await cleanupDaemons();
});

it('keeps every secret out of audit entries, audit.jsonl and `switchboard audit`', async () => {
  const openai = await env.create({
    name: 'canary-openai',
    provider: 'openai',
    baseUrl: up.openaiBaseUrl,
    apiKey: KEY,
    headers: { 'x-gateway-key': HEADER },
    secretHeaders: ['x-gateway-key'],
    defaultModel: 'gpt-5.4',
    maxRetries: 0,
  });
  await env.client.request(ConnectionsUpdate, { id: openai.id, apiKey: NEXT_KEY });
  await env.client.request(SecretsSet, { connectionId: openai.id, apiKey: MEMORY_KEY });
  const aws = await env.create({
    name: 'canary-aws',
    provider: 'bedrock',
    baseUrl: env.bedrock.url,
    defaultModel: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    maxRetries: 0,
    aws: { region: REGION, auth: 'accessKeys', accessKeyId: env.secrets.keys.accessKeyId },
    apiKey: AWS_SECRET,
  });

  for (const conn of [openai, aws]) {
    await expect(
      env.client.chat({ connectionId: conn.id, messages: [{ role: 'user', content: 'hi' }] }).result,
    ).rejects.toBeDefined();
    const { result } = await env.client.request(ConnectionsTest, { id: conn.id, completion: true });
    expect(result.status).toBe('error');
  }

  // What must be there: both refusals (chat and test) and both tests, for each connection.
  let entries: AuditEntry[] = [];
  const complete = () =>
    [openai, aws].every(
      (c) =>
        entries.filter((e) => e.connectionId === c.id && e.action === 'keyRejected').length >= 2 &&
        entries.some((e) => e.connectionId === c.id && e.action === 'connectionTest'),
    );
  for (let i = 0; i < 200 && !complete(); i++) {
    entries = (await env.client.request(AuditList, { limit: 10_000 })).entries;
    if (!complete()) await new Promise((r) => setTimeout(r, 50));
  }
  expect(complete()).toBe(true);
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'rotateKey', 'setKey']));

  expect(findLeaks('audit/list', JSON.stringify(entries), CANARIES)).toEqual([]);
  const file = readFileSync(join(env.daemon.home, 'audit.jsonl'), 'utf8');
  expect(findLeaks('audit.jsonl', file, CANARIES)).toEqual([]);
  for (const args of [
    ['audit'],
    ['audit', '--json'],
    ['audit', '--connection', 'canary-openai', '--action', 'refused'],
  ]) {
    const out = await runCli(env.daemon.home, args);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('canary-openai');
    expect(findLeaks(`switchboard ${args.join(' ')}`, out.stdout + out.stderr, CANARIES)).toEqual([]);
  }
});
