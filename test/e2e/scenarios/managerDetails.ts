/**
 * The rest of the connection manager's promises, on a connection the main flow left open in it:
 * keyboard use ("Replace key" without a mouse, Enter saves), the light and high-contrast themes,
 * editing in place, and deleting after a modal that names the connection.
 */
import type { FrameLocator } from 'playwright-core';
import { poll } from '../lib/procs';
import type { Steps } from '../lib/steps';
import type { Workbench } from '../lib/workbench';
import type { E2eContext } from '../run';

const THEMES = [
  { label: 'Light Modern', bodyClass: 'vs', shot: 'manager-light' },
  { label: 'Dark High Contrast', bodyClass: 'hc-black', shot: 'manager-high-contrast' },
  { label: 'Dark Modern', bodyClass: 'vs-dark', shot: undefined },
];

const focusedId = (manager: FrameLocator) => manager.locator(':focus').getAttribute('id');

async function expectFocus(manager: FrameLocator, id: string): Promise<void> {
  await poll(`focus on #${id}`, async () => (await focusedId(manager)) === id, 3000, 50).catch(async () => {
    throw new Error(`expected focus on #${id}, it is on #${await focusedId(manager)}`);
  });
}

async function setTheme(wb: Workbench, label: string, bodyClass: string): Promise<void> {
  await wb.runCommand('Preferences: Color Theme');
  await wb.quickInput().fill(label);
  await wb.pick(new RegExp(`^${label}`));
  await wb.page.locator(`.monaco-workbench.${bodyClass}`).waitFor({ timeout: 10_000 });
}

export async function managerDetails(
  ctx: E2eContext,
  steps: Steps,
  editing: { name: string; renameTo: string },
): Promise<void> {
  const { wb } = ctx;
  const page = wb.page;
  const manager = wb.webview();

  await steps.step('the form is keyboard-usable: Tab order, Replace key, Enter', async () => {
    await manager.locator('#name').focus();
    await page.keyboard.press('Tab');
    await expectFocus(manager, 'baseUrl');
    await page.keyboard.press('Tab');
    // A saved key is never shown: its place in the tab order is the "Replace key" button.
    await expectFocus(manager, 'replace-key');
    await page.keyboard.press('Enter');
    await expectFocus(manager, 'apiKey');
    if ((await manager.locator('#apiKey').inputValue()) !== '') throw new Error('the key field is not empty');
    await page.keyboard.press('Tab');
    await expectFocus(manager, 'keep-key');
    await page.keyboard.press('Enter');
    await expectFocus(manager, 'replace-key');
    await manager.locator('#key-mask').waitFor({ state: 'visible' });
  });

  await steps.step('the manager follows the light and high-contrast themes', async () => {
    const background = () => manager.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
    const seen = new Set<string>([await background()]);
    for (const theme of THEMES) {
      await setTheme(wb, theme.label, theme.bodyClass);
      await poll(
        `the webview in ${theme.label}`,
        async () => !seen.has(await background()) || theme.shot === undefined,
        5000,
      );
      seen.add(await background());
      if (theme.shot) await wb.shot(theme.shot);
    }
  });

  await steps.step('Edit changes a connection in place (Enter saves)', async () => {
    await manager.locator('#name').fill(editing.renameTo);
    await manager.locator('#name').press('Enter');
    await poll(
      '"Saved"',
      async () => (await manager.locator('#form-status').textContent())?.includes(`Saved "${editing.renameTo}"`),
      15_000,
    );
    await page.locator('.monaco-list-row', { hasText: editing.renameTo }).first().waitFor({ timeout: 10_000 });
    await manager.locator('#connection-list button', { hasText: editing.renameTo }).waitFor();
    if ((await manager.locator('#form-title').textContent()) !== `Edit "${editing.renameTo}"`)
      throw new Error('the form is not editing the renamed connection');
  });

  await steps.step('Delete asks in a modal naming the connection, then removes it', async () => {
    await manager.locator('#delete').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    const text = await dialog.textContent();
    if (!text?.includes(`"${editing.renameTo}"`)) throw new Error(`the confirmation says: ${text}`);
    await wb.shot('delete-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    await poll(
      '"Deleted"',
      async () => (await manager.locator('#form-status').textContent())?.includes(`Deleted "${editing.renameTo}"`),
      15_000,
    );
    await poll(
      'the tree row to go',
      async () => (await page.locator('.monaco-list-row', { hasText: editing.renameTo }).count()) === 0,
      10_000,
    );
    if ((await manager.locator('#form-title').textContent()) !== 'Add connection')
      throw new Error('the form did not return to "Add connection"');
  });

  await steps.step('the manager page broke no Content-Security-Policy rule', async () => {
    const ours = wb.cspViolations.filter((v) => /connectionManager|webview/i.test(v));
    if (ours.length) throw new Error(ours.join('\n'));
  });
}
