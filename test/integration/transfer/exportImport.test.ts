/**
 * `connections/export` and `connections/import` through two real daemons: everything travels —
 * connections with their limits, budgets, fallbacks (by name) and plain headers, user providers,
 * user prices, settings — except secrets. Canary keys in the vault, in memory (as VS Code sends
 * them), in a secret header and in the daemon's environment must appear nowhere in the export; an
 * env:NAME reference stays one. Import previews create/update/skip, handles name clashes (skip,
 * rename, replace keeping the key), imports what is valid and names each failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchboardClient } from '../../../shared/client';
import {
  ConnectionsCreate,
  ConnectionsExport,
  ConnectionsImport,
  ConnectionsList,
  PricesList,
  PricesSet,
  ProvidersList,
  ProvidersUpsert,
  SecretsSet,
  SettingsGet,
  SettingsUpdate,
  type Connection,
  type ExportDocument,
} from '../../../shared/protocol';
import { cleanupDaemons, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt } from '../../helpers/integrationClient';
import { canary, findLeaks } from '../canary/canaryScan';

const VAULT_KEY = canary('sk-CANARY-vault-');
const MEMORY_KEY = canary('sk-CANARY-memory-');
const HEADER_SECRET = canary('Bearer CANARYheader');
const ENV_KEY = canary('gsk_CANARY-env-');
const ALL = [VAULT_KEY, MEMORY_KEY, HEADER_SECRET, ENV_KEY];

let from: DaemonProcess;
let to: DaemonProcess;
let a: SwitchboardClient;
let b: SwitchboardClient;
let document: ExportDocument;

beforeAll(async () => {
  ensureDaemonBuilt();
  [from, to] = await Promise.all([startDaemon({ env: { SB_TRANSFER_GROQ_KEY: ENV_KEY } }), startDaemon()]);
  a = await connectClient(from, 'export-test');
  b = await connectClient(to, 'import-test');
  await a.request(ProvidersUpsert, {
    provider: {
      id: 'my-gateway',
      name: 'My Gateway',
      adapter: 'openai',
      defaultBaseUrl: 'https://gw.example.com/v1',
      requiresKey: true,
      envVar: 'MY_GATEWAY_KEY',
      authHeader: { name: 'api-key', prefix: 'Token' },
    },
  });
  const local = (await a.request(ConnectionsCreate, { name: 'Local', provider: 'ollama', defaultModel: 'llama3.2' }))
    .connection;
  const groq = (
    await a.request(ConnectionsCreate, {
      name: 'Groq',
      provider: 'groq',
      keySource: 'env:SB_TRANSFER_GROQ_KEY',
      defaultModel: 'llama-3.3-70b-versatile',
    })
  ).connection;
  await a.request(ConnectionsCreate, {
    name: 'Work',
    provider: 'openai',
    apiKey: VAULT_KEY,
    defaultModel: 'gpt-4o-mini',
    isDefault: true,
    headers: { 'Helicone-Auth': HEADER_SECRET, 'X-Team': 'platform' },
    capacity: [{ period: 'minute', requests: 60, tokens: 100_000 }],
    onLimit: 'queue',
    maxQueueWaitMs: 5000,
    budget: { period: 'month', amount: 25 },
    fallbacks: [groq.id, local.id],
    fallbackModels: { [local.id]: 'llama3.1' },
  });
  const editor = (await a.request(ConnectionsCreate, { name: 'Editor', provider: 'my-gateway', keySource: 'memory' }))
    .connection;
  await a.request(SecretsSet, { connectionId: editor.id, apiKey: MEMORY_KEY });
  await a.request(PricesSet, {
    provider: 'openai',
    model: 'gpt-4o-mini',
    price: { inputPerMTok: 0.2, outputPerMTok: 0.7 },
  });
  await a.request(SettingsUpdate, { testIntervalHours: 6 });
  document = (await a.request(ConnectionsExport, {})).document;
});

afterAll(async () => {
  await closeClients();
  await cleanupDaemons();
});

const byName = (list: Connection[]) => Object.fromEntries(list.map((c) => [c.name, c]));

describe('connections/export', () => {
  it('holds no secret: not a key from the vault, memory or environment, not a secret header value', () => {
    expect(findLeaks('export', JSON.stringify(document), ALL)).toEqual([]);
    const c = Object.fromEntries(document.connections.map((x) => [x.name, x]));
    expect(c.Work!.key).toEqual({ source: 'needsKey' });
    expect(c.Editor!.key).toEqual({ source: 'needsKey' });
    expect(c.Groq!.key).toEqual({ source: 'env', variable: 'SB_TRANSFER_GROQ_KEY' });
    expect(c.Local!.key).toEqual({ source: 'none' });
    expect(c.Work!.headers).toEqual({ 'X-Team': 'platform' });
    expect(c.Work!.secretHeaders).toEqual(['Helicone-Auth']);
  });

  it('carries a schema version, limits, budgets, fallbacks by name, providers, prices and settings', () => {
    expect(document).toMatchObject({
      format: 'switchboard-export',
      schemaVersion: 1,
      settings: { testIntervalHours: 6 },
    });
    const work = document.connections.find((x) => x.name === 'Work')!;
    expect(work).toMatchObject({
      capacity: [{ period: 'minute', requests: 60, tokens: 100_000 }],
      onLimit: 'queue',
      maxQueueWaitMs: 5000,
      budget: { period: 'month', amount: 25 },
      fallbacks: ['Groq', 'Local'],
      fallbackModels: { Local: 'llama3.1' },
      isDefault: true,
    });
    expect(document.providers).toEqual([
      {
        id: 'my-gateway',
        name: 'My Gateway',
        adapter: 'openai',
        defaultBaseUrl: 'https://gw.example.com/v1',
        requiresKey: true,
        envVar: 'MY_GATEWAY_KEY',
        authHeader: { name: 'api-key', prefix: 'Token' },
      },
    ]);
    expect(document.prices).toEqual([
      { provider: 'openai', model: 'gpt-4o-mini', inputPerMTok: 0.2, outputPerMTok: 0.7 },
    ]);
  });
});

describe('connections/import', () => {
  it('previews what it will create without changing anything', async () => {
    const preview = await b.request(ConnectionsImport, { text: JSON.stringify(document) });
    expect(preview.applied).toBe(false);
    const items = Object.fromEntries(preview.items.map((i) => [`${i.kind}:${i.name}`, i]));
    expect(items['provider:my-gateway']).toMatchObject({ action: 'create' });
    expect(items['connection:Work']).toMatchObject({
      action: 'create',
      key: 'needs a key',
      needs: ['a key', 'a value for header Helicone-Auth'],
    });
    expect(items['connection:Groq']).toMatchObject({ action: 'create', key: 'env:SB_TRANSFER_GROQ_KEY' });
    expect(items['connection:Local']).toMatchObject({ action: 'create', key: 'none' });
    expect(items['price:openai/gpt-4o-mini']).toMatchObject({ action: 'create' });
    expect(items['settings:settings']).toMatchObject({ action: 'update' });
    expect((await b.request(ConnectionsList, {})).connections).toEqual([]);
  });

  it('imports everything, fallbacks re-linked by name, keys needing to be given again', async () => {
    const result = await b.request(ConnectionsImport, { text: JSON.stringify(document), apply: true });
    expect(result.items.filter((i) => i.action === 'fail')).toEqual([]);
    const got = byName((await b.request(ConnectionsList, {})).connections);
    expect(Object.keys(got).sort()).toEqual(['Editor', 'Groq', 'Local', 'Work']);
    expect(got.Work).toMatchObject({
      keySource: 'vault',
      keyAvailable: false,
      isDefault: true,
      headers: { 'X-Team': 'platform' },
      budget: { period: 'month', amount: 25 },
      onLimit: 'queue',
    });
    expect(got.Work!.fallbacks).toEqual([got.Groq!.id, got.Local!.id]);
    expect(got.Work!.fallbackModels).toEqual({ [got.Local!.id]: 'llama3.1' });
    expect(got.Groq).toMatchObject({ keySource: 'env:SB_TRANSFER_GROQ_KEY', keyAvailable: false });
    expect(got.Editor).toMatchObject({ provider: 'my-gateway', keyAvailable: false });
    // The provider comes with how its key is sent (the key itself never travels).
    expect((await b.request(ProvidersList, {})).providers.find((p) => p.id === 'my-gateway')).toMatchObject({
      builtIn: false,
      authHeader: { name: 'api-key', prefix: 'Token' },
    });
    expect(
      (await b.request(PricesList, { provider: 'openai' })).prices.find((p) => p.model === 'gpt-4o-mini'),
    ).toMatchObject({ source: 'user', inputPerMTok: 0.2 });
    expect((await b.request(SettingsGet, {})).settings.testIntervalHours).toBe(6);
  });

  it('on a name clash skips by default, renames, or replaces keeping the key', async () => {
    const again = await b.request(ConnectionsImport, { text: JSON.stringify(document) });
    expect(again.items.filter((i) => i.kind === 'connection').map((i) => i.action)).toEqual([
      'skip',
      'skip',
      'skip',
      'skip',
    ]);
    expect(again.items.find((i) => i.kind === 'price')).toMatchObject({ action: 'skip', reason: 'already the same' });

    const renamed = await b.request(ConnectionsImport, {
      text: JSON.stringify(document),
      onClash: 'rename',
      only: ['Local'],
      apply: true,
    });
    expect(renamed.items.find((i) => i.name === 'Local')).toMatchObject({ action: 'create', newName: 'Local (2)' });
    expect(renamed.items.find((i) => i.name === 'Work')).toMatchObject({ action: 'skip', reason: 'not chosen' });

    const work = byName((await b.request(ConnectionsList, {})).connections).Work!;
    await b.request(SecretsSet, { connectionId: work.id, apiKey: 'sk-replaced-test-key-000000' });
    const changed = structuredClone(document);
    changed.connections.find((c) => c.name === 'Work')!.budget = { period: 'day', amount: 3 };
    const replaced = await b.request(ConnectionsImport, {
      text: JSON.stringify(changed),
      onClash: 'replace',
      only: ['Work'],
      apply: true,
    });
    expect(replaced.items.find((i) => i.name === 'Work')).toMatchObject({
      action: 'update',
      existingId: work.id,
      key: 'kept',
    });
    const after = byName((await b.request(ConnectionsList, {})).connections).Work!;
    expect(after).toMatchObject({
      id: work.id,
      budget: { period: 'day', amount: 3 },
      keyAvailable: true,
      keyHint: '…0000',
    });
  });

  it('imports what is valid and names each failure', async () => {
    const text = JSON.stringify({
      format: 'switchboard-export',
      schemaVersion: 1,
      connections: [
        { name: 'Good', provider: 'mistral', key: { source: 'env', variable: 'MISTRAL_API_KEY' } },
        { name: 'Bad URL', provider: 'openai', baseUrl: 'ftp://nope', key: { source: 'none' } },
        { name: 'Unknown provider', provider: 'nope-ai', key: { source: 'needsKey' } },
        { name: 'No key field', provider: 'openai' },
        {
          name: 'Not allowed',
          provider: 'openai',
          defaultModel: 'a',
          allowedModels: ['b'],
          key: { source: 'needsKey' },
        },
      ],
      prices: [{ provider: 'openai', model: 'x', inputPerMTok: -1, outputPerMTok: 1 }],
    });
    const result = await b.request(ConnectionsImport, { text, apply: true });
    const items = Object.fromEntries(result.items.map((i) => [i.name, i]));
    expect(items.Good).toMatchObject({ action: 'create', connectionId: expect.any(String) });
    expect(items['Bad URL']).toMatchObject({
      action: 'fail',
      reason: expect.stringMatching(/^baseUrl: /),
      hint: expect.any(String),
    });
    expect(items['Unknown provider']).toMatchObject({ action: 'fail', reason: expect.stringMatching(/nope-ai/) });
    expect(items['No key field']).toMatchObject({ action: 'fail', reason: expect.stringMatching(/^key/) });
    expect(items['Not allowed']).toMatchObject({
      action: 'fail',
      reason: expect.stringMatching(/defaultModel|allowed/i),
    });
    expect(items['openai/x']).toMatchObject({ action: 'fail', reason: expect.stringMatching(/inputPerMTok/) });
    expect(byName((await b.request(ConnectionsList, {})).connections).Good).toBeDefined();
  });
});
