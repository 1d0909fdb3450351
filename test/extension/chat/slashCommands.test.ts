import { describe, expect, it } from 'vitest';
import type { ChatConnectionOption } from '../../../shared/webview';
import { codePrompt, CODE_PROMPTS, parseSlash } from '../../../extension/chat/slashCommands';

const conn = (id: string, name: string): ChatConnectionOption => ({
  id,
  name,
  provider: 'OpenAI',
  isDefault: false,
  keyAvailable: true,
});
const connections = [conn('c1', 'Local'), conn('c2', 'Local OpenAI'), conn('c3', 'Claude')];

describe('slash commands', () => {
  it('leaves plain messages and paths alone', () => {
    expect(parseSlash('explain this', connections)).toBeUndefined();
    expect(parseSlash('/usr/bin is missing', connections)).toBeUndefined();
    expect(parseSlash(' a /explain later', connections)).toBeUndefined();
  });

  it('reads /explain, /fix and /tests with what follows them', () => {
    expect(parseSlash('/explain', connections)).toEqual({ kind: 'code', command: 'explain', extra: '' });
    expect(parseSlash('/FIX the loop\nplease', connections)).toEqual({
      kind: 'code',
      command: 'fix',
      extra: 'the loop\nplease',
    });
    expect(parseSlash('/tests', connections)).toMatchObject({ command: 'tests' });
    expect(codePrompt('tests', '')).toBe(CODE_PROMPTS.tests);
    expect(codePrompt('explain', 'focus on errors')).toBe(`${CODE_PROMPTS.explain}\n\nfocus on errors`);
  });

  it('refuses an unknown command and lists the real ones', () => {
    expect(parseSlash('/explian this', connections)).toEqual({
      kind: 'invalid',
      message: 'There is no command /explian.',
      hint: 'Commands: /explain, /fix, /tests, /ask <connection> <question>. To send text that starts with a slash, put a space before it.',
    });
  });

  it('/ask takes the longest connection name that matches (any case, or quoted), then the question', () => {
    expect(parseSlash('/ask local openai why?', connections)).toEqual({
      kind: 'ask',
      connectionId: 'c2',
      connectionName: 'Local OpenAI',
      text: 'why?',
    });
    expect(parseSlash('/ask Local why?', connections)).toMatchObject({ connectionId: 'c1', text: 'why?' });
    expect(parseSlash('/ask "claude" is it\nok', connections)).toMatchObject({ connectionId: 'c3', text: 'is it\nok' });
    // A name must end at a space: "Claudette" is not "Claude".
    expect(parseSlash('/ask Claudette hi', connections)).toMatchObject({
      kind: 'invalid',
      hint: 'Connections: Local, Local OpenAI, Claude.',
    });
    expect(parseSlash('/ask', connections)).toMatchObject({ kind: 'invalid', message: 'Say which connection to ask.' });
    expect(parseSlash('/ask Claude', connections)).toMatchObject({
      kind: 'invalid',
      message: 'Type the question for Claude after its name.',
    });
  });
});
