/**
 * `markUsed` runs on every request: it writes a connection's `lastUsedAt` at most once a second,
 * so a busy connection does not format a time and queue a store change per request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ProviderCatalog } from '../../../daemon/catalog/providerCatalog';
import { ConnectionService } from '../../../daemon/connections/service';
import { EventHub } from '../../../daemon/events';
import { Keyring } from '../../../daemon/keys/keyring';
import { Vault } from '../../../daemon/keys/vault';
import { silentLogger } from '../../../daemon/log';
import { AuditLog } from '../../../daemon/store/auditLog';
import { Database } from '../../../daemon/store/database';

let dir: string;
let db: Database;
let service: ConnectionService;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-mark-used-'));
  db = await Database.open(join(dir, 'db.json'), silentLogger, { debounceMs: 5 });
  const vault = await Vault.open({
    file: join(dir, 'vault.json'),
    masterKeyFile: join(dir, 'master.key'),
    env: {},
    log: silentLogger,
  });
  service = new ConnectionService({
    db,
    audit: new AuditLog(join(dir, 'audit.jsonl'), silentLogger),
    vault,
    keyring: new Keyring(vault, {}),
    events: new EventHub(() => []),
    providers: new ProviderCatalog(db),
  });
});

afterEach(async () => {
  vi.useRealTimers();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

it('writes lastUsedAt at most once a second per connection', async () => {
  const a = await service.create({ name: 'a', provider: 'openai', apiKey: 'sk-test-0123456789abcdef' }, 'test');
  const b = await service.create({ name: 'b', provider: 'openai', apiKey: 'sk-test-0123456789abcdef' }, 'test');
  const lastUsed = (id: string) => service.get(id).lastUsedAt;
  vi.useFakeTimers({ toFake: ['Date'] });
  const t0 = Date.parse('2026-03-04T05:06:07.000Z');
  vi.setSystemTime(t0);
  service.markUsed(a.id);
  expect(lastUsed(a.id)).toBe('2026-03-04T05:06:07.000Z');

  vi.setSystemTime(t0 + 999);
  service.markUsed(a.id);
  expect(lastUsed(a.id)).toBe('2026-03-04T05:06:07.000Z');
  // Another connection has its own clock.
  service.markUsed(b.id);
  expect(lastUsed(b.id)).toBe('2026-03-04T05:06:07.999Z');

  vi.setSystemTime(t0 + 1000);
  service.markUsed(a.id);
  expect(lastUsed(a.id)).toBe('2026-03-04T05:06:08.000Z');

  // A clock set back (NTP, a suspended laptop) does not freeze the time for a second or more.
  vi.setSystemTime(t0 - 60_000);
  service.markUsed(a.id);
  expect(lastUsed(a.id)).toBe('2026-03-04T05:05:07.000Z');
});
