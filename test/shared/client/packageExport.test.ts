/**
 * The `switchboard/client` package export, used the way a third-party Node tool uses it: a separate
 * Node process resolves the package by name (ESM `import` and CommonJS `require`), finds the REAL
 * daemon through its home, lists connections and streams a chat from the mock upstream.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupDaemons, KEYS, setup, type Env } from '../../integration/chat/harness';

const ROOT = resolve(__dirname, '../../..');
const run = promisify(execFile);

/** Runs a script in a child Node whose cwd is the package, so `switchboard/client` resolves by name. */
async function node(args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 15_000 });
  return stdout;
}

const ESM = `
import { connect, methods, SwitchboardError, ErrorCode } from 'switchboard/client';
const client = await connect({ home: process.env.HOME_DIR, clientName: 'package-test' });
const { connections } = await client.request(methods.ConnectionsList);
let text = '';
for await (const piece of client.chat({ messages: [{ role: 'user', content: 'hi' }] })) text += piece;
let code = '';
try { await client.request(methods.ConnectionsGet, { id: 'nope' }); } catch (e) { code = e instanceof SwitchboardError ? e.code : 'other'; }
const controller = new AbortController();
const stream = client.chat({ messages: [{ role: 'user', content: 'slow' }], model: 'slow-model' }, { signal: controller.signal });
setTimeout(() => controller.abort(), 50);
let cancelled = '';
try { for await (const _ of stream) {} } catch (e) { cancelled = e.code; }
console.log(JSON.stringify({ names: connections.map((c) => c.name), text, code, notFound: ErrorCode.CONNECTION_NOT_FOUND, cancelled }));
await client.close();
`;

describe('the switchboard/client package export', () => {
  let env: Env;
  beforeAll(async () => {
    // The export points at dist/: build it as `npm run build` does when a test run starts without it.
    if (!existsSync(resolve(ROOT, 'dist/client.js'))) await run(process.execPath, ['esbuild.mjs'], { cwd: ROOT });
    env = await setup({ defaultReply: { chunks: ['Hello', ' from', ' package'] } });
    env.up.reply('slow-model', { chunks: Array.from({ length: 200 }, (_, i) => `${i} `), chunkDelayMs: 20 });
    await env.create({
      name: 'Pkg',
      provider: 'openai',
      baseUrl: env.up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-test',
    });
  });
  afterAll(async () => {
    await env?.teardown();
    await cleanupDaemons();
  });

  it('is declared in package.json with types and a bundle', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['./client']).toEqual({
      types: './dist/types/shared/client/package.d.ts',
      default: './dist/client.js',
    });
  });

  it('connects, lists, streams a chat, maps errors and cancels through an AbortSignal from an ES module', async () => {
    const out = JSON.parse(await node(['--input-type=module', '-e', ESM], { HOME_DIR: env.daemon.home }));
    expect(out).toEqual({
      names: ['Pkg'],
      text: 'Hello from package',
      code: 'CONNECTION_NOT_FOUND',
      notFound: 'CONNECTION_NOT_FOUND',
      cancelled: 'CANCELLED',
    });
  });

  it('ships declarations a TypeScript consumer (node16 resolution) type-checks against', async () => {
    if (!existsSync(resolve(ROOT, 'dist/types/shared/client/package.d.ts')))
      await run(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.client.json'], {
        cwd: ROOT,
      });
    // Inside the package (dist/ is git-ignored), so `switchboard/client` resolves by self-reference.
    const dir = resolve(ROOT, 'dist/.consumer-check');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      resolve(dir, 'consumer.mts'),
      [
        "import { connect, methods, type ChatReply } from 'switchboard/client';",
        'const client = await connect({ clientName: "typed" });',
        'const list: { connections: methods.Connection[] } = await client.request(methods.ConnectionsList);',
        'const stream: ChatReply = client.chat({ messages: [{ role: "user", content: "hi" }] });',
        'const result: methods.ChatStreamResult = await stream.result;',
        'export const used = [list, result.connectionName];',
        '// @ts-expect-error a wrong params type must not compile',
        'await client.request(methods.ConnectionsGet, { name: 1 });',
      ].join('\n'),
    );
    const tsc = resolve(ROOT, 'node_modules/typescript/bin/tsc');
    const outcome = await run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'node16',
        '--moduleResolution',
        'node16',
        '--target',
        'es2022',
        '--types',
        'node',
        '--skipLibCheck',
        resolve(dir, 'consumer.mts'),
      ],
      { cwd: ROOT },
    ).then(
      () => 'ok',
      (e: { stdout: string }) => e.stdout,
    );
    expect(outcome).toBe('ok');
  });

  it('loads with require() from CommonJS', async () => {
    const out = await node(
      [
        '-e',
        "const c = require('switchboard/client'); console.log(typeof c.connect, typeof c.methods.ChatStream.method, typeof c.SwitchboardClient.connect)",
      ],
      {},
    );
    expect(out.trim()).toBe('function string function');
  });
});
