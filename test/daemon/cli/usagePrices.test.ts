/**
 * `switchboard usage`, `switchboard prices` and the limit/budget/fallback flags of `connections
 * add|edit`, end to end: the built CLI, the daemon it starts on a temp home, the mock upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

const KEY = 'sk-good-cli-usage-0001';
let up: MockUpstream;
let home: string;
const cli = (args: string[], opts?: Parameters<typeof runCli>[2]) => runCli(home, args, opts);
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({ validKeys: [KEY] });
  home = tempDir('sb-cli-usage-');
  const added = await cli(
    [
      'connections',
      'add',
      '--name',
      'Work',
      '--provider',
      'openai',
      '--base-url',
      up.openaiBaseUrl,
      '--model',
      'gpt-4o',
      '--max-retries',
      '0',
      '--key-stdin',
      '--json',
    ],
    { input: `${KEY}\n` },
  );
  expect(added.code, added.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  if (home) await stopAndRemove(home);
  await up?.close();
});

describe('switchboard usage', () => {
  it('shows requests, exact tokens and the catalog cost, with a totals line', async () => {
    up.reply('gpt-4o', { chunks: ['ok'], usage: { input: 100_000, output: 10_000 } });
    for (let i = 0; i < 2; i++) expect((await cli(['chat', '-c', 'Work', 'hi'])).code).toBe(0);
    const r = await cli(['usage', 'Work', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const data = r.json();
    expect(data.records).toMatchObject([
      {
        connectionName: 'Work',
        model: 'gpt-4o',
        day: today(),
        requests: 2,
        inputTokens: 200_000,
        outputTokens: 20_000,
        unpricedRequests: 0,
      },
    ]);
    // gpt-4o's catalog price: $2.50 in, $10 out per million tokens.
    expect(data.totals.costUsd).toBeCloseTo(0.2 * 2.5 + 0.02 * 10, 9);
    const table = await cli(['usage', 'Work']);
    expect(table.stdout).toMatch(
      /DAY\s+CONNECTION\s+MODEL\s+REQUESTS\s+ERRORS\s+INPUT TOKENS\s+OUTPUT TOKENS\s+COST\s+AVG LATENCY/,
    );
    expect(table.stdout).toMatch(/gpt-4o\s+2\s+0\s+200,000\s+20,000\s+\$0\.7000/);
    expect(table.stdout).toMatch(/^total\s+2\s+0\s+200,000\s+20,000\s+\$0\.7000/m);
  });

  it('shows a model without a price as unknown, a partly priced sum as ≥, and says how to set a price', async () => {
    up.reply('my-finetune', { chunks: ['ok'], usage: { input: 10, output: 1 } });
    expect((await cli(['chat', '-c', 'Work', '-m', 'my-finetune', 'hi'])).code).toBe(0);
    const table = await cli(['usage', 'Work']);
    expect(table.stdout).toMatch(/my-finetune\s+1\s+0\s+10\s+1\s+unknown/);
    expect(table.stdout).toMatch(/^total\s+.*≥ \$0\.7000/m);
    expect(table.stderr).toContain('no price for openai my-finetune');
    expect(table.stderr).toContain('switchboard prices set openai my-finetune');
    const json = (await cli(['usage', '--json'])).json();
    expect(json.totals.unpricedRequests).toBe(1);
  });

  it('groups by model or connection, largest cost first', async () => {
    const r = await cli(['usage', '--group-by', 'model', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().groups.map((g: { model: string }) => g.model)).toEqual(['gpt-4o', 'my-finetune']);
    const byConn = await cli(['usage', '-g', 'connection,day']);
    expect(byConn.stdout).toMatch(/^CONNECTION\s+DAY\s+REQUESTS/);
    expect(byConn.stdout).toMatch(new RegExp(`^Work\\s+${today()}\\s+3\\s`, 'm'));
  });

  it('limits to the last N days, and finds nothing in a range with no usage', async () => {
    expect((await cli(['usage', '--days', '1', '--json'])).json()).toMatchObject({
      from: today(),
      to: today(),
      totals: { requests: 3 },
    });
    const empty = await cli(['usage', '--from', '2001-01-01', '--to', '2001-01-02']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('No usage recorded');
  });

  it('refuses bad selections with exit 2 and an unknown connection with exit 4', async () => {
    for (const args of [
      ['--days', '0'],
      ['--days', '2', '--from', '2026-01-01'],
      ['--group-by', 'provider'],
      ['--from', '2026-02-01', '--to', '2026-01-01'],
      ['Work', '--connection', 'Work'],
    ]) {
      const r = await cli(['usage', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: /m);
    }
    const missing = await cli(['usage', 'Nope']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^hint: .*Work/m);
  });

  it('marks tokens the daemon estimated for an answer cut before the provider reported usage with ~, and says why', async () => {
    const added = await cli(
      [
        'connections',
        'add',
        '--name',
        'Cut',
        '--provider',
        'openai',
        '--base-url',
        up.openaiBaseUrl,
        '--model',
        'gpt-4o',
        '--max-retries',
        '0',
        '--key-stdin',
      ],
      { input: `${KEY}\n` },
    );
    expect(added.code, added.stderr).toBe(0);
    up.reply('gpt-4o', { chunks: ['lorem ', 'ipsum ', 'dolor ', 'sit ', 'amet'], usage: { input: 5, output: 5 } });
    up.fault({ kind: 'reset', afterChunks: 3, count: 1 });
    const chat = await cli(['chat', '-c', 'Cut', 'hi']);
    expect(chat.code).not.toBe(0);
    const json = (await cli(['usage', 'Cut', '--json'])).json();
    expect(json.totals.estimatedRequests).toBe(1);
    const table = await cli(['usage', 'Cut']);
    expect(table.stdout).toMatch(/gpt-4o\s+1\s+\S+\s+~\d+\s+~\d+\s/);
    expect(table.stderr).toMatch(/~ marks estimated tokens: 1 answer was stopped or cut/);
    // Exact counts stay unmarked.
    expect((await cli(['usage', 'Work'])).stdout).not.toContain('~');
  });
});

describe('switchboard prices', () => {
  it('lists catalog prices, by default and for one provider', async () => {
    const r = await cli(['prices', '--provider', 'openai', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().prices).toContainEqual({
      provider: 'openai',
      model: 'gpt-4o',
      inputPerMTok: 2.5,
      outputPerMTok: 10,
      source: 'catalog',
    });
    const table = await cli(['prices', 'list', '-p', 'openai']);
    expect(table.stdout).toMatch(/^PROVIDER\s+MODEL\s+INPUT \$\/MTOK\s+OUTPUT \$\/MTOK\s+SOURCE/);
    expect(table.stdout).toMatch(/^openai\s+gpt-4o\s+\$2\.50\s+\$10\.00\s+catalog$/m);
  });

  it('sets a price that later usage is costed at, and clears it', async () => {
    const set = await cli(['prices', 'set', 'openai', 'my-finetune', '--input', '1', '--output', '2', '--json']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.json().price).toEqual({
      provider: 'openai',
      model: 'my-finetune',
      inputPerMTok: 1,
      outputPerMTok: 2,
      source: 'user',
    });
    up.reply('my-finetune', { chunks: ['ok'], usage: { input: 1_000_000, output: 500_000 } });
    expect((await cli(['chat', '-c', 'Work', '-m', 'my-finetune', 'hi'])).code).toBe(0);
    const row = (await cli(['usage', 'Work', '--group-by', 'model', '--json']))
      .json()
      .groups.find((g: { model: string }) => g.model === 'my-finetune');
    expect(row).toMatchObject({ requests: 2, costUsd: 2, unpricedRequests: 1 });
    expect((await cli(['prices', 'list', '--provider', 'openai'])).stdout).toMatch(
      /^openai\s+my-finetune\s+\$1\.00\s+\$2\.00\s+user$/m,
    );

    const cleared = await cli(['prices', 'set', 'openai', 'my-finetune', '--clear']);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('no price now');
    const back = await cli(['prices', 'set', 'openai', 'gpt-4o', '--clear']);
    expect(back.stdout).toMatch(/catalog price/);
  });

  it('refuses an incomplete or contradictory price with exit 2 and an unknown provider with exit 4', async () => {
    expect((await cli(['prices', 'set', 'openai', 'm', '--input', '1'])).code).toBe(2);
    expect((await cli(['prices', 'set', 'openai', 'm', '--input', '-1', '--output', '1'])).code).toBe(2);
    expect((await cli(['prices', 'set', 'openai', 'm', '--clear', '--input', '1'])).code).toBe(2);
    expect((await cli(['prices', 'set', 'openai'])).code).toBe(2);
    const unknown = await cli(['prices', 'set', 'nope', 'm', '--input', '1', '--output', '1']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/^hint: .*openai/m);
    expect((await cli(['prices', '--provider', 'nope'])).code).toBe(4);
  });

  it('names a mistyped subcommand as unknown rather than passing it to "list"', async () => {
    const r = await cli(['prices', 'lst']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command "prices lst"');
    expect(r.stderr).toMatch(/^hint: .*list, set/m);
  });
});

describe('connections add|edit limits, budget and fallbacks', () => {
  it('sets them from flags, shows them, and clears them on edit', async () => {
    const r = await cli(
      [
        'connections',
        'add',
        '--name',
        'Capped',
        '--provider',
        'openai',
        '--base-url',
        up.openaiBaseUrl,
        '--key-stdin',
        '--json',
        '--limit',
        'minute:requests=60,tokens=100k',
        '--limit',
        'day:requests=5000',
        '--on-limit',
        'queue',
        '--max-queue-wait',
        '5000',
        '--budget',
        'month:50',
        '--fallback',
        'Work',
        '--fallback-model',
        'Work=gpt-4o-mini',
      ],
      { input: `${KEY}\n` },
    );
    expect(r.code, r.stderr).toBe(0);
    const work = (await cli(['connections', 'list', '--json']))
      .json()
      .connections.find((c: { name: string }) => c.name === 'Work');
    expect(r.json().connection).toMatchObject({
      capacity: [
        { period: 'minute', requests: 60, tokens: 100_000 },
        { period: 'day', requests: 5000 },
      ],
      onLimit: 'queue',
      maxQueueWaitMs: 5000,
      budget: { period: 'month', amount: 50 },
      fallbacks: [work.id],
      fallbackModels: { [work.id]: 'gpt-4o-mini' },
    });
    const show = await cli(['connections', 'show', 'Capped']);
    expect(show.stdout).toMatch(/^limits:\s+minute: 60 requests, 100,000 tokens; day: 5,000 requests$/m);
    expect(show.stdout).toMatch(/^over a limit:\s+queue, up to 5000 ms$/m);
    expect(show.stdout).toMatch(/^budget:\s+\$50 per month$/m);
    expect(show.stdout).toMatch(/^fallbacks:\s+Work \(gpt-4o-mini\)$/m);

    const edited = await cli([
      'connections',
      'edit',
      'Capped',
      '--no-limits',
      '--no-budget',
      '--no-fallbacks',
      '--unset',
      'on-limit,max-queue-wait',
      '--json',
    ]);
    expect(edited.code, edited.stderr).toBe(0);
    for (const field of ['capacity', 'budget', 'fallbacks', 'fallbackModels', 'onLimit', 'maxQueueWaitMs'])
      expect(edited.json().connection).not.toHaveProperty(field);
    expect((await cli(['connections', 'show', 'Capped'])).stdout).toMatch(/^fallbacks:\s+none$/m);
  });

  it('refuses malformed, contradictory and self-referencing values with exit 2, and an unknown fallback with exit 4', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--limit', 'week:requests=1'], /minute, hour or day/],
      [['--limit', 'minute:calls=5'], /requests or tokens/],
      [['--limit', 'minute:requests=0'], /at least 1/],
      [['--limit', 'minute:requests=1.5'], /whole number/],
      [['--budget', 'month:-5'], /above 0/],
      [['--on-limit', 'wait'], /fail or queue/],
      [['--limit', 'minute:requests=1', '--no-limits'], /cannot be combined/],
      [['--fallback', 'Capped'], /itself/],
      [['--fallback-model', 'Work=gpt-4o'], /not one of this connection's fallbacks/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['connections', 'edit', 'Capped', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    const unknown = await cli(['connections', 'edit', 'Capped', '--fallback', 'Ghost']);
    expect(unknown.code).toBe(4);
    const after = (await cli(['connections', 'show', 'Capped', '--json'])).json().connection;
    expect(after.fallbacks).toBeUndefined();
    expect(after.capacity).toBeUndefined();
  });
});
