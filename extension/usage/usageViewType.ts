/** The Usage tab's webview type (`onWebviewPanel:switchboard.usage` in package.json's activationEvents). */
export const USAGE_VIEW_TYPE = 'switchboard.usage';
