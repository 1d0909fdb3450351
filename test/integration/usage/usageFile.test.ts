/**
 * Where usage lives on disk, through the real daemon: an older home's `db.json` usage moves to
 * `usage.jsonl` on start (and is still counted), a chat's usage is appended there, and it all
 * survives a restart. db.json keeps no usage, so its deferred writes stay small however long the
 * history grows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwitchboardClient } from '../../../shared/client';
import { ConnectionsCreate, UsageGet } from '../../../shared/protocol';
import { cleanupDaemons, freshHome, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { ensureDaemonBuilt } from '../../helpers/integrationClient';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';

const KEY = 'sk-usage-file-test-key';
let mock: MockUpstream;
let home: string;

/** A UTC day `n` days ago. */
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const [EARLIER, LATER] = [daysAgo(300), daysAgo(3)];

/** Two rows of past days, as a schema v1 store held them. */
const OLD_ROWS = [
  {
    connectionId: 'gone',
    day: EARLIER,
    model: 'gpt-4o',
    requests: 7,
    errors: 1,
    inputTokens: 70,
    outputTokens: 30,
    latencyMsTotal: 700,
  },
  {
    connectionId: 'gone',
    day: LATER,
    model: 'gpt-4o',
    requests: 2,
    errors: 0,
    inputTokens: 20,
    outputTokens: 10,
    latencyMsTotal: 200,
  },
];

const usageLines = () =>
  readFileSync(join(home, 'usage.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { model: string; requests: number; day: string });

async function withDaemon(run: (client: SwitchboardClient, daemon: DaemonProcess) => Promise<void>): Promise<void> {
  const daemon = await startDaemon({ home });
  const client = await SwitchboardClient.connect({ home, clientName: 'usage-file-test' });
  try {
    await run(client, daemon);
  } finally {
    await client.close();
    // SIGTERM: the daemon writes what is pending before it exits.
    expect(await daemon.stop()).toBe(0);
  }
}

beforeAll(async () => {
  ensureDaemonBuilt();
  mock = await startMockUpstream({ validKeys: [KEY] });
  home = freshHome();
  const db = {
    schemaVersion: 1,
    connections: [],
    providers: [],
    settings: { testIntervalHours: 0, modelsCacheMinutes: 60 },
    usage: OLD_ROWS,
    modelCache: {},
  };
  writeFileSync(join(home, 'db.json'), JSON.stringify(db, null, 2), { mode: 0o600 });
});
afterAll(async () => {
  await mock?.close();
  await cleanupDaemons();
});

describe('usage.jsonl', () => {
  it("takes an older db.json's usage on start, counts it, and leaves db.json without it", async () => {
    await withDaemon(async (client) => {
      const { totals } = await client.request(UsageGet, {});
      expect(totals).toMatchObject({ requests: 9, errors: 1, inputTokens: 90, outputTokens: 40 });
    });
    expect(JSON.parse(readFileSync(join(home, 'db.json'), 'utf8')).usage).toEqual([]);
    expect(usageLines().map((r) => [r.day, r.requests])).toEqual([
      [EARLIER, 7],
      [LATER, 2],
    ]);
  });

  it("appends a chat's usage, and keeps everything across a restart", async () => {
    await withDaemon(async (client) => {
      const { connection } = await client.request(ConnectionsCreate, {
        name: 'work',
        provider: 'openai',
        baseUrl: mock.openaiBaseUrl,
        apiKey: KEY,
        defaultModel: 'gpt-4o',
        maxRetries: 0,
      });
      await client.chat({ connectionId: connection.id, messages: [{ role: 'user', content: 'hi' }] }).result;
      await client.chat({ connectionId: connection.id, messages: [{ role: 'user', content: 'again' }] }).result;
    });
    const lines = usageLines();
    // The two moved rows stay first, today's row after them (that only changed rows are appended is the ledger's unit test).
    expect(lines.slice(0, 2).map((r) => r.day)).toEqual([EARLIER, LATER]);
    expect(lines.at(-1)).toMatchObject({ model: 'gpt-4o', requests: 2 });

    await withDaemon(async (client) => {
      const { totals } = await client.request(UsageGet, {});
      expect(totals.requests).toBe(11);
    });
    expect(JSON.parse(readFileSync(join(home, 'db.json'), 'utf8')).usage).toEqual([]);
  });
});
