/**
 * Driving the VS Code workbench in headless Chromium: waiting for it, the command palette, quick
 * picks, the Switchboard view, webviews, notifications, screenshots. Selectors are VS Code 1.100's.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchBrowser(): Promise<Browser> {
  // run.ts stops everything on Ctrl-C itself (code-server and the daemon too); Playwright's own
  // handlers would exit the process before that cleanup finished.
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
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

  static async open(browser: Browser, url: string, artifacts: string): Promise<{ context: BrowserContext; wb: Workbench }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return { context, wb: new Workbench(page, artifacts) };
  }

  /** The extension's activity-bar entry: present once its contributions are loaded. */
  activityIcon(): Locator {
    return this.page.locator('.activitybar a.action-label[aria-label^="Switchboard"]');
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
    for (;;) {
      await this.openPalette('>' + title);
      // Exactly this title: "Test Connection" must not run "Test All Connections", the palette's first row.
      const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first();
      try {
        await row.waitFor({ timeout: 3000 });
        await row.click();
        await this.page.locator('.quick-input-widget').filter({ hasText: title }).waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
        return;
      } catch (error) {
        await this.page.keyboard.press('Escape');
        if (Date.now() > deadline) throw new Error(`command "${title}" not found in the palette: ${(error as Error).message}`);
      }
    }
  }

  private async openPalette(text: string): Promise<void> {
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(text);
  }

  /** Picks the quick-pick row whose label contains `label` (waits for the pick to show it). */
  async pick(label: string | RegExp, timeoutMs = 10_000): Promise<void> {
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout: timeoutMs });
    await row.click();
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

  /** A row of a tree view, by the text it shows. */
  treeRow(view: Locator, text: string): Locator {
    return view.locator('.monaco-list-row', { hasText: text });
  }

  /** The view pane (sidebar section) with this title. */
  viewPane(title: string): Locator {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: title }) });
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
