/** `switchboard connections test <connection> | --all [--completion]`: per-stage results, exit 1 on error. */
import {
  ConnectionsTest,
  ConnectionsTestHistory,
  type Connection,
  type TestResult,
  type TestStage,
} from '../../../shared/protocol';
import { bool, UsageError } from '../args';
import type { CliContext, Command } from '../context';
import { EXIT } from '../exitCodes';
import type { Output } from '../output';

/** A test runs every stage against the provider, each bounded by the connection's own timeout. */
const TEST_TIMEOUT_MS = 300_000;

function mark(out: Output, status: TestStage['status']): string {
  switch (status) {
    case 'ok':
      return out.paint('green', '✓');
    case 'warning':
      return out.paint('yellow', '!');
    case 'error':
      return out.paint('red', '✗');
    default:
      return out.paint('dim', '-');
  }
}

export function printTest(out: Output, name: string, result: TestResult): void {
  const colour = result.status === 'ok' ? 'green' : result.status === 'warning' ? 'yellow' : 'red';
  out.line(`${mark(out, result.status)} ${out.paint('bold', name)}  ${out.paint(colour, result.summary)}`);
  const width = Math.max(...result.stages.map((s) => s.name.length));
  for (const stage of result.stages) {
    const ms = stage.ms !== undefined ? `${stage.ms} ms`.padStart(8) : ' '.repeat(8);
    const reason = stage.status === 'skipped' ? out.paint('dim', stage.reason) : stage.reason;
    out.line(`    ${mark(out, stage.status)} ${stage.name.padEnd(width)}  ${ms}  ${reason}`);
  }
}

async function runOne(ctx: CliContext, connection: Connection, completion: boolean): Promise<TestResult> {
  const client = await ctx.client();
  const spinner = ctx.out.spinner(`Testing ${connection.name}…`);
  try {
    const { result } = await client.request(
      ConnectionsTest,
      { id: connection.id, ...(completion && { completion: true }) },
      { timeoutMs: TEST_TIMEOUT_MS },
    );
    return result;
  } finally {
    spinner.stop();
  }
}

export const testCommand: Command = {
  name: 'test',
  summary: 'Test connectivity, key, models and latency (exit 1 if a test fails)',
  usage: 'connections test <connection> | --all [--completion] | <connection> --history',
  details: `Stages: connectivity, authentication, models, latency, and with --completion a tiny completion on the default model. Results are stored on the connection.
--history runs no test: it lists the connection's last results (time, status, the stage that decided it and why, and
what ran it: manual, scheduled, or a chat whose key was rejected), newest first.`,
  flags: [
    { name: 'history', type: 'boolean', description: 'Show the last test results instead of testing' },
    { name: 'all', type: 'boolean', description: 'Test every connection' },
    { name: 'completion', type: 'boolean', description: 'Also send a tiny completion to the default model' },
  ],
  async run(ctx, parsed) {
    if (bool(parsed.values, 'history')) return showHistory(ctx, parsed.positionals, this.usage);
    const all = bool(parsed.values, 'all');
    const completion = bool(parsed.values, 'completion');
    if (all === (parsed.positionals.length === 1) || parsed.positionals.length > 1) {
      throw new UsageError(
        all ? 'Give either a connection or --all, not both.' : 'Name one connection to test, or pass --all.',
        `Usage: switchboard ${this.usage}`,
      );
    }
    const targets = all ? await ctx.connections() : [await ctx.connection(parsed.positionals[0]!)];
    if (targets.length === 0) {
      ctx.out.data({ results: [] });
      ctx.out.line('No connections to test.');
      return EXIT.OK;
    }
    const results: Array<{ id: string; name: string; result: TestResult }> = [];
    for (const connection of targets) {
      const result = await runOne(ctx, connection, completion);
      results.push({ id: connection.id, name: connection.name, result });
      printTest(ctx.out, connection.name, result);
    }
    if (all) ctx.out.data({ results });
    else ctx.out.data({ result: results[0]!.result, connection: { id: targets[0]!.id, name: targets[0]!.name } });
    return results.some((r) => r.result.status === 'error') ? EXIT.FAILED : EXIT.OK;
  },
};

/** `connections test <connection> --history`: the stored results, newest first. */
async function showHistory(ctx: CliContext, positionals: string[], usage: string): Promise<number> {
  if (positionals.length !== 1)
    throw new UsageError('--history needs exactly one connection.', `Usage: switchboard ${usage}`);
  const connection = await ctx.connection(positionals[0]!);
  const { entries } = await (await ctx.client()).request(ConnectionsTestHistory, { id: connection.id });
  ctx.out.data({ connection: { id: connection.id, name: connection.name }, entries });
  if (entries.length === 0) {
    ctx.out.line(
      `${connection.name} has not been tested yet. Test it with: switchboard connections test "${connection.name}"`,
    );
    return EXIT.OK;
  }
  ctx.out.table(
    ['TESTED', 'STATUS', 'STAGE', 'BY', 'REASON'],
    entries.map((e) => [e.testedAt, `${mark(ctx.out, e.status)} ${e.status}`, e.stage ?? '-', e.trigger, e.reason]),
  );
  return EXIT.OK;
}
