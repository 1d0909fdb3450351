/**
 * Driving the VS Code workbench in headless Chromium: waiting for it, the command palette, quick
 * picks, the Switchboard view, webviews, notifications, screenshots. Selectors are VS Code 1.100's.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Frame,
  type FrameLocator,
  type Locator,
  type Page,
} from 'playwright-core';
import { poll } from './procs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  // run.ts stops everything on Ctrl-C itself (code-server and the daemon too); Playwright's own
  // handlers would exit the process before that cleanup finished.
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

export class Workbench {
  /** Console messages about Content-Security-Policy refusals, from any frame (webviews included). */
  readonly cspViolations: string[] = [];

  constructor(
    readonly page: Page,
    private readonly artifacts: string,
  ) {
    mkdirSync(artifacts, { recursive: true });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) this.cspViolations.push(`${m.location().url}: ${m.text()}`);
    });
  }

  static async open(
    browser: Browser,
    url: string,
    artifacts: string,
  ): Promise<{ context: BrowserContext; wb: Workbench }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return { context, wb: new Workbench(page, artifacts) };
  }

  /** The extension's activity-bar entry: present once its contributions are loaded. */
  activityIcon(): Locator {
    // Not the chat's own container ("Switchboard Chat"), which sits beside it.
    return this.page.locator(
      '.activitybar a.action-label[aria-label^="Switchboard"]:not([aria-label^="Switchboard Chat"])',
    );
  }

  /** The chat's activity-bar entry (its own view container). */
  chatActivityIcon(): Locator {
    return this.page.locator('.activitybar a.action-label[aria-label^="Switchboard Chat"]');
  }

  async shot(name: string): Promise<string> {
    const file = path.join(this.artifacts, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Runs a command by its palette title. A palette opened before the extension's contributions load
   * says "No matching commands" and never refreshes, so that case closes it and tries again.
   */
  async runCommand(title: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Exactly this title: "Test Connection" must not run "Test All Connections", the palette's first row.
    const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
      .first();
    for (;;) {
      try {
        // Inside the retry: right after a window reload, restored editors and views can take the
        // focus and close the palette between its opening and the typing.
        await this.openPalette('>' + title);
        await row.waitFor({ timeout: 3000 });
        await row.click();
        await this.page
          .locator('.quick-input-widget')
          .filter({ hasText: title })
          .waitFor({ state: 'hidden', timeout: 3000 })
          .catch(() => undefined);
        return;
      } catch (error) {
        await this.page.keyboard.press('Escape');
        if (Date.now() > deadline)
          throw new Error(`command "${title}" not found in the palette: ${(error as Error).message}`);
      }
    }
  }

  private async openPalette(text: string): Promise<void> {
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(text, { timeout: 3000 });
  }

  /** Picks the quick-pick row whose label contains `label` (waits for the pick to show it). */
  async pick(label: string | RegExp, timeoutMs = 10_000): Promise<void> {
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout: timeoutMs });
    await this.dismissHover();
    await row.click();
  }

  /**
   * A hover the mouse left open (a status-bar or tree tooltip) lies over whatever opens beneath it and
   * takes its clicks: move the mouse off it and wait for it to go.
   */
  async dismissHover(): Promise<void> {
    const hover = this.page.locator('.context-view .hover-contents');
    if ((await hover.count()) === 0) return;
    await this.page.mouse.move(1, 1);
    await hover
      .first()
      .waitFor({ state: 'hidden', timeout: 3000 })
      .catch(() => undefined);
  }

  /** Picks the quick-pick row whose label is exactly `label` ("gpt-5.4", not "gpt-5.4-mini"). */
  async pickExact(label: string, timeoutMs = 15_000): Promise<void> {
    const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
      .first();
    await row.waitFor({ timeout: timeoutMs });
    await this.dismissHover();
    await row.click();
  }

  /** The labels of the quick pick's rows as shown (the visible ones: a long list is virtual). */
  quickPickLabels(): Promise<string[]> {
    return this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  }

  /** The quick input's text box, e.g. to type a filter before picking. */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget input');
  }

  /**
   * The content of the active webview panel: two iframes deep (VS Code's host frame, then the page).
   * With several webviews open, `title` picks the one whose editor tab is active.
   */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /**
   * The webview page that has `selector` in it. With several webviews open at once (the sidebar chat,
   * the connection manager, the Usage tab) `webview()` cannot tell them apart; what a page contains can.
   * A frame found before a window reload is gone after it: look it up again.
   */
  frameWith(selector: string, timeoutMs = 20_000): Promise<Frame> {
    return poll(
      `a webview showing ${selector}`,
      async () => {
        for (const frame of this.page.frames()) {
          if (
            !frame.isDetached() &&
            (await frame
              .locator(selector)
              .count()
              .catch(() => 0)) > 0
          )
            return frame;
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  /** Switches the color theme (e.g. 'Light Modern', body class 'vs') and waits for the workbench to follow. */
  async setTheme(label: string, bodyClass: string): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    await this.quickInput().fill(label);
    await this.pick(new RegExp(`^${label}`));
    await this.page.locator(`.monaco-workbench.${bodyClass}`).waitFor({ timeout: 10_000 });
  }

  /** Widens the primary sidebar by dragging its edge (its sash), so a sidebar view shows more. */
  async widenSidebar(by: number): Promise<void> {
    const sidebar = this.page.locator('.part.sidebar');
    const box = await sidebar.boundingBox();
    if (!box) throw new Error('the sidebar is not shown');
    const x = box.x + box.width;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + by, y, { steps: 10 });
    await this.page.mouse.up();
    await poll(
      'the sidebar to widen',
      async () => ((await sidebar.boundingBox())?.width ?? 0) > box.width + by / 2,
      5000,
    );
  }

  /** A row of a tree view, by the text it shows. */
  treeRow(view: Locator, text: string): Locator {
    return view.locator('.monaco-list-row', { hasText: text });
  }

  /** The view pane (sidebar section) with this title. */
  viewPane(title: string): Locator {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: title }) });
  }

  /**
   * An action of the side bar's title bar, by its label. A container holding one view shows that
   * view's actions in its own title bar; the view's hidden pane header holds a second copy.
   */
  sidebarAction(label: string): Locator {
    return this.page.locator(`.part.sidebar a.action-label[aria-label="${label}"]:visible`).first();
  }

  /** The status bar entry showing `text`. */
  statusItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar .statusbar-item', { hasText: text });
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notification-toast', { hasText: text });
  }

  /** Closes notification toasts so they do not cover what the next screenshot shows. */
  async clearNotifications(): Promise<void> {
    const toasts = this.page.locator('.notification-toast');
    if ((await toasts.count()) === 0) return;
    await this.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  }
}
