import { describe, expect, it } from 'vitest';
import { LmRequestError, Role, ToolMode, toChatRequest, usageClientOf } from '../../../extension/lm/requestMapping';

// Plain objects shaped like VS Code's part classes (LanguageModelTextPart, …): the mapping reads shapes.
const text = (value: string) => ({ value });
const call = (callId: string, name: string, input: object) => ({ callId, name, input });
const result = (callId: string, content: unknown[]) => ({ callId, content });
const data = (mimeType: string, bytes: string) => ({ mimeType, data: new Uint8Array(Buffer.from(bytes)) });

describe('VS Code request → chat/stream', () => {
  it('maps a tool loop: tool calls on the assistant turn, results as tool messages before the user text', () => {
    const { messages, options } = toChatRequest(
      [
        { role: Role.System, content: [text('Be brief.')] },
        { role: Role.User, content: [text('Weather in Paris and Rome?')] },
        {
          role: Role.Assistant,
          content: [
            text('Checking.'),
            call('c1', 'weather', { city: 'Paris' }),
            call('c2', 'weather', { city: 'Rome' }),
          ],
        },
        {
          role: Role.User,
          content: [result('c1', [text('18°C')]), result('c2', [text('24°C')]), text('And tomorrow?')],
        },
      ],
      {
        tools: [
          {
            name: 'weather',
            description: 'Weather now',
            inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
        toolMode: ToolMode.Auto,
      },
    );
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [
          { id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' },
          { id: 'c2', name: 'weather', arguments: '{"city":"Rome"}' },
        ],
      },
      { role: 'tool', toolCallId: 'c1', content: '18°C' },
      { role: 'tool', toolCallId: 'c2', content: '24°C' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    expect(options.tools).toEqual([
      {
        name: 'weather',
        description: 'Weather now',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ]);
    expect(options.toolChoice).toBeUndefined();
  });

  it('turns Required tool mode into a required (or the one named) tool choice', () => {
    const one = toChatRequest([{ role: Role.User, content: [text('x')] }], {
      tools: [{ name: 'a', description: '' }],
      toolMode: ToolMode.Required,
    });
    expect(one.options.toolChoice).toEqual({ name: 'a' });
    expect(one.options.tools).toEqual([{ name: 'a', parameters: { type: 'object', properties: {} } }]);
    const two = toChatRequest([{ role: Role.User, content: [text('x')] }], {
      tools: [
        { name: 'a', description: '' },
        { name: 'b', description: '' },
      ],
      toolMode: ToolMode.Required,
    });
    expect(two.options.toolChoice).toBe('required');
  });

  it('sends images as base64 image parts and leaves out prompt-caching hints', () => {
    const { messages } = toChatRequest(
      [
        {
          role: Role.User,
          content: [text('What is this?'), data('image/png', 'PNGDATA'), data('cache_control', 'ephemeral')],
        },
      ],
      { toolMode: ToolMode.Auto },
    );
    expect(messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', data: Buffer.from('PNGDATA').toString('base64'), mediaType: 'image/png' },
        ],
      },
    ]);
  });

  it('applies the model options it knows and no others', () => {
    const { options } = toChatRequest([{ role: Role.User, content: [text('x')] }], {
      toolMode: ToolMode.Auto,
      modelOptions: { temperature: 0.2, max_tokens: 512.7, top_p: 0.9, stop: ['END'], vendorThing: true },
    });
    expect(options).toEqual({ temperature: 0.2, maxTokens: 512, topP: 0.9, stop: ['END'] });
  });

  it('refuses what cannot be sent, saying what it is', () => {
    expect(() =>
      toChatRequest([{ role: Role.User, content: [data('application/pdf', '%PDF')] }], { toolMode: ToolMode.Auto }),
    ).toThrow(/application\/pdf/);
    expect(() => toChatRequest([{ role: 9, content: [text('x')] }], { toolMode: ToolMode.Auto })).toThrow(
      LmRequestError,
    );
    expect(() => toChatRequest([], { toolMode: ToolMode.Auto })).toThrow(/no message/);
  });

  it('names the usage client after VS Code chat, with the asking extension when VS Code says which', () => {
    expect(usageClientOf({})).toBe('VS Code chat');
    expect(usageClientOf({ requestInitiator: 'github.copilot-chat' })).toBe('VS Code chat (github.copilot-chat)');
    expect(usageClientOf({ requestInitiator: '  ' })).toBe('VS Code chat');
    // Within the protocol's 80 characters, however long the extension id.
    expect(usageClientOf({ requestInitiator: 'x'.repeat(500) }).length).toBeLessThanOrEqual(80);
  });
});
