import { describe, expect, it } from 'vitest';
import type { Connection, TestResult } from '../../shared/protocol';
import {
  connectionInUse,
  connectionItem,
  connectionPick,
  connectionStatus,
  describeKeySource,
  escapeMarkdown,
  inUseFirst,
  modelInUse,
  sortConnections,
  STATUS_STYLE,
  statusBarBackground,
} from '../../extension/connections/presentation';
import { definedOnly, type Loose } from '../../shared/definedOnly';

function conn(over: Partial<Loose<Connection>> = {}): Connection {
  return definedOnly<Loose<Connection>>({
    id: 'c1',
    name: 'Work OpenAI',
    provider: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    defaultModel: 'gpt-4o',
    timeoutMs: 60000,
    maxRetries: 2,
    isDefault: false,
    keySource: 'memory',
    keyHint: '…abcd',
    keyFingerprint: '12345678',
    keyAvailable: true,
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    ...over,
  });
}
function test(status: TestResult['status'], summary = `summary ${status}`): TestResult {
  return {
    status,
    summary,
    testedAt: '2025-01-02T00:00:00Z',
    durationMs: 140,
    stages: [{ name: 'connectivity', status, reason: `reason ${status}`, ms: 10 }],
  };
}

describe('status', () => {
  it('is untested (grey) without a test, and the last test status otherwise', () => {
    expect(connectionStatus(conn())).toEqual({ status: 'untested', reason: 'Not tested yet.' });
    expect(connectionStatus(conn({ lastTest: test('ok') }))).toEqual({ status: 'ok', reason: 'summary ok' });
    expect(connectionStatus(conn({ lastTest: test('warning') })).status).toBe('warning');
    expect(connectionStatus(conn({ lastTest: test('error') })).status).toBe('error');
  });

  it('turns a missing key into a warning that says what to do, unless the test already failed', () => {
    const missing = connectionStatus(conn({ keyAvailable: false, keyHint: undefined, lastTest: test('ok') }));
    expect(missing.status).toBe('warning');
    expect(missing.reason).toMatch(/replace the key/);
    expect(connectionStatus(conn({ keyAvailable: false, keySource: 'env:MY_KEY' })).reason).toMatch(/MY_KEY/);
    expect(connectionStatus(conn({ keyAvailable: false, lastTest: test('error') })).status).toBe('error');
  });

  it('maps statuses to green / yellow / red / grey theme colours and icons', () => {
    expect(STATUS_STYLE.ok).toMatchObject({ icon: 'pass-filled', color: 'testing.iconPassed' });
    expect(STATUS_STYLE.warning).toMatchObject({ icon: 'warning', color: 'problemsWarningIcon.foreground' });
    expect(STATUS_STYLE.error).toMatchObject({ icon: 'error', color: 'problemsErrorIcon.foreground' });
    expect(STATUS_STYLE.untested).toMatchObject({ color: 'disabledForeground' });
  });

  it('gives the status bar a background only for warnings and errors', () => {
    expect(statusBarBackground('error')).toBe('statusBarItem.errorBackground');
    expect(statusBarBackground('warning')).toBe('statusBarItem.warningBackground');
    expect(statusBarBackground('ok')).toBeUndefined();
    expect(statusBarBackground('untested')).toBeUndefined();
  });
});

describe('describeKeySource', () => {
  it('says where the key lives, with its mask only', () => {
    expect(describeKeySource(conn())).toBe('VS Code secret storage (…abcd)');
    expect(describeKeySource(conn({ keyAvailable: false, keyHint: undefined }))).toBe(
      'VS Code secret storage (not loaded)',
    );
    expect(describeKeySource(conn({ keySource: 'vault' }))).toBe('Switchboard vault (…abcd)');
    expect(describeKeySource(conn({ keySource: 'env:OPENAI_API_KEY' }))).toBe(
      'Environment variable OPENAI_API_KEY (…abcd)',
    );
    expect(describeKeySource(conn({ keySource: 'env:X', keyAvailable: false }))).toBe(
      'Environment variable X (not set for the daemon)',
    );
    expect(describeKeySource(conn({ keySource: 'none', keyHint: undefined }))).toBe('No key needed');
  });
});

describe('connectionItem', () => {
  it('shows provider and model, with a star and its own context value on the default', () => {
    const providerName = (id: string) => (id === 'openai' ? 'OpenAI' : undefined);
    expect(connectionItem(conn(), { providerName })).toMatchObject({
      id: 'c1',
      label: 'Work OpenAI',
      description: 'OpenAI · gpt-4o',
      contextValue: 'connection',
      icon: 'circle-large-outline',
    });
    expect(connectionItem(conn({ isDefault: true }), { providerName })).toMatchObject({
      description: '★ OpenAI · gpt-4o',
      contextValue: 'connection.default',
    });
    expect(connectionItem(conn({ defaultModel: undefined, provider: 'x' })).description).toBe('x');
    expect(connectionItem(conn({ keySource: 'vault' }), { providerName }).description).toBe('OpenAI · gpt-4o · vault');
  });

  it('puts the status reason, key source and test stages in the tooltip', () => {
    const item = connectionItem(conn({ lastTest: test('error', 'Key rejected (401)') }));
    expect(item.status).toBe('error');
    expect(item.color).toBe('problemsErrorIcon.foreground');
    expect(item.tooltip).toContain('Key rejected \\(401\\)');
    expect(item.tooltip).toContain('VS Code secret storage \\(…abcd\\)');
    expect(item.tooltip).toContain('connectivity: error');
  });

  it('says when the last test ran in words, never as an ISO stamp (#17 item 9)', () => {
    const testedAt = new Date(2026, 11, 6, 9, 5).toISOString();
    const item = connectionItem(conn({ lastTest: { ...test('ok', 'Works'), testedAt } }), {
      now: () => new Date(2026, 11, 6, 15, 0),
    });
    expect(item.tooltip).toContain('Tested today at 09:05 in 140 ms');
    expect(item.tooltip).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('escapes Markdown in names so a name cannot inject a link', () => {
    const item = connectionItem(conn({ name: '[click](command:x)' }));
    expect(item.tooltip).toContain('\\[click\\]\\(command:x\\)');
    expect(escapeMarkdown('*a*')).toBe('\\*a\\*');
  });

  it('marks the workspace choice in the tooltip', () => {
    expect(connectionItem(conn(), { workspaceChoiceId: 'c1' }).tooltip).toContain('selected for this workspace');
  });

  it('shows a disabled connection greyed, says so in the tooltip, and offers Enable through its context value', () => {
    const item = connectionItem(conn({ enabled: false, isDefault: true, lastTest: test('ok') }));
    expect(item).toMatchObject({
      icon: 'circle-slash',
      color: 'disabledForeground',
      contextValue: 'connection.default.disabled',
    });
    expect(item.description).toContain('(disabled)');
    expect(item.tooltip).toContain('**Disabled**');
    expect(connectionItem(conn({ enabled: true })).contextValue).toBe('connection');
  });

  it('carries the description (escaped), last use and generation defaults in the tooltip', () => {
    const tooltip = connectionItem(
      conn({
        description: 'Search team\n[owner](x)',
        lastUsedAt: '2025-02-03T04:05:06Z',
        generationDefaults: { temperature: 0.2, maxTokens: 800 },
      }),
    ).tooltip;
    expect(tooltip).toContain('_Search team_');
    expect(tooltip).toContain('\\[owner\\]\\(x\\)');
    expect(tooltip).toContain('Last used: 2025\\-02\\-03T04:05:06Z');
    expect(tooltip).toContain('Defaults: temperature 0\\.2, max 800 tokens');
    expect(connectionItem(conn()).tooltip).toContain('Last used: never');
  });
});

describe('connection in use', () => {
  const a = conn({ id: 'a', name: 'A', isDefault: true, defaultModel: 'ma' });
  const b = conn({ id: 'b', name: 'B', defaultModel: 'mb' });

  it("prefers the workspace's choice, then the default, then none", () => {
    expect(connectionInUse([a, b], 'b')).toEqual({ connection: b, reason: 'workspace' });
    expect(connectionInUse([a, b], undefined)).toEqual({ connection: a, reason: 'default' });
    expect(connectionInUse([a, b], 'deleted')).toEqual({ connection: a, reason: 'default' });
    expect(connectionInUse([b], undefined)).toBeUndefined();
  });

  it("uses the workspace's model only with its own connection", () => {
    expect(modelInUse({ connection: b, reason: 'workspace' }, { connectionId: 'b', model: 'custom' })).toBe('custom');
    expect(modelInUse({ connection: a, reason: 'default' }, { connectionId: 'b', model: 'custom' })).toBe('ma');
    expect(modelInUse(undefined, {})).toBeUndefined();
  });

  it('builds quick-pick rows with status icon, default and current marked', () => {
    const row = connectionPick(a, { currentId: 'a', providerName: () => 'OpenAI' });
    expect(row.label).toBe('$(circle-large-outline) A');
    expect(row.description).toBe('★ default, in use — OpenAI · ma');
    expect(
      connectionPick(conn({ keySource: 'env:OPENAI_API_KEY' }), { providerName: () => 'OpenAI' }).description,
    ).toBe('OpenAI · gpt-4o · env:OPENAI_API_KEY');
    expect(row.detail).toMatch(/^Not tested/);
  });

  it('puts the connection in use first for Regenerate with… (Enter keeps it), the rest in their order', () => {
    const c = conn({ id: 'c', name: 'C' });
    expect(inUseFirst([a, b, c], 'c').map((x) => x.id)).toEqual(['c', 'a', 'b']);
    expect(inUseFirst([a, b, c], 'a').map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(inUseFirst([a, b, c], 'gone').map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(inUseFirst([a, b, c], undefined).map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });

  it('sorts the default first, then by name', () => {
    expect(
      sortConnections([
        conn({ id: '1', name: 'b' }),
        conn({ id: '2', name: 'A' }),
        conn({ id: '3', name: 'z', isDefault: true }),
      ]).map((c) => c.name),
    ).toEqual(['z', 'A', 'b']);
  });
});
