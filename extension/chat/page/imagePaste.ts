/**
 * Images pasted into the message box go to the host as base64 (`addImage`); it checks their type and
 * size and adds them as attachments. Text pastes are left to the browser.
 */
import type { ChatToHost } from '../../../shared/webview';

/** Reads a file as base64 (without the `data:…;base64,` prefix). */
export function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('the image could not be read'));
    reader.readAsDataURL(file);
  });
}

/** The image files of a paste, if any. */
export function pastedImages(data: DataTransfer | null): File[] {
  if (!data) return [];
  return [...data.items]
    .filter((i) => i.kind === 'file' && i.type.startsWith('image/'))
    .map((i) => i.getAsFile())
    .filter((f): f is File => f !== null);
}

export function wireImagePaste(input: HTMLTextAreaElement, post: (m: ChatToHost) => void): void {
  input.addEventListener('paste', (e) => {
    const images = pastedImages(e.clipboardData);
    if (images.length === 0) return;
    e.preventDefault();
    for (const file of images) {
      void readBase64(file).then((data) =>
        post({
          type: 'addImage',
          name: file.name && file.name !== 'image.png' ? file.name : 'Pasted image',
          mediaType: file.type,
          data,
        }),
      );
    }
  });
}
