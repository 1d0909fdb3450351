import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../shared/protocol';
import type { ChatAttachment, ChatTurn } from '../../../shared/webview';
import { AttachmentError } from '../../../extension/chat/attachments';
import { ChatStore } from '../../../extension/chat/chatStore';
import { imageAttachment, imageSupport, imageTypeOf, MAX_IMAGE_BYTES } from '../../../extension/chat/imageAttachments';
import { buildMessages } from '../../../extension/chat/prompt';
import { MemoryMemento } from './fakes';

const PNG = 'iVBORw0KGgo=';

describe('image attachments', () => {
  it('accepts PNG, JPEG, GIF and WebP as base64, and refuses anything else with what to do', () => {
    expect(imageAttachment('shot.png', 'image/png', PNG)).toMatchObject({
      kind: 'image',
      label: 'shot.png',
      text: '',
      image: { mediaType: 'image/png', data: PNG },
    });
    expect(imageAttachment('', 'image/webp', PNG).label).toBe('Pasted image');
    expect(() => imageAttachment('a.svg', 'image/svg+xml', PNG)).toThrow(/PNG, JPEG, GIF or WebP/);
    expect(() => imageAttachment('a.png', 'image/png', 'not base64!')).toThrow(AttachmentError);
    const big = 'A'.repeat(Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 8);
    expect(() => imageAttachment('big.png', 'image/png', big)).toThrow(/at most 5 MB. Scale it down/);
    expect(imageTypeOf('Photo.JPEG')).toBe('image/jpeg');
    expect(imageTypeOf('notes.txt')).toBeUndefined();
  });

  it('reads whether a model takes images from its facts; unknown without them', () => {
    const m: ModelInfo[] = [
      { id: 'gpt-4o', capabilities: ['chat', 'vision'] },
      { id: 'gpt-3.5-turbo', capabilities: ['chat'] },
      { id: 'local' },
    ];
    expect(imageSupport(m, 'gpt-4o')).toBe('yes');
    expect(imageSupport(m, 'gpt-3.5-turbo')).toBe('no');
    expect(imageSupport(m, 'local')).toBe('unknown');
    expect(imageSupport(m, 'missing')).toBe('unknown');
    expect(imageSupport(m, undefined)).toBe('unknown');
  });
});

describe('images in the prompt', () => {
  const image = imageAttachment('shot.png', 'image/png', PNG);
  const code: ChatAttachment = { id: 'c', kind: 'file', label: 'a.ts', path: 'a.ts', languageId: 'ts', text: 'x' };

  it('sends a message with an image as parts: the text (context first), then the image', () => {
    expect(buildMessages([], { text: 'what is wrong here?', attachments: [code, image] })).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'File `a.ts`:\n```ts\nx\n```\n\nwhat is wrong here?' },
          { type: 'image', data: PNG, mediaType: 'image/png' },
        ],
      },
    ]);
    expect(buildMessages([], { text: '', attachments: [image] })).toEqual([
      { role: 'user', content: [{ type: 'image', data: PNG, mediaType: 'image/png' }] },
    ]);
  });

  it("to a model without images, leaves a note in the image's place", () => {
    expect(buildMessages([], { text: 'hi', attachments: [image] }, { images: false })).toEqual([
      {
        role: 'user',
        content: '[An image (shot.png) was attached here, but this model does not accept images.]\n\nhi',
      },
    ]);
  });

  it('keeps images of earlier turns (merging a failed question into the next), but not in storage', async () => {
    const history: ChatTurn[] = [
      { role: 'user', id: 'u1', text: 'look', attachments: [image], at: '' },
      { role: 'assistant', id: 'a1', text: '', status: 'error', at: '' },
    ];
    expect(buildMessages(history, { text: 'again', attachments: [] })).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image', data: PNG, mediaType: 'image/png' },
          { type: 'text', text: 'again' },
        ],
      },
    ]);
    const store = new ChatStore(new MemoryMemento());
    const chat = { ...ChatStore.draft(), turns: [history[0]!] };
    await store.save(chat);
    const stored = new ChatStore(store.memento).get(chat.id)!;
    const kept = (stored.turns[0] as Extract<ChatTurn, { role: 'user' }>).attachments[0]!;
    expect(kept).toMatchObject({ kind: 'image', label: 'shot.png' });
    expect(kept.image).toBeUndefined();
    expect(buildMessages(stored.turns, { text: 'and now?', attachments: [] })).toEqual([
      {
        role: 'user',
        content:
          '[An image (shot.png) was attached here; images are not kept in the chat history.]\n\nlook\n\nand now?',
      },
    ]);
  });
});
