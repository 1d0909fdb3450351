import { describe, expect, it } from 'vitest';
import { AttachmentError } from '../../../extension/chat/attachments';
import { CODE_PROMPTS } from '../../../extension/chat/slashCommands';
import { attachment, ofType, setup, tick } from './fakes';

const PNG = 'iVBORw0KGgo=';

const ready = async (s: ReturnType<typeof setup>) => {
  await s.host.handle({ type: 'ready' });
  s.posted.length = 0;
};

describe('ChatHost: @-mentions and images', () => {
  it("answers a mention query with the UI's suggestions, and attaches a picked mention as a chip", async () => {
    const s = setup();
    await ready(s);
    s.ui.mentions = [{ kind: 'file', label: 'app.ts', detail: 'src/app.ts', uri: 'file:///w/src/app.ts' }];
    await s.host.handle({ type: 'mentionQuery', requestId: 7, query: 'app' });
    expect(s.posted).toEqual([{ type: 'mentions', requestId: 7, items: s.ui.mentions }]);
    s.ui.mentioned = attachment({ id: 'f1', kind: 'file', label: 'app.ts', path: 'src/app.ts' });
    await s.host.handle({ type: 'addMention', mention: s.ui.mentions[0]! });
    expect(
      ofType(s.posted, 'attachments')
        .at(-1)!
        .attachments.map((a) => a.id),
    ).toEqual(['f1']);
  });

  it('turns a mention that cannot be attached into a warning saying why', async () => {
    const s = setup();
    await ready(s);
    s.ui.mentioned = new AttachmentError('No terminal is open. Run the command in a terminal, then mention @terminal.');
    await s.host.handle({ type: 'addMention', mention: { kind: 'terminal', label: 'terminal' } });
    expect(s.ui.log.at(-1)).toBe('warn No terminal is open. Run the command in a terminal, then mention @terminal.');
    expect(s.host.pendingAttachments).toEqual([]);
  });

  it('checks a pasted image on the host (type, base64) and attaches it; "Attach image" uses the file dialog', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'addImage', name: 'evil.svg', mediaType: 'image/svg+xml', data: PNG });
    expect(s.ui.log.at(-1)).toMatch(/^warn evil.svg is image\/svg\+xml; models take PNG, JPEG, GIF or WebP/);
    await s.host.handle({ type: 'addImage', name: 'shot.png', mediaType: 'image/png', data: PNG });
    expect(s.host.pendingAttachments).toMatchObject([
      { kind: 'image', label: 'shot.png', image: { mediaType: 'image/png', data: PNG } },
    ]);
    await s.host.handle({ type: 'attachImage' });
    expect(s.ui.log.at(-1)).toBe('pickImage');
    expect(s.host.pendingAttachments).toHaveLength(1);
  });

  it('sends an image as an image part to a model whose facts say it takes images', async () => {
    const s = setup();
    await ready(s);
    s.daemon.answers['models/list'] = () => ({
      models: [{ id: 'gpt-test', capabilities: ['chat', 'vision'] }],
      stale: false,
    });
    await s.host.handle({ type: 'addImage', name: 'shot.png', mediaType: 'image/png', data: PNG });
    await s.host.handle({ type: 'send', requestId: 1, text: 'what is this?' });
    expect(ofType(s.posted, 'accepted')).toEqual([{ type: 'accepted', requestId: 1 }]);
    expect(s.daemon.calls.find((c) => c.method === 'models/list')!.params).toEqual({ connectionId: 'c1' });
    expect(s.daemon.stream.params.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image', data: PNG, mediaType: 'image/png' },
        ],
      },
    ]);
  });

  it('refuses to send an image to a model that does not take images, keeping the message, with what to do', async () => {
    const s = setup();
    await ready(s);
    s.daemon.answers['models/list'] = () => ({
      models: [{ id: 'gpt-test', capabilities: ['chat', 'tools'] }],
      stale: false,
    });
    await s.host.handle({ type: 'addImage', name: 'shot.png', mediaType: 'image/png', data: PNG });
    await s.host.handle({ type: 'send', requestId: 1, text: 'what is this?' });
    const [rejected] = ofType(s.posted, 'rejected');
    expect(rejected!.error.message).toBe('gpt-test (Work) does not accept images, so the image cannot be sent.');
    expect(rejected!.error.hint).toContain('switch this chat to a model that accepts images');
    expect(s.daemon.streams).toHaveLength(0);
    expect(s.host.pendingAttachments).toHaveLength(1);
  });

  it('sends the image when nothing is known of the model (the provider has the last word), and without images asks nothing', async () => {
    const s = setup();
    await ready(s);
    s.daemon.answers['models/list'] = () => {
      throw new Error('provider unreachable');
    };
    await s.host.handle({ type: 'send', requestId: 1, text: 'plain' });
    expect(s.daemon.calls.some((c) => c.method === 'models/list')).toBe(false);
    s.daemon.stream.finish();
    await tick();
    await s.host.handle({ type: 'addImage', name: 'shot.png', mediaType: 'image/png', data: PNG });
    await s.host.handle({ type: 'send', requestId: 2, text: 'and this?' });
    expect(ofType(s.posted, 'accepted').map((m) => m.requestId)).toEqual([1, 2]);
    expect(JSON.stringify(s.daemon.stream.params.messages)).toContain('"type":"image"');
  });
});

describe('ChatHost: slash commands', () => {
  it("/explain sends its prompt with the editor's code when nothing is attached", async () => {
    const s = setup();
    await ready(s);
    s.ui.code = attachment({ id: 's1', label: 'app.ts:2-3' });
    await s.host.handle({ type: 'send', requestId: 1, text: '/explain focus on b' });
    expect(ofType(s.posted, 'accepted')).toHaveLength(1);
    const [message] = s.daemon.stream.params.messages;
    expect(message).toEqual({
      role: 'user',
      content: `From \`src/app.ts\` (lines 2-3):\n\`\`\`typescript\nconst a = 1;\nconst b = 2;\n\`\`\`\n\n${CODE_PROMPTS.explain}\n\nfocus on b`,
    });
    const user = s.host.current.turns[0]!;
    expect(user.role === 'user' && user.attachments.map((a) => a.id)).toEqual(['s1']);
  });

  it("/fix adds the problems VS Code reports in that code's file; /tests uses an attached file instead of the editor", async () => {
    const s = setup();
    await ready(s);
    s.ui.code = attachment({ id: 's1' });
    s.ui.problems = attachment({
      id: 'p1',
      kind: 'problems',
      label: 'Problems in app.ts (1 error, 0 other)',
      path: 'src/app.ts',
      text: 'src/app.ts:2:1 error boom\n',
    });
    await s.host.handle({ type: 'send', requestId: 1, text: '/fix' });
    expect(s.ui.log).toContain('problemsIn src/app.ts');
    const text = s.daemon.stream.params.messages[0]!.content as string;
    expect(text).toContain('Problems VS Code reports in `src/app.ts`');
    expect(text.endsWith(CODE_PROMPTS.fix)).toBe(true);
    s.daemon.stream.finish();
    await tick();

    s.ui.code = new AttachmentError('not asked');
    s.host.addAttachment(
      attachment({ id: 'f2', kind: 'file', label: 'util.ts', path: 'src/util.ts', text: 'export {}' }),
    );
    await s.host.handle({ type: 'send', requestId: 2, text: '/tests' });
    expect(s.daemon.stream.params.messages.at(-1)!.content as string).toContain('File `src/util.ts`');
  });

  it('refuses /explain with no code anywhere, and an unknown command, keeping the text', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: '/explain' });
    await s.host.handle({ type: 'send', requestId: 2, text: '/explian' });
    const rejected = ofType(s.posted, 'rejected');
    expect(rejected.map((r) => r.error.message)).toEqual([
      '/explain needs code to work on. No editor is open. Open a file, select the code to ask about, and try again.',
      'There is no command /explian.',
    ]);
    expect(rejected[0]!.error.hint).toBe(
      'Select code in an editor, or @-mention a file or symbol, then send the command again.',
    );
    expect(s.daemon.streams).toHaveLength(0);
  });

  it('/ask <connection> sends that one message to the other connection on its default model; the chat keeps its own', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: '/ask claude is this thread-safe?' });
    expect(s.daemon.stream.params).toMatchObject({
      connectionId: 'c2',
      model: 'claude-test',
      messages: [{ role: 'user', content: 'is this thread-safe?' }],
    });
    s.daemon.stream.finish({ connectionId: 'c2', connectionName: 'Claude', model: 'claude-test' });
    await tick();
    expect(s.host.current.connectionId).toBe('c1');
    const answer = s.host.current.turns.at(-1)!;
    expect(answer.role === 'assistant' && answer.meta?.connectionName).toBe('Claude');
    await s.host.handle({ type: 'send', requestId: 2, text: 'and you?' });
    expect(s.daemon.stream.params).toMatchObject({ connectionId: 'c1', model: 'gpt-test' });
  });
});

describe('ChatHost: onboarding buttons', () => {
  it('runs Add Connection, Import from Environment and the walkthrough from the empty chat', async () => {
    const s = setup({ connections: [] });
    await ready(s);
    await s.host.handle({ type: 'runCommand', command: 'addConnection' });
    await s.host.handle({ type: 'runCommand', command: 'importFromEnvironment' });
    await s.host.handle({ type: 'runCommand', command: 'openWalkthrough' });
    expect(s.ui.log).toEqual([
      'command switchboard.addConnection',
      'command switchboard.importFromEnvironment',
      'command switchboard.openWalkthrough',
    ]);
  });
});
