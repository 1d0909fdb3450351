/**
 * The Python tool loop of docs/protocol.md, run as printed against the real daemon and a mock
 * upstream that calls the tool, then answers once it has the result. Keeps the example honest.
 * Skipped where python3 with the `websockets` package is not installed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../mocks/upstream';
import { cleanupDaemons, ensureBuilt, KEYS, setup, type Env } from '../integration/chat/harness';

function hasPythonWebsockets(): boolean {
  try {
    execFileSync('python3', ['-c', 'import websockets'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The Python block of docs/protocol.md that holds the tool loop. */
function toolLoopExample(): string {
  const page = readFileSync(join(__dirname, '..', '..', 'docs', 'protocol.md'), 'utf8');
  const block = [...page.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('def agent('));
  if (!block) throw new Error('docs/protocol.md has no Python tool loop example');
  return block;
}

function runPython(code: string, home: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', code], { env: { ...process.env, SWITCHBOARD_HOME: home } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('close', (exit) => {
      clearTimeout(timer);
      resolve({ code: exit, stdout, stderr });
    });
  });
}

describe.skipIf(!hasPythonWebsockets())('the Python tool loop in docs/protocol.md', () => {
  let env: Env;
  beforeAll(async () => {
    ensureBuilt();
    env = await setup();
  });
  afterAll(async () => {
    await env?.teardown();
    await cleanupDaemons();
  });

  it.each([
    ['an OpenAI-format', 'openai', () => env.up.openaiBaseUrl, 'gpt-5.4'],
    ['an Anthropic', 'anthropic', () => env.up.anthropicBaseUrl, 'claude-sonnet-4-6'],
  ])('runs to the final answer against %s connection', async (_label, provider, baseUrl, model) => {
    env.up.reset();
    const conn = await env.create({ name: `py-${provider}`, provider, baseUrl: baseUrl(), apiKey: provider === 'openai' ? KEYS.a : KEYS.ant, defaultModel: model });
    await env.client.request((await import('../../shared/protocol')).ConnectionsSetDefault, { id: conn.id });
    env.up.reply(model, (r: RecordedRequest) => {
      const last = r.body.messages.at(-1);
      const answered = last.role === 'tool' || (Array.isArray(last.content) && last.content.some((b: { type: string }) => b.type === 'tool_result'));
      return answered ? { chunks: ['It is ', 'sunny.'] } : { chunks: [], toolCalls: [{ name: 'weather', arguments: '{"city":"Oslo"}' }], argumentPieceSize: 4 };
    });
    const out = await runPython(toolLoopExample(), env.daemon.home);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('[calling weather]');
    expect(out.stdout.trim().split('\n').at(-1)).toBe('It is sunny.');
    // The tool's output went back to the model as the result of its call.
    const second = env.chats()[1]!.body;
    expect(JSON.stringify(second.messages)).toContain('Sunny, 21 C in Oslo');
  });
});
