/**
 * extension.js registers the chat's commands for it until the chat is loaded (extension/chat/index.ts,
 * from chatContributions.ts): a command the chat registers that the list misses would not exist
 * before the chat is opened, and one the list names that the chat no longer registers would loop.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAT_COMMANDS } from '../../../extension/chat/chatContributions';

const chatDir = path.resolve(__dirname, '../../../extension/chat');

/** The command ids the chat's host files register (`registerCommand('…'` or chatCommands.ts's `register('…'`). */
function registeredByTheChat(): string[] {
  return readdirSync(chatDir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .flatMap((f) => [
      ...readFileSync(path.join(chatDir, f), 'utf8').matchAll(/\bregister(?:Command)?\(\s*'(switchboard\.[\w.]+)'/g),
    ])
    .map((m) => m[1]!);
}

describe('the commands extension.js registers on the chat’s behalf', () => {
  it('are exactly those the chat registers once loaded', () => {
    const registered = registeredByTheChat();
    expect(registered.length).toBeGreaterThan(5);
    expect([...registered].sort()).toEqual([...CHAT_COMMANDS].sort());
  });
});
