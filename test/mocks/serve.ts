/**
 * The mock upstream as its own process, for benchmarks that must not share an event loop with
 * the thing they measure:
 *
 *   node --import tsx test/mocks/serve.ts [--chunks N] [--chunk-delay-ms M] [--first-chunk-delay-ms F]
 *                                         [--valid-key K]... [--exit-with-stdin]
 *
 * Prints one JSON line on stdout once listening — {"url", "openaiBaseUrl", "anthropicBaseUrl",
 * "azureEndpoint", "pid"} — and runs until SIGTERM/SIGINT (or, with --exit-with-stdin, until its
 * stdin closes, so it dies with a parent that spawned it with a piped stdin).
 */
import { parseArgs } from 'node:util';
import { startMockUpstream } from './upstream';

const { values } = parseArgs({
  options: {
    chunks: { type: 'string', default: '3' },
    'chunk-delay-ms': { type: 'string', default: '0' },
    'first-chunk-delay-ms': { type: 'string', default: '0' },
    'valid-key': { type: 'string', multiple: true, default: [] },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
  strict: true,
});

function count(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`serve: --${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

// No top-level await: the package is CommonJS, so tsx runs this file as CJS.
async function main(): Promise<void> {
  const chunks = count('chunks', values.chunks);
  const up = await startMockUpstream({
    validKeys: values['valid-key'],
    // Distinct, token-sized chunks so a client can check order and count.
    defaultReply: {
      chunks: Array.from({ length: chunks }, (_, i) => (i === 0 ? `tok${i}` : ` tok${i}`)),
      chunkDelayMs: count('chunk-delay-ms', values['chunk-delay-ms']),
      firstChunkDelayMs: count('first-chunk-delay-ms', values['first-chunk-delay-ms']),
    },
  });

  process.stdout.write(
    JSON.stringify({
      url: up.url,
      openaiBaseUrl: up.openaiBaseUrl,
      anthropicBaseUrl: up.anthropicBaseUrl,
      azureEndpoint: up.azureEndpoint,
      pid: process.pid,
    }) + '\n',
  );

  let stopping = false;
  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await up.close();
    process.exit(0);
  }
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (values['exit-with-stdin']) {
    process.stdin.on('end', stop).on('close', stop).resume();
  }
}

main().catch((err: unknown) => {
  console.error('serve: failed to start', err);
  process.exit(1);
});
