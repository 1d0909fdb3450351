/**
 * The chat's code-block and message actions as a person uses them (#17 items 6 and 7): an answer
 * with its reasoning folded; "Apply…" on a block that names a workspace file opens VS Code's diff,
 * and Accept in its title bar changes the file; "Run…" on a shell block asks first and then runs it
 * in a terminal; "Regenerate with…" another model shows both answers side by side; Escape stops a
 * streaming answer; Ctrl+Alt+K brings the chat back; an answer whose upstream stalls says "No data for
 * N s" with Stop and Retry, and Retry asks again in its place.
 *
 * Runs after the chat scenario, on the connection the earlier scenarios left ("Mock Primary"), in a
 * new chat, without the header's pickers (their shape is another scenario's business).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { SwitchboardClient } from '../../../shared/client';
import { ConnectionsList } from '../../../shared/protocol';
import { poll } from '../lib/procs';
import type { Steps } from '../lib/steps';
import type { E2eContext } from '../run';

const LOG = '[role="log"][aria-label="Chat messages"]';
/** Two models the mock serves: "Regenerate with…" asks the one the chat does not use. */
const MODELS = ['gpt-5.4-mini', 'gpt-5.4'];
const ANSWER = [
  'Change the greeting in `src/greet.ts`:',
  '',
  '```ts',
  'export const greeting = "Hello from the chat";',
  '```',
  '',
  'Then check it:',
  '',
  '```bash',
  'echo applied > ran-from-chat.txt',
  '```',
].join('\n');

async function waitStatus(turn: Locator, status: string, timeoutMs = 30_000): Promise<void> {
  await poll(
    `the answer to be ${status}`,
    async () => {
      const now = await turn.getAttribute('data-status');
      if (now === 'error' && status !== 'error')
        throw new Error(`the answer failed: ${await turn.locator('.answer-error').textContent()}`);
      return now === status;
    },
    timeoutMs,
    50,
  );
}

async function ask(chat: Frame, text: string): Promise<Locator> {
  const before = await chat.locator('.turn.assistant').count();
  const input = chat.locator('textarea[aria-label="Message"]');
  await input.fill(text);
  await poll('Send to be enabled', () => chat.locator('button[aria-label="Send"]').isEnabled(), 15_000);
  await input.press('Enter');
  await poll('the new answer turn', async () => (await chat.locator('.turn.assistant').count()) > before, 15_000);
  return chat.locator('.turn.assistant').nth(before);
}

export async function chatActionsScenario(ctx: E2eContext, steps: Steps): Promise<void> {
  const { wb, mock } = ctx;
  const page = wb.page;
  const workspace = path.join(ctx.root, 'workspace');
  const greet = path.join(workspace, 'src', 'greet.ts');
  let chat: Frame | undefined;
  let model = '';
  let otherModel = '';
  let answer: Locator | undefined;

  try {
    await steps.step('an answer shows its reasoning folded, and Apply/New File/Run on its code blocks', async () => {
      mkdirSync(path.dirname(greet), { recursive: true });
      writeFileSync(greet, 'export const greeting = "Hello";\n');
      const client = await SwitchboardClient.connect({ home: ctx.home, clientName: 'e2e-chat-actions' });
      try {
        const primary =
          (await client.request(ConnectionsList, {})).connections.find((c) => c.isDefault) ??
          (await client.request(ConnectionsList, {})).connections[0];
        if (!primary?.defaultModel) throw new Error('no connection with a default model is left for the chat');
        model = primary.defaultModel;
        otherModel = MODELS.find((m) => m !== model)!;
      } finally {
        await client.close();
      }
      await wb.runCommand('Switchboard: New Chat');
      chat = await wb.frameWith(LOG);
      await poll('an empty chat', async () => (await chat!.locator('.turn').count()) === 0, 10_000);
      mock.reply(model, {
        thinking: ['Looking at ', 'src/greet.ts.'],
        chunks: [ANSWER.slice(0, 60), ANSWER.slice(60)],
        chunkDelayMs: 50,
      });
      answer = await ask(chat, 'Make the greeting friendlier');
      await waitStatus(answer, 'done');
      const reasoning = answer.locator('details.reasoning');
      await reasoning.waitFor({ state: 'visible', timeout: 5000 });
      if (await reasoning.evaluate((d) => (d as HTMLDetailsElement).open))
        throw new Error('the reasoning is not folded');
      if ((await reasoning.locator('summary').textContent()) !== 'Reasoning')
        throw new Error(`the reasoning says ${await reasoning.locator('summary').textContent()}`);
      await answer.locator('button[aria-label="Apply to src/greet.ts"]').waitFor({ state: 'visible', timeout: 5000 });
      await answer
        .locator('.code-block')
        .nth(1)
        .locator('button[aria-label="Run in Terminal"]')
        .waitFor({ state: 'visible', timeout: 5000 });
      if (await answer.locator('.code-block').first().locator('button[aria-label="Run in Terminal"]').count())
        throw new Error('a TypeScript block offers Run in Terminal');
      await wb.shot('chat-actions-answer');
    });

    await steps.step('Apply opens a diff of src/greet.ts; Accept in its title bar changes the file', async () => {
      await answer!.locator('button[aria-label="Apply to src/greet.ts"]').click();
      const diff = page.locator('.monaco-diff-editor');
      await diff.first().waitFor({ state: 'visible', timeout: 20_000 });
      const accept = page.locator('.editor-actions a[aria-label^="Accept Proposed Change"]');
      await accept.waitFor({ state: 'visible', timeout: 10_000 });
      await page
        .locator('.editor-actions a[aria-label^="Reject Proposed Change"]')
        .waitFor({ state: 'visible', timeout: 5000 });
      // The editor draws spaces as no-break spaces.
      await poll(
        'the proposed text in the diff',
        async () => ((await diff.first().textContent()) ?? '').replace(/\u00a0/g, ' ').includes('Hello from the chat'),
        10_000,
      );
      if (readFileSync(greet, 'utf8') !== 'export const greeting = "Hello";\n')
        throw new Error('the file changed before Accept');
      await wb.shot('chat-actions-diff');
      await accept.click();
      await poll('the diff to close', async () => (await diff.count()) === 0, 10_000);
      await wb.runCommand('File: Save');
      await poll(
        'the file on disk to change',
        () => readFileSync(greet, 'utf8') === 'export const greeting = "Hello from the chat";\n',
        10_000,
      );
      await wb.shot('chat-actions-applied');
    });

    await steps.step('Run asks with the exact command, then runs it in the Switchboard terminal', async () => {
      await wb.runCommand('Switchboard: Open Chat');
      chat = await wb.frameWith(LOG);
      const marker = path.join(workspace, 'ran-from-chat.txt');
      await chat.locator('.turn.assistant').last().locator('button[aria-label="Run in Terminal"]').click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 10_000 });
      if (!((await dialog.textContent()) ?? '').includes('echo applied > ran-from-chat.txt'))
        throw new Error(`the confirmation says: ${await dialog.textContent()}`);
      if (existsSync(marker)) throw new Error('the command ran before it was confirmed');
      await wb.shot('chat-actions-run-confirm');
      await dialog.locator('.monaco-button', { hasText: /^Run$/ }).click();
      await poll(
        'the command to run in the terminal',
        () => existsSync(marker) && readFileSync(marker, 'utf8').trim() === 'applied',
        30_000,
      );
      await wb.shot('chat-actions-ran');
    });

    await steps.step('Regenerate with… another model puts both answers side by side', async () => {
      await wb.runCommand('Switchboard: Open Chat');
      chat = await wb.frameWith(LOG);
      // Slow enough to see the new answer stream beside the first.
      mock.reply(otherModel, {
        chunks: ['A second ', 'opinion ', 'from ', 'another ', 'model.'],
        chunkDelayMs: 600,
      });
      await chat
        .locator('.turn.assistant')
        .last()
        .locator('button[aria-label="Regenerate with Another Connection or Model"]')
        .click();
      // 1/2: the connection (the chat's own is first, under Enter).
      await wb.quickInput().waitFor({ state: 'visible', timeout: 10_000 });
      await page.locator('.quick-input-list .monaco-list-row.focused').first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      // 2/2: the model, typed.
      await poll(
        'the model step',
        async () => ((await page.locator('.quick-input-title').textContent()) ?? '').includes('model'),
        10_000,
      );
      await page.locator('.quick-input-widget input').fill(otherModel);
      // Enter takes the focused row: wait until the list (which the extension renders again as the
      // filter changes) has the typed model in focus.
      await poll(
        'the typed model in focus',
        async () => {
          const focused = await page
            .locator('.quick-input-list .monaco-list-row.focused .label-name')
            .first()
            .textContent({ timeout: 500 })
            .catch(() => '');
          return (focused ?? '').trim() === otherModel;
        },
        10_000,
      );
      await page.keyboard.press('Enter');
      const group = chat.locator('.answer-group');
      await group.waitFor({ state: 'visible', timeout: 20_000 });
      // While it streams, the new answer already names the model it was asked of, beside the first.
      await poll(
        'the new answer streaming beside the first, naming its model',
        async () =>
          (await group.getAttribute('data-layout')) === 'side-by-side' &&
          ((await group.locator('.turn.assistant[data-status="streaming"] .answer-source .meta-model').textContent({
            timeout: 500,
          })) ?? '') === otherModel,
        15_000,
        50,
      );
      await wb.shot('chat-actions-regenerating');
      await poll(
        'both answers done, side by side',
        async () =>
          (await group.getAttribute('data-layout')) === 'side-by-side' &&
          (await group.locator('.turn.assistant[data-status="done"]:visible').count()) === 2,
        30_000,
      );
      const models = await group.locator('.answer-meta .meta-model').allTextContents();
      if (models.join() !== `${model},${otherModel}`)
        throw new Error(`the answers side by side are from ${models.join(', ')}`);
      await wb.shot('chat-actions-side-by-side');
    });

    await steps.step(
      'a stalled answer says "No data for N s" with Stop and Retry; Retry asks again in its place',
      async () => {
        // The first request stalls after one chunk (until it is stopped); the one asked again answers.
        mock.fault({ kind: 'hangAfterChunks', n: 1, count: 1, match: { model, path: /chat\/completions/ } });
        mock.reply(model, { chunks: ['The first part, ', 'then the rest.'], chunkDelayMs: 20 });
        const stalled = await ask(chat!, 'Will this stall?');
        const notice = stalled.locator('.answer-stalled');
        await notice.waitFor({ state: 'visible', timeout: 30_000 });
        const said = ((await notice.locator('.stall-text').textContent()) ?? '').trim();
        if (!/^No data for \d+ s$/.test(said)) throw new Error(`the notice says "${said}"`);
        if ((await stalled.getAttribute('data-status')) !== 'streaming') throw new Error('the stalled answer ended');
        await wb.shot('chat-actions-stalled');
        await notice.locator('button[aria-label="Stop and Ask Again"]').click();
        const again = chat!.locator('.turn.assistant').last();
        await poll(
          'the answer asked again, in its place',
          async () =>
            (await again.getAttribute('data-status')) === 'done' &&
            ((await again.locator('.turn-body').textContent()) ?? '').includes('then the rest.') &&
            (await chat!.locator('.answer-stalled').count()) === 0,
          30_000,
        );
        await wb.shot('chat-actions-retried');
      },
    );

    await steps.step('Escape stops a streaming answer; Ctrl+Alt+K brings the chat back', async () => {
      mock.reply(model, { chunks: Array.from({ length: 300 }, (_, i) => `word${i} `), chunkDelayMs: 30 });
      const long = await ask(chat!, 'Tell me a long story.');
      await poll(
        'some streamed text',
        async () => ((await long.locator('.turn-body').textContent()) ?? '').includes('word3'),
        20_000,
        50,
      );
      await chat!.locator('textarea[aria-label="Message"]').press('Escape');
      await waitStatus(long, 'stopped', 15_000);
      await wb.runCommand('View: Close Primary Side Bar');
      await poll('the chat hidden', async () => !(await page.locator('.sidebar').isVisible()), 10_000);
      await page.locator('.monaco-workbench').press('Control+Alt+K');
      await poll(
        'the chat shown again',
        async () =>
          (await wb.frameWith(LOG, 2000).catch(() => undefined)) !== undefined &&
          (await page.locator('.sidebar').isVisible()),
        15_000,
      );
      await wb.shot('chat-actions-keybinding');
    });
  } finally {
    mock.clearFaults();
    for (const m of [model, otherModel]) if (m) mock.reply(m, mock.defaultReply);
  }
}
