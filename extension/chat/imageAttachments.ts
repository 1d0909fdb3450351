/**
 * Images in the chat: a pasted or chosen image becomes an attachment (checked for type and size
 * here, since the page is not trusted to), and whether the model takes images is read from the
 * daemon's model facts (`models/list` carries each model's capabilities). Pure.
 */
import { randomUUID } from 'node:crypto';
import type { ModelInfo } from '../../shared/protocol';
import type { ChatAttachment } from '../../shared/webview';
import { AttachmentError } from './attachments';

/** The image types every provider with vision accepts. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};
/** The largest image sent: Anthropic's limit per image (OpenAI takes 20 MB). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** The media type of a file name's extension, or undefined for one that is not a supported image. */
export function imageTypeOf(fileName: string): string | undefined {
  const ext = fileName.toLowerCase().split('.').pop();
  const found = Object.entries(IMAGE_TYPES).find(([, e]) => e === ext || (ext === 'jpeg' && e === 'jpg'));
  return found?.[0];
}

/** An image as an attachment; refuses another type, an oversized image, or data that is not base64. */
export function imageAttachment(name: string, mediaType: string, data: string): ChatAttachment {
  const label = name.trim() || 'Pasted image';
  if (!Object.hasOwn(IMAGE_TYPES, mediaType)) {
    throw new AttachmentError(
      `${label} is ${mediaType || 'not an image'}; models take PNG, JPEG, GIF or WebP images. Convert it to one of those and attach it again.`,
    );
  }
  if (data === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(data))
    throw new AttachmentError(`${label} could not be read as an image. Copy or save it again and retry.`);
  const bytes = Math.floor((data.length * 3) / 4);
  if (bytes > MAX_IMAGE_BYTES) {
    throw new AttachmentError(
      `${label} is ${(bytes / 1024 / 1024).toFixed(1)} MB; an image may be at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB. Scale it down or crop it, then attach it again.`,
    );
  }
  return { id: randomUUID(), kind: 'image', label, path: label, text: '', image: { mediaType, data } };
}

/** Whether a model takes images: `yes`/`no` from its facts, `unknown` when Switchboard has none. */
export type ImageSupport = 'yes' | 'no' | 'unknown';

export function imageSupport(models: readonly ModelInfo[], model: string | undefined): ImageSupport {
  if (!model) return 'unknown';
  const info = models.find((m) => m.id === model);
  if (!info?.capabilities) return 'unknown';
  return info.capabilities.includes('vision') ? 'yes' : 'no';
}

/** Whether any of the attachments is an image. */
export function hasImages(attachments: readonly ChatAttachment[]): boolean {
  return attachments.some((a) => a.kind === 'image');
}
