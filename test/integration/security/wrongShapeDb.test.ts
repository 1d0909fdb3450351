/**
 * A db.json of the wrong shape (valid JSON, but not a Switchboard store) is moved aside like a
 * corrupt one, with a WARN saying where it went — never "migrated" into an empty store.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionsList } from '../../../shared/protocol';
import { cleanupDaemons, freshHome, startDaemon } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt } from '../../helpers/integrationClient';

beforeAll(() => ensureDaemonBuilt());
afterAll(async () => {
  await closeClients();
  await cleanupDaemons();
});

describe('a wrong-shape db.json', () => {
  it.each([
    ['an unrelated object', '{"hello":"world","items":[1,2,3]}'],
    ['connections that are not a list', '{"schemaVersion":2,"connections":{"a":1}}'],
  ])('is moved aside with a WARN when it is %s', async (_what, content) => {
    const home = freshHome();
    writeFileSync(join(home, 'db.json'), content);
    const daemon = await startDaemon({ home });
    const aside = readdirSync(home).filter((f) => f.startsWith('db.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(home, aside[0]!), 'utf8')).toBe(content);
    expect(daemon.output()).toMatch(/WARN .*db\.json is unreadable \(it has no "connections" list.*moved it to/);
    expect(daemon.output()).not.toMatch(/Migrated/);
    const client = await connectClient(daemon, 'shape');
    expect((await client.request(ConnectionsList, {})).connections).toEqual([]);
    await closeClients();
    await daemon.stop();
  });
});
