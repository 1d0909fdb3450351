import { describe, expect, it } from 'vitest';
import {
  addAttachment,
  AttachmentError,
  fileAttachment,
  MAX_ATTACHMENT_CHARS,
  MAX_ATTACHMENTS,
  selectionAttachment,
  type EditorSnapshot,
} from '../../../extension/chat/attachments';
import { attachment } from './fakes';

const doc = (over: Partial<EditorSnapshot> = {}): EditorSnapshot => ({
  path: 'src/app.ts',
  languageId: 'typescript',
  text: 'a\nb\nc\nd\n',
  ...over,
});

describe('selectionAttachment', () => {
  it('labels the selection with the file name and 1-based lines', () => {
    const a = selectionAttachment(doc({ selection: { startLine: 1, endLine: 2, endCharacter: 1, text: 'b\nc' } }));
    expect(a).toMatchObject({
      kind: 'selection',
      label: 'app.ts:2-3',
      path: 'src/app.ts',
      languageId: 'typescript',
      startLine: 2,
      endLine: 3,
      text: 'b\nc',
    });
    expect(a.id).toBeTruthy();
  });

  it('does not count the line a whole-line selection ends on', () => {
    expect(
      selectionAttachment(doc({ selection: { startLine: 0, endLine: 2, endCharacter: 0, text: 'a\nb\n' } })),
    ).toMatchObject({ label: 'app.ts:1-2', startLine: 1, endLine: 2 });
  });

  it('names a one-line selection by that line', () => {
    expect(
      selectionAttachment(doc({ selection: { startLine: 3, endLine: 3, endCharacter: 1, text: 'd' } })).label,
    ).toBe('app.ts:4');
  });

  it('refuses an empty selection, pointing to Add File', () => {
    expect(() => selectionAttachment(doc())).toThrow(AttachmentError);
    expect(() =>
      selectionAttachment(doc({ selection: { startLine: 0, endLine: 0, endCharacter: 2, text: '  ' } })),
    ).toThrow(/Add File to Chat/);
  });

  it('refuses a selection over the limit, saying the limit', () => {
    const text = 'x'.repeat(MAX_ATTACHMENT_CHARS + 1);
    expect(() =>
      selectionAttachment(doc({ selection: { startLine: 0, endLine: 5000, endCharacter: 1, text } })),
    ).toThrow(/at most 200,000/);
  });
});

describe('fileAttachment', () => {
  it('attaches the whole file under its name', () => {
    expect(fileAttachment(doc())).toMatchObject({
      kind: 'file',
      label: 'app.ts',
      path: 'src/app.ts',
      text: 'a\nb\nc\nd\n',
    });
    expect(fileAttachment(doc()).startLine).toBeUndefined();
  });

  it('refuses a huge file with what to do instead', () => {
    const error = (() => {
      try {
        fileAttachment(doc({ path: 'dist/bundle.js', text: 'y'.repeat(2_500_000) }));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(AttachmentError);
    expect(error!.message).toBe(
      'bundle.js has 2,500,000 characters; a chat attachment may have at most 200,000. Select the part you need and use "Add Selection to Chat".',
    );
  });

  it('refuses an empty file', () => {
    expect(() => fileAttachment(doc({ text: '\n\n' }))).toThrow(/empty/);
  });
});

describe('addAttachment', () => {
  it('ignores the same selection added twice', () => {
    const once = addAttachment([], attachment({ id: 'x' }));
    expect(addAttachment(once, attachment({ id: 'y' }))).toHaveLength(1);
  });

  it(`refuses more than ${MAX_ATTACHMENTS}`, () => {
    let list = [] as ReturnType<typeof addAttachment>;
    for (let i = 0; i < MAX_ATTACHMENTS; i++) list = addAttachment(list, attachment({ id: `${i}`, text: `t${i}` }));
    expect(() => addAttachment(list, attachment({ id: 'more', text: 'more' }))).toThrow(/at most 20/);
  });
});
