/**
 * The chat page's shell and bundle: a strict CSP, nothing interpolated but the resources, and a
 * browser bundle that carries no runtime code from the protocol (zod) or Node.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../../extension/chat/chatHtml';

const root = path.resolve(__dirname, '../../../..');

describe('chat page', () => {
  it('sets a strict CSP with the nonce on the script and no remote images', () => {
    const html = renderPage({
      cspSource: 'vscode-webview://abc',
      nonce: 'N0nce',
      scriptUri: 'vscode-webview://abc/chat.js',
      styleUri: 'vscode-webview://abc/chat.css',
    });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      "script-src 'nonce-N0nce'",
      "style-src vscode-webview://abc 'nonce-N0nce'",
      'img-src vscode-webview://abc data:',
      'font-src vscode-webview://abc',
    ]);
    expect(html).toContain('<script nonce="N0nce" src="vscode-webview://abc/chat.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="vscode-webview://abc/chat.css" nonce="N0nce">');
    expect(html).toContain('<main id="app" class="chat-app"></main>');
  });

  it('bundles for the browser without zod or runtime code from shared/protocol', async () => {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: ['extension/chat/page/main.ts'],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      metafile: true,
      outdir: 'out',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((f) => /node_modules\/zod\//.test(f) || f.startsWith('shared/protocol'))).toEqual([]);
    expect(inputs.some((f) => /highlight\.js\/(es|lib)\/languages\//.test(f))).toBe(true);
    expect(result.outputFiles.map((f) => path.basename(f.path)).sort()).toEqual(['main.css', 'main.js']);
  });
});
