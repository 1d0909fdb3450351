/**
 * What every Switchboard webview asks of VS Code: scripts on, and resources from dist/webviews only, so
 * a page loads its own bundle and stylesheet and nothing else. One place, so the three webviews (and a
 * panel restored after a reload, which keeps no options of its own) are equally strict.
 */
import * as vscode from 'vscode';
import { pageNonce } from './nonce';
import type { PageResources } from './pageShell';

/** Where the page bundles are built (esbuild.mjs): `dist/webviews/<webview>.js` and `.css`. */
function bundleRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webviews');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [bundleRoot(extensionUri)] };
}

/** The resources of the page `name` (`chat`, `manager`, `usage`), with a fresh nonce for this page. */
export function pageResources(webview: vscode.Webview, extensionUri: vscode.Uri, name: string): PageResources {
  const root = bundleRoot(extensionUri);
  return {
    cspSource: webview.cspSource,
    nonce: pageNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, `${name}.js`)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, `${name}.css`)).toString(),
  };
}
