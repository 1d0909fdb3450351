/**
 * OPENAI_LOG=debug / ANTHROPIC_LOG=debug make the SDKs print request and response details to the
 * console. The adapters pin logging off; this proves nothing reaches stdout/stderr/console, with a
 * control showing that the capture does see an unpinned SDK's output.
 */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { findBuiltIn } from '../../../daemon/catalog/builtInProviders';
import { adapterFor, clearClients } from '../../../daemon/providers/registry';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { CANARY_KEY, chat, collect, failure, GOOD_KEY, makeConn } from './helpers';

let up: MockUpstream;
const saved = { openai: process.env['OPENAI_LOG'], anthropic: process.env['ANTHROPIC_LOG'] };

beforeAll(async () => {
  up = await startMockUpstream({ validKeys: [GOOD_KEY] });
  process.env['OPENAI_LOG'] = 'debug';
  process.env['ANTHROPIC_LOG'] = 'debug';
});
afterAll(async () => {
  restore('OPENAI_LOG', saved.openai);
  restore('ANTHROPIC_LOG', saved.anthropic);
  await up.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  up.reset();
  clearClients();
});

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Everything written to the console or the process's stdout/stderr while `fn` runs. */
async function captured(fn: () => Promise<unknown>): Promise<string> {
  const out: string[] = [];
  const grab = (...args: unknown[]) =>
    void out.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '));
  for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const)
    vi.spyOn(console, m).mockImplementation(grab);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (grab(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (grab(String(chunk)), true));
  try {
    await fn();
  } finally {
    vi.restoreAllMocks();
  }
  return out.join('\n');
}

describe.each([
  { providerId: 'openai', base: () => up.openaiBaseUrl, model: 'gpt-4o' },
  { providerId: 'anthropic', base: () => up.anthropicBaseUrl, model: 'claude-sonnet-4-5' },
])('$providerId SDK logging', ({ providerId, base, model }) => {
  const adapter = adapterFor(findBuiltIn(providerId)!);

  it('prints nothing, key or otherwise, with *_LOG=debug', async () => {
    const output = await captured(async () => {
      await collect(adapter, makeConn(providerId, base()), chat(model));
      await collect(adapter, makeConn(providerId, base(), { apiKey: CANARY_KEY }), chat(model));
      await adapter.listModels(makeConn(providerId, base()), new AbortController().signal);
      await failure(
        adapter.listModels(makeConn(providerId, base(), { apiKey: CANARY_KEY }), new AbortController().signal),
      );
    });
    expect(up.requests.length).toBe(4);
    expect(output).not.toContain(GOOD_KEY);
    expect(output).not.toContain(CANARY_KEY);
    expect(output).toBe('');
  });
});

it('control: an unpinned SDK client does print with OPENAI_LOG=debug, so the capture works', async () => {
  const output = await captured(async () => {
    const raw = new OpenAI({ apiKey: CANARY_KEY, baseURL: up.openaiBaseUrl, maxRetries: 0 });
    await raw.models.list().catch(() => undefined);
  });
  expect(output).toContain('sending request');
});
