/**
 * An AWS Bedrock connection added the way a person would (#18): in the connection manager, with an
 * access key id, its secret access key and the session token of temporary credentials, against the
 * mock Bedrock (test/mocks/bedrock), which checks each SigV4 signature and the session token. Then
 * tested green and saved, with neither secret ever in the webview.
 */
import { poll } from '../lib/procs';
import type { Steps } from '../lib/steps';
import type { E2eContext } from '../run';
import { startMockBedrock, type MockBedrock } from '../../mocks/bedrock/bedrockMock';
import { COMMANDS } from './connectionFlow';

const BEDROCK = {
  name: 'Mock Bedrock',
  accessKeyId: 'ASIAE2EMOCKBEDROCK01',
  secret: 'e2e/Bedrock+Secret/CANARY0123456789abcdef',
  sessionToken: 'e2eSessionTokenCANARY0123456789abcdefXYZ',
};

export async function bedrockScenario(ctx: E2eContext, steps: Steps): Promise<void> {
  const { wb } = ctx;
  let bedrock: MockBedrock | undefined;
  try {
    bedrock = await startMockBedrock({
      credentials: [
        { accessKeyId: BEDROCK.accessKeyId, secretAccessKey: BEDROCK.secret, sessionToken: BEDROCK.sessionToken },
      ],
    });
    const mock = bedrock;
    const manager = wb.webview();

    await steps.step(
      'a Bedrock connection is filled in the manager: region, access key id, secret access key, session token',
      async () => {
        await wb.runCommand(COMMANDS.add);
        await manager.locator('#provider option[value="bedrock"]').waitFor({ state: 'attached', timeout: 20_000 });
        await poll('the form to be enabled', () => manager.locator('#test').isEnabled());
        await manager.locator('#add').click();
        await manager.locator('#provider').selectOption('bedrock');
        await manager.locator('#aws').waitFor({ state: 'visible' });
        const label = await manager.locator('#apiKey-field label').textContent();
        if (label !== 'Secret access key') throw new Error(`the key field is labelled "${label}"`);
        await manager.locator('#name').fill(BEDROCK.name);
        await manager.locator('#awsRegion').fill(mock.region);
        await manager.locator('#baseUrl').fill(mock.url);
        await manager.locator('#awsAuth').selectOption('accessKeys');
        await manager.locator('#awsAccessKeyId').fill(BEDROCK.accessKeyId);
        await manager.locator('#apiKey').fill(BEDROCK.secret);
        await manager.locator('#awsSessionToken').fill(BEDROCK.sessionToken);
        await wb.shot('manager-bedrock');
      },
    );

    await steps.step('Test Connection signs with the typed credentials and passes', async () => {
      await manager.locator('#test').click();
      await poll(
        'a finished test',
        async () => /^(Passed|Failed)/.test((await manager.locator('#test-summary').textContent()) ?? ''),
        30_000,
      );
      const stages = await manager
        .locator('#test-stages li')
        .evaluateAll((items) =>
          Object.fromEntries(
            items.map((li) => [
              (li as HTMLElement).dataset.stage,
              `${(li as HTMLElement).dataset.status}: ${li.textContent}`,
            ]),
          ),
        );
      for (const stage of ['connectivity', 'authentication', 'models', 'latency']) {
        if (!stages[stage]?.startsWith('ok'))
          throw new Error(`stage ${stage}: ${stages[stage] ?? 'missing'} (all: ${JSON.stringify(stages)})`);
      }
      const signed = mock.requests.find((r) => r.auth.kind === 'sigv4' && r.auth.accessKeyId === BEDROCK.accessKeyId);
      if (
        !signed ||
        signed.auth.kind !== 'sigv4' ||
        !signed.auth.signatureValid ||
        signed.auth.sessionToken !== BEDROCK.sessionToken
      ) {
        throw new Error(
          `the mock saw no valid signature with the session token: ${JSON.stringify(mock.requests.map((r) => [r.op, r.auth.kind, r.authError]))}`,
        );
      }
      await wb.shot('manager-bedrock-tested');
    });

    await steps.step('Save keeps both secrets out of the webview; the connection is green in the tree', async () => {
      await manager.locator('#save').click();
      await poll(
        '"Saved"',
        async () => (await manager.locator('#form-status').textContent())?.includes(`Saved "${BEDROCK.name}"`),
        20_000,
      );
      const note = await manager.locator('#awsSessionToken-help').textContent();
      if (!note?.startsWith('A session token is stored')) throw new Error(`the session token note says: ${note}`);
      const html = await manager.locator('html').innerHTML();
      if (html.includes(BEDROCK.secret) || html.includes(BEDROCK.sessionToken))
        throw new Error('a Bedrock secret is in the webview after saving');
      // The chat has a side-bar container of its own: show the Connections tree (clicking the active
      // container's icon would close the side bar, so only when the tree is not shown).
      const row = wb.page.locator('.monaco-list-row', { hasText: BEDROCK.name });
      if (!(await row.first().isVisible())) await wb.activityIcon().click();
      await row.locator('.codicon-pass-filled').waitFor({ timeout: 30_000 });
      await wb.shot('manager-bedrock-saved');
    });
  } finally {
    await bedrock?.close().catch(() => undefined);
  }
}
