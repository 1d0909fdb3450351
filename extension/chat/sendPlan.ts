/**
 * What a typed message becomes before it is sent: a slash command expanded (its prompt, the code in
 * context, for `/fix` the problems in that code's file; `/ask`'s connection), and whether its images
 * can go to the model. No `vscode` import: ChatHost hands in the ChatUi and the daemon.
 */
import { ModelsList, type RequestType } from '../../shared/protocol';
import type { ChatAttachment, ChatConnectionOption, ChatErrorView, ChatTurn } from '../../shared/webview';
import { AttachmentError } from './attachments';
import type { ChatUi } from './hostDeps';
import { hasImages, imageSupport, type ImageSupport } from './imageAttachments';
import { codePrompt, parseSlash } from './slashCommands';
import type { StreamTarget } from './target';

/** A message ready to send. */
export interface SendPlan {
  text: string;
  attachments: ChatAttachment[];
  /** `/ask <connection>`: this message (only) goes there, on its default model. */
  askConnectionId?: string;
}

const CODE_KINDS = new Set<ChatAttachment['kind']>(['selection', 'file', 'symbol']);

const invalid = (message: string, hint?: string): { error: ChatErrorView } => ({
  error: { code: 'VALIDATION', message, ...(hint ? { hint } : {}), actions: [] },
});

/** Expands a slash command, if the text starts with one; the error says what to type instead. */
export async function planSend(
  text: string,
  pending: readonly ChatAttachment[],
  connections: readonly ChatConnectionOption[],
  ui: ChatUi,
): Promise<SendPlan | { error: ChatErrorView }> {
  const slash = parseSlash(text, connections);
  if (!slash) return { text, attachments: [...pending] };
  if (slash.kind === 'invalid') return invalid(slash.message, slash.hint);
  if (slash.kind === 'ask') return { text: slash.text, attachments: [...pending], askConnectionId: slash.connectionId };
  const attachments = [...pending];
  let code = attachments.find((a) => CODE_KINDS.has(a.kind));
  if (!code) {
    try {
      code = await ui.editorCode();
    } catch (error) {
      if (!(error instanceof AttachmentError)) throw error;
      return invalid(
        `/${slash.command} needs code to work on. ${error.message}`,
        'Select code in an editor, or @-mention a file or symbol, then send the command again.',
      );
    }
    attachments.unshift(code);
  }
  if (slash.command === 'fix' && !attachments.some((a) => a.kind === 'problems')) {
    try {
      attachments.push(await ui.problemsIn(code.path));
    } catch (error) {
      // No problems reported: the model fixes what it finds.
      if (!(error instanceof AttachmentError)) throw error;
    }
  }
  return { text: codePrompt(slash.command, slash.extra), attachments };
}

type Request = <P, R>(descriptor: RequestType<P, R>, params: P) => Promise<R>;

/**
 * Whether the target's model takes images, asked only when the message or the history has one.
 * `unknown` (no facts, or the models cannot be listed) sends them: the provider has the last word.
 */
export async function imageSupportFor(
  request: Request,
  target: StreamTarget,
  defaultModel: string | undefined,
  history: readonly ChatTurn[],
  message: readonly ChatAttachment[],
): Promise<ImageSupport> {
  const anyImage =
    hasImages(message) ||
    history.some((t) => t.role === 'user' && t.attachments.some((a) => a.kind === 'image' && a.image));
  if (!anyImage || !target.connectionId) return 'unknown';
  try {
    const { models } = await request(ModelsList, { connectionId: target.connectionId });
    return imageSupport(models, target.model ?? defaultModel);
  } catch {
    return 'unknown';
  }
}

/** The refusal of a message with images to a model that does not take them. */
export function noImagesError(model: string, connectionName: string, providerId: string): ChatErrorView {
  return {
    code: 'VALIDATION',
    message: `${model} (${connectionName}) does not accept images, so the image cannot be sent.`,
    hint: `Remove the image, or switch this chat to a model that accepts images. If this model does take images, record it with "switchboard model-facts set ${providerId} ${model} --capabilities chat,vision".`,
    actions: ['selectConnection'],
  };
}
