/**
 * The connection manager page's script (browser side, bundled to dist/webviews/manager.js).
 * It owns the form's state and speaks to the host only through `ManagerToHost` / `HostToManager`.
 * A typed key stays in the password input until it is sent; it is never put in `setState` (VS Code
 * writes webview state to disk) and never comes back from the host — a saved key shows as its mask.
 * The same goes for header values that are credentials: typed ones are left out of the state, saved
 * ones come from the daemon only as a mask.
 */
import './style.css';
import type { Connection, Provider, TestResult } from '../../../shared/protocol';
import { assertNever, type HostToManager, type ManagerError, type ManagerToHost } from '../../../shared/webview';
import {
  baseUrlAfterProviderChange,
  baseUrlAfterRegionChange,
  emptyValues,
  hostMoveWarning,
  fieldForProtocol,
  hasChanges,
  testTarget,
  toCreateFields,
  toUpdateFields,
  validateDetailed,
  valuesFromConnection,
  type FormMode,
  type FormValues,
} from './form';
import { isBedrock } from './awsFields';
import { headersForState } from './headers';
import { renderDiscovered, setFallbackChoices, wireLimits } from './limitsView';
import { renderQuota } from './quotaView';
import { loadPrices, showPriceError, showPrices, wirePrices } from './pricesView';
import { Requests, type Pending, type RequestKind } from './requests';
import { messageWithHint } from './richText';
import { saveAnywayQuestion, savedDespite } from './saveAfterFailure';
import { wireSecretHeaders } from './secretHeadersView';
import { hideTestHistory, renderTestHistory } from './testHistoryView';
import { customProviderSaved, showCustomProviderError, wireCustomProvider } from './customProviderView';
import * as view from './view';
import { nameAfterProviderChange, suggestedName } from './suggestedName';

interface VsCodeApi {
  postMessage(message: ManagerToHost): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives the tab being hidden or VS Code restarting: everything but the key. */
interface PersistedState {
  selectedId: string | null;
  values: Omit<FormValues, 'apiKey' | 'awsSessionToken'>;
  replacingKey: boolean;
  advancedOpen: boolean;
  limitsOpen?: boolean;
  models: string[];
  lastTest?: TestResult;
}

const vscode = acquireVsCodeApi();
let providers: Provider[] = [];
let connections: Connection[] = [];
let mode: FormMode = { kind: 'create' };
let models: string[] = [];
let lastTest: TestResult | undefined;
/** The test run in this form since it opened (not one stored before): a failed one makes Save ask first. */
let ranTest: TestResult | undefined;
/** Set while a save the person confirmed despite a failed test is on its way: the status says so after. */
let savingDespite: TestResult | undefined;
let initialized = false;
// The provider the form showed before a change, to tell a default base URL from a typed one.
let currentProviderId = '';
// The region the form showed before a change, to tell Bedrock's default base URL from a typed one.
let currentRegion = '';

const form = view.el<HTMLFormElement>('form');
const buttons = {
  test: view.el<HTMLButtonElement>('test'),
  save: view.el<HTMLButtonElement>('save'),
  delete: view.el<HTMLButtonElement>('delete'),
  price: view.el<HTMLButtonElement>('price-set'),
  provider: view.el<HTMLButtonElement>('cp-save'),
};
const requests = new Requests((kind, busy) => (buttons[kind].disabled = busy));

const providerById = (id: string) => providers.find((p) => p.id === id);
/** What the form's pure functions need to know of the chosen provider. */
const hintFor = (values: Pick<FormValues, 'provider'>) => ({ bedrock: isBedrock(providerById(values.provider)) });
const editing = () => (mode.kind === 'edit' ? mode.original : undefined);

function send(message: ManagerToHost): void {
  vscode.postMessage(message);
}

/** Asks the host for the quota of the connection open in the form (none for a new one). */
function loadQuota(connectionId: string | undefined): void {
  if (connectionId === undefined) return renderQuota({ kind: 'unsaved' });
  renderQuota({ kind: 'loading' });
  send({ type: 'loadQuota', connectionId });
}

function request(
  kind: RequestKind,
  build: (requestId: number) => ManagerToHost,
  about?: { id: string; name: string },
): void {
  send(build(requests.start(kind, about)));
}

function persist(): void {
  const { apiKey: _key, awsSessionToken: _token, ...form } = view.readForm();
  // Typed credentials stay out of the state, which VS Code writes to disk.
  const values = {
    ...form,
    headers: headersForState(form.headers),
    secretHeaders: form.secretHeaders.map((row) => ({ name: row.name, value: '' })),
  };
  vscode.setState({
    selectedId: editing()?.id ?? null,
    values,
    replacingKey: mode.kind === 'edit' && mode.replacingKey,
    advancedOpen: view.el<HTMLDetailsElement>('advanced').open,
    limitsOpen: view.el<HTMLDetailsElement>('limits').open,
    models,
    ...(lastTest && { lastTest }),
  });
}

function openForm(next: FormMode, values: FormValues, restored?: PersistedState): void {
  requests.newForm();
  mode = next;
  ranTest = undefined;
  savingDespite = undefined;
  view.askSaveAnyway(undefined);
  const saved = editing();
  setFallbackChoices(connections, saved?.id);
  view.writeForm(values);
  renderDiscovered(saved);
  loadQuota(saved?.id);
  view.showErrors({});
  view.setBanner(undefined);
  view.setStatus('');
  currentProviderId = values.provider;
  currentRegion = values.awsRegion;
  view.showProvider(providerById(values.provider));
  view.showAws(providerById(values.provider), values.awsAuth, saved);
  view.showKeyArea({ ...(saved && { saved }), replacing: mode.kind === 'edit' && mode.replacingKey });
  view.el('form-title').textContent = saved ? `Edit "${saved.name}"` : 'Add connection';
  buttons.delete.hidden = !saved;
  view.el<HTMLDetailsElement>('advanced').open = restored?.advancedOpen ?? false;
  view.el<HTMLDetailsElement>('limits').open = restored?.limitsOpen ?? false;
  models = restored?.models ?? [];
  view.fillModels(models);
  // The newer of what the tab showed and what the daemon stored since (a scheduled test, the tree).
  const tests = [restored?.lastTest, saved?.lastTest].filter((t): t is TestResult => t !== undefined);
  lastTest = tests.sort((a, b) => b.testedAt.localeCompare(a.testedAt))[0];
  if (lastTest) view.renderTest(lastTest);
  else view.hideTest();
  // Past results come from the daemon (a new connection has none); shown when they arrive.
  hideTestHistory();
  if (saved) send({ type: 'loadTestHistory', connectionId: saved.id });
  showHostWarning();
  if (saved?.keyAvailable && models.length === 0) send({ type: 'loadModels', connectionId: saved.id });
  view.renderList(connections, saved?.id ?? null, selectConnection);
  loadPrices();
  persist();
}

function openCreate(values?: FormValues, restored?: PersistedState): void {
  const provider = providerById('openai') ?? providers[0];
  const fresh = () => ({ ...emptyValues(provider), name: provider ? suggestedName(provider.name, connections) : '' });
  openForm({ kind: 'create' }, values ?? fresh(), restored);
}

function openEdit(c: Connection, restored?: PersistedState): void {
  // State saved by an older version may lack newer fields: the connection fills them in.
  const values = restored
    ? { ...valuesFromConnection(c), ...restored.values, apiKey: '', awsSessionToken: '' }
    : valuesFromConnection(c);
  openForm({ kind: 'edit', original: c, replacingKey: restored?.replacingKey ?? false }, values, restored);
}

function selectConnection(id: string | null): void {
  const c = id === null ? undefined : connections.find((x) => x.id === id);
  if (c) openEdit(c);
  else openCreate();
  view.el<HTMLInputElement>('name').focus();
}

/** First page load: the connection asked for, else what the tab showed before it was hidden. */
function restore(selectId: string | undefined): void {
  const restored = vscode.getState() as PersistedState | undefined;
  const find = (id: string) => connections.find((c) => c.id === id);
  if (selectId !== undefined && selectId !== restored?.selectedId) {
    const c = find(selectId);
    return c ? openEdit(c) : openCreate();
  }
  if (restored?.selectedId === null)
    return openCreate({ ...emptyValues(), ...restored.values, apiKey: '', awsSessionToken: '' }, restored);
  const c = restored?.selectedId ? find(restored.selectedId) : undefined;
  return c ? openEdit(c, restored) : openCreate();
}

function checkForm(purpose: 'save' | 'test'): FormValues | undefined {
  const values = view.readForm();
  const { errors, inputs } = validateDetailed(values, {
    mode,
    provider: providerById(values.provider),
    purpose,
    connections,
  });
  const first = view.showErrors(errors, inputs);
  if (first === undefined) return values;
  view.focusField(first, inputs[first]);
  view.setStatus('Fix the highlighted fields.');
  return undefined;
}

function onTest(): void {
  view.setBanner(undefined);
  const values = checkForm('test');
  if (!values) return;
  view.setStatus('');
  request('test', (requestId) => ({ type: 'test', requestId, target: testTarget(mode, values, hintFor(values)) }));
  view.renderTest(undefined);
  view.revealTest();
}

function onSave(event: SubmitEvent): void {
  event.preventDefault();
  view.setBanner(undefined);
  const values = checkForm('save');
  if (!values) return;
  if (!hasChanges(mode, values, hintFor(values))) return view.setStatus('Nothing to save: no field changed.');
  // A test that just failed: ask before saving what is known not to work.
  if (ranTest?.status === 'error') return view.askSaveAnyway(saveAnywayQuestion(ranTest));
  save(values);
}

function saveAnyway(): void {
  view.askSaveAnyway(undefined);
  const values = checkForm('save');
  if (!values) return;
  savingDespite = ranTest;
  save(values);
}

function save(values: FormValues): void {
  const apiKey = values.apiKey === '' ? {} : { apiKey: values.apiKey };
  view.setStatus('Saving…');
  if (mode.kind === 'create') {
    request('save', (requestId) => ({
      type: 'create',
      requestId,
      fields: toCreateFields(values, hintFor(values)),
      ...apiKey,
    }));
  } else {
    const fields = toUpdateFields(mode.original, values, hintFor(values));
    request('save', (requestId) => ({
      type: 'update',
      requestId,
      fields,
      ...(mode.kind === 'edit' && mode.replacingKey ? apiKey : {}),
    }));
  }
}

function onDelete(): void {
  const c = editing();
  if (!c) return;
  view.setBanner(undefined);
  request('delete', (requestId) => ({ type: 'delete', requestId, id: c.id, name: c.name }), { id: c.id, name: c.name });
}

/** Says under the base URL when saving would leave the stored key behind (another host). */
function showHostWarning(): void {
  const typingKey = mode.kind === 'edit' && mode.replacingKey && view.el<HTMLInputElement>('apiKey').value !== '';
  const warning = hostMoveWarning(editing(), view.el<HTMLInputElement>('baseUrl').value, typingKey);
  const line = view.el('baseUrl-warning');
  line.textContent = warning ?? '';
  line.hidden = warning === undefined;
}

function setReplacing(replacingKey: boolean): void {
  if (mode.kind !== 'edit') return;
  mode = { ...mode, replacingKey };
  view.el<HTMLInputElement>('apiKey').value = '';
  view.showKeyArea({ saved: mode.original, replacing: replacingKey });
  view.showErrors({});
  view.focusField('apiKey');
  persist();
}

function showError(error: ManagerError, p: Pending | undefined): void {
  const text = messageWithHint(error.message, error.hint);
  if (p?.kind === 'price') return showPriceError(text);
  if (p?.kind === 'provider') return showCustomProviderError(text);
  if (p?.kind === 'save') savingDespite = undefined;
  const field = fieldForProtocol(error.field);
  if (field) {
    view.showErrors({ [field]: text });
    view.focusField(field);
    view.setStatus('Fix the highlighted field.');
  } else {
    view.setBanner(text);
    view.setStatus('');
  }
  if (p?.kind === 'test') view.el('test-summary').textContent = `The test could not run: ${error.message}`;
}

function onMessage(msg: HostToManager): void {
  switch (msg.type) {
    case 'init': {
      providers = msg.providers;
      for (const b of Object.values(buttons)) b.disabled = false;
      if (initialized) {
        // The host re-sent everything (the daemon came back): keep the form, including a typed key.
        view.setBanner(undefined);
        return onMessage({ type: 'connections', connections: msg.connections });
      }
      initialized = true;
      connections = msg.connections;
      view.fillProviders(providers);
      return restore(msg.selectId);
    }
    case 'connections': {
      connections = msg.connections;
      const saved = editing();
      if (saved && mode.kind === 'edit') {
        const fresh = connections.find((c) => c.id === saved.id);
        if (!fresh) {
          // Our own delete: the daemon's change event can beat the host's answer; the answer says it.
          if (requests.deleting(saved.id)) {
            return view.renderList(connections, saved.id, selectConnection);
          }
          openCreate();
          return view.setBanner(`"${saved.name}" was deleted elsewhere.`);
        }
        // Keep what the person is typing; refresh what the daemon owns (mask, test status, default).
        mode = { ...mode, original: fresh };
        view.showKeyArea({ saved: fresh, replacing: mode.replacingKey });
        // What the provider last reported comes with every change of the connection.
        renderDiscovered(fresh);
        // A newer stored test (after a save, on schedule, from the tree) replaces the one shown.
        if (fresh.lastTest && (!lastTest || fresh.lastTest.testedAt > lastTest.testedAt)) {
          view.renderTest((lastTest = fresh.lastTest));
          persist();
        }
      }
      // Fallback choices follow renames and deletions; the rows keep what they hold.
      setFallbackChoices(connections, editing()?.id);
      return view.renderList(connections, editing()?.id ?? null, selectConnection);
    }
    case 'select':
      selectConnection(msg.connectionId);
      // The chat's "Replace Key": the key field open, with the focus in it.
      if (msg.replaceKey) setReplacing(true);
      return;
    case 'testResult': {
      if (!requests.settle(msg.requestId)) return;
      lastTest = ranTest = msg.result;
      // A test that passes again ends the question; one that fails now asks at the next Save.
      view.askSaveAnyway(undefined);
      const now = view.readForm();
      const target = testTarget(mode, now, hintFor(now));
      const savedOnly = 'id' in target && hasChanges(mode, now, hintFor(now));
      view.renderTest(msg.result, savedOnly ? '(Tested the saved settings; save to test your changes.)' : '');
      if (msg.result.models?.length) {
        models = msg.result.models;
        view.fillModels(models);
      }
      view.revealTest();
      return persist();
    }
    case 'saved': {
      if (!requests.settle(msg.requestId)) return;
      const despite = savingDespite;
      const keepTest = lastTest;
      const keepModels = models;
      // The sections the person had open stay open: they may want to check what was saved.
      const open = {
        advanced: view.el<HTMLDetailsElement>('advanced').open,
        limits: view.el<HTMLDetailsElement>('limits').open,
      };
      openEdit(msg.connection);
      view.el<HTMLDetailsElement>('advanced').open = open.advanced;
      view.el<HTMLDetailsElement>('limits').open = open.limits;
      if (keepTest && !msg.connection.lastTest) view.renderTest((lastTest = keepTest));
      if (keepModels.length) view.fillModels((models = keepModels));
      view.setStatus(despite ? savedDespite(msg.connection.name, despite) : `Saved "${msg.connection.name}".`);
      return persist();
    }
    case 'deleted': {
      const p = requests.settle(msg.requestId);
      if (!p) return;
      openCreate();
      return view.setStatus(`Deleted "${p.name ?? 'the connection'}".`);
    }
    case 'cancelled':
      requests.settle(msg.requestId);
      return;
    case 'models':
      if (editing()?.id !== msg.connectionId) return;
      models = msg.models;
      view.fillModels(models);
      return persist();
    case 'testHistory':
      if (editing()?.id === msg.connectionId) renderTestHistory(msg.entries);
      return;
    case 'quota':
      // An answer for a connection no longer open is dropped.
      if (editing()?.id !== msg.connectionId) return;
      return renderQuota(
        msg.quota ? { kind: 'shown', quota: msg.quota } : { kind: 'failed', message: msg.error ?? 'no answer' },
      );
    case 'prices': {
      const answered = msg.requestId !== undefined && requests.settle(msg.requestId) !== undefined;
      return showPrices(msg.provider, msg.prices, answered);
    }
    case 'providerSaved': {
      providers = msg.providers;
      // Selected only if the form is still the one it was added from; the list has it either way.
      if (requests.settle(msg.requestId)) customProviderSaved(msg.provider, providers);
      else {
        view.fillProviders(providers);
        view.el<HTMLSelectElement>('provider').value = currentProviderId;
      }
      return view.setStatus(`Added provider "${msg.provider.name}". Now give the connection its key.`);
    }
    case 'error':
      return showError(msg.error, msg.requestId === undefined ? undefined : requests.settle(msg.requestId));
    default:
      return assertNever(msg);
  }
}

view.el<HTMLSelectElement>('provider').addEventListener('change', (e) => {
  const next = providerById((e.target as HTMLSelectElement).value);
  if (!next) return;
  const baseUrl = view.el<HTMLInputElement>('baseUrl');
  baseUrl.value = baseUrlAfterProviderChange(
    baseUrl.value,
    providerById(currentProviderId),
    next,
    view.el<HTMLInputElement>('awsRegion').value,
  );
  if (mode.kind === 'create') {
    const name = view.el<HTMLInputElement>('name');
    name.value = nameAfterProviderChange(name.value, providerById(currentProviderId)?.name, next.name, connections);
  }
  currentProviderId = next.id;
  view.showProvider(next);
  view.showAws(next, view.el<HTMLSelectElement>('awsAuth').value, editing());
  loadPrices();
  persist();
});
view.el<HTMLSelectElement>('awsAuth').addEventListener('change', (e) => {
  view.showAws(providerById(currentProviderId), (e.target as HTMLSelectElement).value, editing());
  persist();
});
view.el<HTMLInputElement>('awsRegion').addEventListener('input', (e) => {
  const region = (e.target as HTMLInputElement).value;
  const baseUrl = view.el<HTMLInputElement>('baseUrl');
  baseUrl.value = baseUrlAfterRegionChange(baseUrl.value, providerById(currentProviderId), currentRegion, region);
  currentRegion = region;
});
view.el('show-audit').addEventListener('click', () => {
  const c = editing();
  if (c) send({ type: 'showAudit', connectionId: c.id });
});
view.el('sign-in-openrouter').addEventListener('click', () => send({ type: 'signIn', provider: 'openrouter' }));
form.addEventListener('submit', onSave);
form.addEventListener('input', persist);
form.addEventListener('input', showHostWarning);
// A failed test says nothing about a changed endpoint or key: Save no longer asks about it.
form.addEventListener('input', (event) => {
  const id = (event.target as HTMLElement).id;
  if (
    !['provider', 'baseUrl', 'apiKey', 'headers', 'organization', 'apiVersion'].includes(id) &&
    !id.startsWith('secret-header')
  )
    return;
  ranTest = undefined;
  view.askSaveAnyway(undefined);
});
buttons.test.addEventListener('click', onTest);
buttons.delete.addEventListener('click', onDelete);
view.el('add').addEventListener('click', () => selectConnection(null));
view.el('quota-refresh').addEventListener('click', () => loadQuota(editing()?.id));
view.el('replace-key').addEventListener('click', () => setReplacing(true));
view.el('keep-key').addEventListener('click', () => setReplacing(false));
view.el('advanced').addEventListener('toggle', persist);
view.el('limits').addEventListener('toggle', persist);
view.el('save-anyway').addEventListener('click', saveAnyway);
view.el('save-cancel').addEventListener('click', () => {
  view.askSaveAnyway(undefined);
  view.setStatus('Not saved. Fix what the test found, or save anyway.');
  buttons.save.focus();
});
wirePrices({
  send,
  start: () => requests.start('price'),
  provider: () => providerById(view.el<HTMLSelectElement>('provider').value),
  defaultModel: () => view.el<HTMLInputElement>('defaultModel').value,
});
wireCustomProvider({
  send,
  start: () => requests.start('provider'),
  providers: () => providers,
  currentProvider: () => currentProviderId,
});
wireLimits(persist);
wireSecretHeaders(persist);
window.addEventListener('message', (event: MessageEvent<HostToManager>) => onMessage(event.data));

// Nothing works until the host sends the catalog; say so rather than offer dead buttons.
for (const b of Object.values(buttons)) b.disabled = true;
send({ type: 'ready' });
