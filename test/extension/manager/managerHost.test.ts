import { describe, expect, it } from 'vitest';
import { SwitchboardError, type RequestType } from '../../../shared/protocol';
import type { HostToManager } from '../../../shared/webview';
import { ManagerHost, toManagerError } from '../../../extension/manager/managerHost';
import { savedConnection } from './page/fixtures';

const conn = savedConnection;

/** A host wired to a scripted daemon: `answers[method]` returns the result or throws. */
function setup(answers: Record<string, (params: any) => unknown>, confirm = true, signedIn?: string) {
  const calls: Array<{ method: string; params: unknown }> = [];
  const signIns: string[] = [];
  const keys: string[] = [];
  const posted: HostToManager[] = [];
  const audits: string[] = [];
  const host = new ManagerHost({
    async request<P, R>(d: RequestType<P, R>, params: P): Promise<R> {
      calls.push({ method: d.method, params });
      const answer = answers[d.method];
      if (!answer) throw new Error(`unexpected ${d.method}`);
      return answer(params) as R;
    },
    storeKey: async (id, key) => void keys.push(`store ${id} ${key}`),
    deleteKey: async (id) => void keys.push(`delete ${id}`),
    confirmDelete: async () => confirm,
    signIn: async (provider) => {
      signIns.push(provider);
      return signedIn;
    },
    showAudit: async (id) => void audits.push(id),
    post: (m) => void posted.push(m),
  });
  return { host, calls, keys, posted, signIns, audits };
}

const listing = { 'providers/list': () => ({ providers: [] }), 'connections/list': () => ({ connections: [conn()] }) };

describe('ManagerHost', () => {
  it("sends the open connection's test history, and again when the daemon says it was tested", async () => {
    const entry = (testedAt: string) => ({
      testedAt,
      status: 'error' as const,
      summary: 'Key rejected (401)',
      stage: 'authentication',
      reason: 'The key was rejected (401).',
      durationMs: 12,
      trigger: 'scheduled' as const,
    });
    let entries = [entry('2026-12-06T10:00:00.000Z')];
    const { host, posted, calls } = setup({ ...listing, 'connections/testHistory': () => ({ entries }) });
    await host.handle({ type: 'loadTestHistory', connectionId: 'c1' });
    expect(calls.at(-1)).toEqual({ method: 'connections/testHistory', params: { id: 'c1' } });
    expect(posted.at(-1)).toEqual({ type: 'testHistory', connectionId: 'c1', entries });

    entries = [entry('2026-12-06T11:00:00.000Z'), ...entries];
    await host.tested('c1');
    expect(posted.slice(-2)).toEqual([
      { type: 'connections', connections: [conn()] },
      { type: 'testHistory', connectionId: 'c1', entries },
    ]);
    // Another connection's test refreshes the list only.
    const before = calls.length;
    await host.tested('c2');
    expect(calls.slice(before).map((c) => c.method)).toEqual(['connections/list']);
  });

  it('opens the audit log of the connection the page names', async () => {
    const { host, audits } = setup(listing);
    await host.handle({ type: 'showAudit', connectionId: 'c1' });
    expect(audits).toEqual(['c1']);
  });

  it('runs "Sign in with OpenRouter" for the page and selects the connection it made (no key passes through the page)', async () => {
    const { host, posted, signIns, keys } = setup(listing, true, 'c1');
    await host.handle({ type: 'signIn', provider: 'openrouter' });
    expect(signIns).toEqual(['openrouter']);
    expect(keys).toEqual([]);
    expect(posted).toEqual([
      { type: 'connections', connections: [conn()] },
      { type: 'select', connectionId: 'c1' },
    ]);
    const cancelled = setup(listing, true, undefined);
    await cancelled.host.handle({ type: 'signIn', provider: 'openrouter' });
    expect(cancelled.posted.some((m) => m.type === 'select')).toBe(false);
  });

  it('answers ready with init, carrying a selection asked for before the page was ready', async () => {
    const { host, posted } = setup(listing);
    host.select('c1');
    await host.handle({ type: 'ready' });
    expect(posted).toEqual([{ type: 'init', providers: [], connections: [conn()], selectId: 'c1' }]);
    host.select(null);
    expect(posted.at(-1)).toEqual({ type: 'select', connectionId: null });
  });

  it('asks the page to open the key field when "Replace Key" came from the chat, before or after the page is ready', async () => {
    const early = setup(listing);
    early.host.select('c1', { replaceKey: true });
    await early.host.handle({ type: 'ready' });
    expect(early.posted).toEqual([
      { type: 'init', providers: [], connections: [conn()], selectId: 'c1' },
      { type: 'select', connectionId: 'c1', replaceKey: true },
    ]);
    early.host.select('c1', { replaceKey: true });
    expect(early.posted.at(-1)).toEqual({ type: 'select', connectionId: 'c1', replaceKey: true });
    early.host.select('c1');
    expect(early.posted.at(-1)).toEqual({ type: 'select', connectionId: 'c1' });
  });

  it("lists a provider's prices and sets (or drops) the user's price, answering with the fresh list", async () => {
    const entry = { provider: 'openai', model: 'gpt-x', inputPerMTok: 1, outputPerMTok: 2, source: 'user' };
    const { host, calls, posted } = setup({
      'prices/list': () => ({ prices: [entry] }),
      'prices/set': () => ({ price: entry }),
    });
    await host.handle({ type: 'loadPrices', provider: 'openai' });
    expect(posted.at(-1)).toEqual({ type: 'prices', provider: 'openai', prices: [entry] });
    await host.handle({
      type: 'setPrice',
      requestId: 7,
      provider: 'openai',
      model: 'gpt-x',
      price: { inputPerMTok: 1, outputPerMTok: 2 },
    });
    await host.handle({ type: 'setPrice', requestId: 8, provider: 'openai', model: 'gpt-x', price: null });
    expect(calls.filter((c) => c.method === 'prices/set').map((c) => c.params)).toEqual([
      { provider: 'openai', model: 'gpt-x', price: { inputPerMTok: 1, outputPerMTok: 2 } },
      { provider: 'openai', model: 'gpt-x', price: null },
    ]);
    expect(posted.at(-1)).toEqual({ type: 'prices', provider: 'openai', prices: [entry], requestId: 8 });
  });

  it('saves a custom provider with providers/upsert and answers with the catalog as it is now', async () => {
    const input = {
      id: 'acme',
      name: 'Acme',
      adapter: 'openai' as const,
      defaultBaseUrl: 'https://llm.acme.example/v1',
      requiresKey: true,
      authHeader: { name: 'api-key', prefix: 'Token' },
    };
    const saved = { ...input, builtIn: false };
    const { host, calls, posted } = setup({
      'providers/upsert': () => ({ provider: saved }),
      'providers/list': () => ({ providers: [saved] }),
    });
    await host.handle({ type: 'saveProvider', requestId: 3, provider: input });
    expect(calls[0]).toEqual({ method: 'providers/upsert', params: { provider: input } });
    expect(posted).toEqual([{ type: 'providerSaved', requestId: 3, provider: saved, providers: [saved] }]);

    const refused = setup({
      'providers/upsert': () => {
        throw new SwitchboardError('PROVIDER_IN_USE', '"openai" is a built-in provider and cannot be replaced.', {
          hint: 'Give your provider another id.',
        });
      },
    });
    await refused.host.handle({ type: 'saveProvider', requestId: 4, provider: { ...input, id: 'openai' } });
    expect(refused.posted).toEqual([
      {
        type: 'error',
        requestId: 4,
        error: expect.objectContaining({
          message: expect.stringContaining('built-in provider'),
          code: 'PROVIDER_IN_USE',
        }),
      },
    ]);
  });

  it('creates with keySource memory, then stores the key in SecretStorage', async () => {
    const { host, calls, keys, posted } = setup({
      ...listing,
      'connections/create': () => ({ connection: conn() }),
      'connections/test': () => ({ result: {} }),
    });
    await host.handle({
      type: 'create',
      requestId: 1,
      fields: { name: 'Work', provider: 'openai' },
      apiKey: 'sk-secret',
    });
    expect(calls[0]).toEqual({
      method: 'connections/create',
      params: { name: 'Work', provider: 'openai', keySource: 'memory', apiKey: 'sk-secret' },
    });
    expect(keys).toEqual(['store c1 sk-secret']);
    expect(posted[0]).toEqual({ type: 'saved', requestId: 1, connection: conn() });
    expect(posted[1]).toEqual({ type: 'connections', connections: [conn()] });
  });

  it('tests a connection right after saving it, so its stored status is fresh', async () => {
    const { host, calls } = setup({
      ...listing,
      'connections/create': () => ({ connection: conn() }),
      'connections/test': () => ({ result: {} }),
    });
    await host.handle({
      type: 'create',
      requestId: 1,
      fields: { name: 'Work', provider: 'openai' },
      apiKey: 'sk-secret',
    });
    expect(calls.map((c) => c.method)).toEqual([
      'connections/create',
      'connections/list',
      'connections/test',
      'connections/list',
    ]);
    expect(calls[2]!.params).toEqual({ id: 'c1' });
  });

  it('does not re-test after a rename only', async () => {
    const { host, calls } = setup({ ...listing, 'connections/update': () => ({ connection: conn({ name: 'New' }) }) });
    await host.handle({ type: 'update', requestId: 1, fields: { id: 'c1', name: 'New' } });
    expect(calls.map((c) => c.method)).toEqual(['connections/update', 'connections/list']);
  });

  it('creates a keyless connection without touching SecretStorage', async () => {
    const { host, calls, keys } = setup({
      ...listing,
      'connections/create': () => ({ connection: conn({ keySource: 'none' }) }),
    });
    await host.handle({ type: 'create', requestId: 1, fields: { name: 'Local', provider: 'ollama' } });
    expect(calls[0]!.params).toEqual({ name: 'Local', provider: 'ollama' });
    expect(keys).toEqual([]);
  });

  it('replaces a key through the key bridge and answers with the new mask, never the key', async () => {
    const { host, keys, posted } = setup({
      ...listing,
      'connections/update': () => ({ connection: conn({ keyHint: '…old1' }) }),
      'connections/get': () => ({ connection: conn({ keyHint: '…new2' }) }),
    });
    await host.handle({ type: 'update', requestId: 2, fields: { id: 'c1' }, apiKey: 'sk-new2' });
    expect(keys).toEqual(['store c1 sk-new2']);
    expect(posted[0]).toEqual({ type: 'saved', requestId: 2, connection: conn({ keyHint: '…new2' }) });
    expect(JSON.stringify(posted)).not.toContain('sk-new2');
  });

  it('deletes only after confirmation, and forgets the key', async () => {
    const { host, calls, keys, posted } = setup({ ...listing, 'connections/delete': () => ({ connection: conn() }) });
    await host.handle({ type: 'delete', requestId: 3, id: 'c1', name: 'Work' });
    expect(calls[0]).toEqual({ method: 'connections/delete', params: { id: 'c1' } });
    expect(keys).toEqual(['delete c1']);
    expect(posted[0]).toEqual({ type: 'deleted', requestId: 3, id: 'c1' });
  });

  it('does nothing when the delete is declined', async () => {
    const { host, calls, keys, posted } = setup(listing, false);
    await host.handle({ type: 'delete', requestId: 4, id: 'c1', name: 'Work' });
    expect(calls).toEqual([]);
    expect(keys).toEqual([]);
    expect(posted).toEqual([{ type: 'cancelled', requestId: 4 }]);
  });

  it('tests a draft or a saved connection', async () => {
    const result = { status: 'ok' as const, summary: 'Works', testedAt: '', durationMs: 5, stages: [] };
    const { host, calls, posted } = setup({ 'connections/test': () => ({ result }) });
    await host.handle({ type: 'test', requestId: 5, target: { id: 'c1' } });
    await host.handle({ type: 'test', requestId: 6, target: { draft: { provider: 'openai', apiKey: 'sk-x' } } });
    expect(calls.map((c) => c.params)).toEqual([{ id: 'c1' }, { draft: { provider: 'openai', apiKey: 'sk-x' } }]);
    expect(posted).toEqual([
      { type: 'testResult', requestId: 5, result },
      { type: 'testResult', requestId: 6, result },
    ]);
  });

  it('turns a DUPLICATE_NAME error into a field error for the page', async () => {
    const { host, keys, posted } = setup({
      'connections/create': () => {
        throw new SwitchboardError('DUPLICATE_NAME', 'A connection named "Work" already exists.', {
          hint: 'Choose another name.',
          field: 'name',
        });
      },
    });
    await host.handle({ type: 'create', requestId: 7, fields: { name: 'Work', provider: 'openai' }, apiKey: 'sk-x' });
    expect(keys).toEqual([]);
    expect(posted).toEqual([
      {
        type: 'error',
        requestId: 7,
        error: {
          message: 'A connection named "Work" already exists.',
          hint: 'Choose another name.',
          code: 'DUPLICATE_NAME',
          field: 'name',
        },
      },
    ]);
  });

  it('reports an unreachable daemon on init without a request id', async () => {
    const { host, posted } = setup({});
    await host.init();
    // The method name is the daemon's word, not the person's (#17 item 10): the banner never shows it.
    expect(posted).toEqual([{ type: 'error', error: { message: 'unexpected the request' } }]);
  });

  it("lists a saved connection's models by id", async () => {
    const { host, posted } = setup({
      'models/list': () => ({ models: [{ id: 'gpt-5.4' }, { id: 'gpt-5.4-mini' }], stale: false }),
    });
    await host.handle({ type: 'loadModels', connectionId: 'c1' });
    expect(posted).toEqual([{ type: 'models', connectionId: 'c1', models: ['gpt-5.4', 'gpt-5.4-mini'] }]);
  });

  it("answers the page's Quota now with connections/quota, and a failure in the section's words rather than the banner", async () => {
    const quota = { connectionId: 'c1', name: 'Work', at: '2026-01-02T15:00:00.000Z', limits: [] };
    const { host, posted, calls } = setup({ 'connections/quota': () => ({ quotas: [quota] }) });
    await host.handle({ type: 'loadQuota', connectionId: 'c1' });
    expect(calls).toEqual([{ method: 'connections/quota', params: { id: 'c1' } }]);
    expect(posted).toEqual([{ type: 'quota', connectionId: 'c1', quota }]);

    const failing = setup({
      'connections/quota': () => {
        throw new SwitchboardError('CONNECTION_NOT_FOUND', 'No connection "c9".', { hint: 'Pick another one.' });
      },
    });
    await failing.host.handle({ type: 'loadQuota', connectionId: 'c9' });
    expect(failing.posted).toEqual([{ type: 'quota', connectionId: 'c9', error: 'No connection "c9".' }]);
  });
});

describe('toManagerError', () => {
  it('reads the field of an invalid-params error and drops the draft prefix', () => {
    const rpc = Object.assign(new Error('Invalid params: draft.baseUrl: must be an http:// or https:// URL'), {
      code: -32602,
      data: { field: 'draft.baseUrl' },
    });
    expect(toManagerError(rpc)).toEqual({
      message: 'Must be an http:// or https:// URL',
      code: '-32602',
      field: 'baseUrl',
    });
  });

  it('copes with something that is not an Error', () => {
    expect(toManagerError('boom')).toEqual({ message: 'boom' });
  });
});

describe('ManagerHost.select', () => {
  it('re-reads the list after opening a connection, so its reported limits are current', async () => {
    const fresh = conn({ discoveredCapacity: { observedAt: '2025-03-30T12:00:00Z', requestsRemaining: 9 } });
    const { host, posted } = setup({ ...listing, 'connections/list': () => ({ connections: [fresh] }) });
    await host.handle({ type: 'ready' });
    host.select('c1');
    expect(posted.at(-1)).toEqual({ type: 'select', connectionId: 'c1' });
    await new Promise((r) => setTimeout(r, 0));
    expect(posted.at(-1)).toEqual({ type: 'connections', connections: [fresh] });
  });
});
