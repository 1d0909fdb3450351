/**
 * The chat page's HTML shell. Static markup only: the script builds the page inside `#app`, so nothing
 * from a chat (titles, answers, file names) is ever interpolated here. The CSP allows the page's own
 * script (by nonce) and stylesheet, and images only from the extension or `data:` — never from a URL
 * in a model's answer.
 */

export interface PageResources {
  /** `webview.cspSource`: lets the page load its own stylesheet and script, nothing else. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export function renderPage(r: PageResources): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${r.nonce}'`,
    `style-src ${r.cspSource}`,
    `img-src ${r.cspSource} data:`,
    `font-src ${r.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${r.styleUri}">
<title>Switchboard Chat</title>
</head>
<body>
<main id="app" class="chat-app"></main>
<script nonce="${r.nonce}" src="${r.scriptUri}"></script>
</body>
</html>`;
}
