/**
 * The HTML shell every Switchboard webview shares: one strict Content Security Policy and the page's
 * own script and stylesheet. A page passes static markup only (its script fills in the data through
 * the DOM), so nothing from a connection, a chat or a model's answer is ever interpolated as HTML.
 */

export interface PageResources {
  /** `webview.cspSource`: lets the page load its own stylesheet, images and fonts, nothing else. */
  cspSource: string;
  /** Fresh per page (from `crypto`): the only script allowed is the one carrying it. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

/**
 * The policy: nothing by default; the page's script by nonce; styles, images (and `data:` ones) and
 * fonts from the extension only — never from a URL in a model's answer.
 */
export function webviewCsp(r: Pick<PageResources, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${r.nonce}'`,
    `style-src ${r.cspSource} 'nonce-${r.nonce}'`,
    `img-src ${r.cspSource} data:`,
    `font-src ${r.cspSource}`,
  ].join('; ');
}

/** A whole page: `body` is static markup, followed by the page's script. */
export function renderShell(r: PageResources, page: { title: string; body: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${webviewCsp(r)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${r.styleUri}" nonce="${r.nonce}">
<title>${page.title}</title>
</head>
<body>
${page.body}
<script nonce="${r.nonce}" src="${r.scriptUri}"></script>
</body>
</html>`;
}
