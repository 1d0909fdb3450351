import { describe, expect, it } from 'vitest';
import type * as vscode from 'vscode';
import { isPageMessage, onPageMessage } from '../../../extension/webviewKit/messageGuard';

/** Just the part of a VS Code webview the guard uses: its message event. */
function fakeWebview(): { webview: vscode.Webview; post: (message: unknown) => void } {
  let listener: ((message: unknown) => void) | undefined;
  const webview = {
    onDidReceiveMessage: (l: (message: unknown) => void) => ((listener = l), { dispose() {} }),
  } as unknown as vscode.Webview;
  return { webview, post: (message) => listener?.(message) };
}

describe('the page message guard', () => {
  it('accepts an object with a string type, and nothing else', () => {
    expect(isPageMessage({ type: 'ready' })).toBe(true);
    for (const bad of [null, undefined, 'ready', 42, [], {}, { type: 1 }, { kind: 'ready' }])
      expect(isPageMessage(bad), JSON.stringify(bad)).toBe(false);
  });

  it('hands the host only well-formed messages', () => {
    const { webview, post } = fakeWebview();
    const seen: unknown[] = [];
    onPageMessage(webview, (m) => seen.push(m), []);
    post(null);
    post('send');
    post({ text: 'no type' });
    post({ type: 'send', text: 'hi' });
    expect(seen).toEqual([{ type: 'send', text: 'hi' }]);
  });
});
