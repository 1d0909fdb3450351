/**
 * The chat page's HTML shell. Static markup only: the script builds the page inside `#app`, so nothing
 * from a chat (titles, answers, file names) is ever interpolated here.
 */
import { renderShell, type PageResources } from '../webviewKit/pageShell';

export type { PageResources } from '../webviewKit/pageShell';

export function renderPage(r: PageResources): string {
  return renderShell(r, { title: 'Switchboard Chat', body: '<main id="app" class="chat-app"></main>' });
}
