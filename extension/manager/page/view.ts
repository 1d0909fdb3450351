/**
 * DOM access for the connection manager page: reading and writing the form, field errors, the
 * connection list and test stages. Text only goes in through `textContent`, never `innerHTML`: names,
 * reasons and hints come from the daemon and from upstream servers.
 */
import type { Connection, Provider, TestResult, TestStage } from '../../../shared/protocol';
import type { FieldErrors, FieldId, FormValues } from './form';
import { readCapacity, readFallbacks, renderCapacity, renderFallbacks, showQueueWait } from './limitsView';
import { authOf, isBedrock, keyLabel, sessionTokenNote } from './awsFields';
import { setLinkedText } from './richText';
import { readSecretHeaders, renderSecretHeaders } from './secretHeadersView';
import { CUSTOM_PROVIDER_OPTION } from './customProvider';

/** Fields that are one control each, in the order the form shows them. */
const SCALAR_IDS = [
  'provider',
  'name',
  'baseUrl',
  'awsRegion',
  'awsAuth',
  'awsAccessKeyId',
  'awsProfile',
  'apiKey',
  'awsSessionToken',
  'defaultModel',
  'isDefault',
  'organization',
  'apiVersion',
  'headers',
  'timeoutSeconds',
  'maxRetries',
  'allowedModels',
  'onLimit',
  'maxQueueWaitSeconds',
  'budgetAmount',
  'budgetPeriod',
  // What the connection carries (carries.ts), at the end of Advanced.
  'description',
  'enabled',
  'temperature',
  'maxTokens',
] as const satisfies readonly FieldId[];
type ScalarId = (typeof SCALAR_IDS)[number];
/** Every field in form order; `capacity` and `fallbacks` are lists of rows (see limitsView.ts). */
export const FIELD_IDS: FieldId[] = [
  ...SCALAR_IDS.slice(0, SCALAR_IDS.indexOf('onLimit')),
  'description',
  'enabled',
  'temperature',
  'maxTokens',
  'capacity',
  'onLimit',
  'maxQueueWaitSeconds',
  'budgetAmount',
  'budgetPeriod',
  'fallbacks',
];
const ADVANCED: ReadonlySet<FieldId> = new Set([
  'organization',
  'apiVersion',
  'headers',
  'timeoutSeconds',
  'maxRetries',
  'allowedModels',
  'description',
  'enabled',
  'temperature',
  'maxTokens',
]);
const LIMITS: ReadonlySet<FieldId> = new Set([
  'capacity',
  'onLimit',
  'maxQueueWaitSeconds',
  'budgetAmount',
  'budgetPeriod',
  'fallbacks',
]);

export function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`connection manager page has no #${id}`);
  return found as T;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
/** A field's control; for a list of rows, its group element (which carries aria-invalid). */
const control = (id: FieldId) => el<Control>(id);

export function readForm(): FormValues {
  const values = {} as Record<ScalarId, string | boolean>;
  for (const id of SCALAR_IDS) {
    const c = control(id);
    values[id] = c instanceof HTMLInputElement && c.type === 'checkbox' ? c.checked : c.value;
  }
  return {
    ...(values as unknown as FormValues),
    secretHeaders: readSecretHeaders(),
    capacity: readCapacity(),
    fallbacks: readFallbacks(),
  };
}

export function writeForm(v: FormValues): void {
  for (const id of SCALAR_IDS) {
    const c = control(id);
    if (c instanceof HTMLInputElement && c.type === 'checkbox') c.checked = Boolean(v[id]);
    else c.value = String(v[id]);
  }
  renderSecretHeaders(v.secretHeaders);
  renderCapacity(v.capacity);
  renderFallbacks(v.fallbacks);
  showQueueWait(v.onLimit);
}

/**
 * Shows each error next to its field and returns the first field at fault (to focus). `inputs` names
 * the input at fault inside a list field (a capacity or fallback row), which is marked too.
 */
export function showErrors(errors: FieldErrors, inputs: Partial<Record<FieldId, string>> = {}): FieldId | undefined {
  let first: FieldId | undefined;
  for (const marked of document.querySelectorAll('#capacity [aria-invalid], #fallbacks [aria-invalid]'))
    marked.removeAttribute('aria-invalid');
  for (const id of FIELD_IDS) {
    const message = errors[id];
    const slot = el(`${id}-error`);
    slot.textContent = message ?? '';
    slot.hidden = message === undefined;
    control(id).setAttribute('aria-invalid', String(message !== undefined));
    const input = inputs[id] ? document.getElementById(inputs[id]) : null;
    if (message !== undefined) input?.setAttribute('aria-invalid', 'true');
    if (message !== undefined && first === undefined) first = id;
  }
  return first;
}

/** Moves focus to a field (or the given input inside it), opening Advanced or Limits first when it is inside. */
export function focusField(id: FieldId, inputId?: string): void {
  if (ADVANCED.has(id)) el<HTMLDetailsElement>('advanced').open = true;
  if (LIMITS.has(id)) el<HTMLDetailsElement>('limits').open = true;
  const inner = inputId ? document.getElementById(inputId) : null;
  const list =
    id === 'capacity' || id === 'fallbacks'
      ? (el(id).querySelector<HTMLElement>('input, select') ?? el(`${id}-add`))
      : null;
  const target = inner ?? list ?? (id === 'apiKey' && el('key-entry').hidden ? el('replace-key') : control(id));
  target.focus();
}

/** The red banner above the form; web addresses in it are links. */
export function setBanner(message: string | undefined): void {
  const banner = el('banner');
  setLinkedText(banner, message ?? '');
  banner.hidden = message === undefined;
}

export function setStatus(message: string): void {
  el('form-status').textContent = message;
}

export function fillProviders(providers: Provider[]): void {
  const select = el<HTMLSelectElement>('provider');
  // Last, "Custom provider…": it opens a small form for a server that is not in the catalog.
  select.replaceChildren(
    ...providers.map((p) => new Option(p.name, p.id)),
    new Option('Custom provider…', CUSTOM_PROVIDER_OPTION),
  );
}

/**
 * The AWS fields of a Bedrock provider, shown for the chosen way of authenticating: the key field
 * is the secret access key or the Bedrock API key, and goes away for a profile. `saved` says whether
 * a session token is stored (never the token).
 */
export function showAws(p: Provider | undefined, auth: string, saved?: Connection): void {
  const bedrock = isBedrock(p);
  const kind = authOf({ awsAuth: auth });
  el('aws').hidden = !bedrock;
  el('awsAccessKeyId-field').hidden = !bedrock || kind !== 'accessKeys';
  el('awsProfile-field').hidden = !bedrock || kind !== 'profile';
  el('awsSessionToken-field').hidden = !bedrock || kind !== 'accessKeys';
  el('awsSessionToken-help').textContent = sessionTokenNote(saved);
  el('apiKey-field').hidden = bedrock && kind === 'profile';
  if (bedrock) el('apiKey-field').querySelector('label')!.textContent = keyLabel(kind);
}

/** Key format hint and docs link of the chosen provider, and whether a key is needed. */
export function showProvider(p: Provider | undefined): void {
  el('key-format').textContent = p?.keyFormatHint ? `Key: ${p.keyFormatHint}.` : '';
  const link = el<HTMLAnchorElement>('docs-link');
  link.hidden = !p?.docsUrl;
  link.href = p?.docsUrl ?? '#';
  link.textContent = p ? `${p.name} docs` : '';
  el('apiKey-field').querySelector('label')!.textContent = p && !p.requiresKey ? 'API key (optional)' : 'API key';
  el('apiVersion-field').hidden = !p?.azure;
  showAws(p, el<HTMLSelectElement>('awsAuth').value, undefined);
  // OpenRouter can give a key through a browser sign-in instead of a pasted one.
  el('sign-in-openrouter').hidden = p?.id !== 'openrouter';
}

/** The key area: a typed key (create / replace), or the saved key's mask with "Replace key". */
export function showKeyArea(opts: { saved?: Connection; replacing: boolean }): void {
  const { saved, replacing } = opts;
  const showMask = saved !== undefined && !replacing;
  el('key-saved').hidden = !showMask;
  el('key-entry').hidden = showMask;
  el('keep-key').hidden = !(saved !== undefined && replacing);
  if (!showMask) return;
  const mask = el('key-mask');
  const replace = el('replace-key');
  if (saved.keySource === 'none') {
    mask.textContent = 'No key';
    replace.textContent = 'Add key';
  } else {
    const fingerprint = saved.keyFingerprint ? ` (fingerprint ${saved.keyFingerprint})` : '';
    const missing = saved.keyAvailable ? '' : ' — not loaded in the daemon yet';
    mask.textContent = saved.keyHint
      ? `Saved key ${saved.keyHint}${fingerprint}${missing}`
      : `Key in ${saved.keySource}${missing}`;
    replace.textContent = 'Replace key';
  }
}

export function fillModels(models: string[]): void {
  el('model-options').replaceChildren(...models.map((id) => new Option(id, id)));
  el('model-note').textContent = models.length
    ? `${models.length} models found: pick one from the list or type a model id.`
    : 'Test the connection to list its models, or type a model id.';
}

export function renderList(connections: Connection[], selectedId: string | null, onSelect: (id: string) => void): void {
  const items = connections.map((c) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.id = c.id;
    if (c.id === selectedId) button.setAttribute('aria-current', 'true');
    const status = c.lastTest?.status;
    const dot = document.createElement('span');
    dot.className = `dot ${status ?? ''}`;
    dot.setAttribute('aria-hidden', 'true');
    const name = document.createElement('span');
    name.className = 'conn-name';
    name.textContent = c.name;
    const sr = document.createElement('span');
    sr.className = 'visually-hidden';
    sr.textContent = status ? `, last test ${status}` : ', not tested';
    button.append(dot, name, sr);
    if (c.isDefault) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = 'default';
      button.append(badge);
    }
    button.addEventListener('click', () => onSelect(c.id));
    const li = document.createElement('li');
    li.append(button);
    return li;
  });
  el('connection-list').replaceChildren(...items);
  el('list-empty').hidden = connections.length > 0;
}

const ICON: Record<TestStage['status'], string> = { ok: '✓', warning: '!', error: '✗', skipped: '–' };
const STAGE_LABEL: Record<TestStage['name'], string> = {
  connectivity: 'Connectivity',
  authentication: 'Authentication',
  models: 'Models',
  modelAccess: 'Model access',
  latency: 'Latency',
  completion: 'Completion',
};

/** Test results, or the "testing" state while one runs (`result` undefined). */
export function renderTest(result: TestResult | undefined, note = ''): void {
  el('test-section').hidden = false;
  const summary = el('test-summary');
  if (!result) {
    summary.textContent = 'Testing connectivity, authentication, models and latency…';
    el('test-stages').replaceChildren();
    return;
  }
  const overall = result.status === 'ok' ? 'Passed' : result.status === 'warning' ? 'Passed with warnings' : 'Failed';
  setLinkedText(summary, `${overall}: ${result.summary}${note ? ` ${note}` : ''}`);
  // A completion check only shows when it was asked for; "skipped: not requested" is noise.
  const shown = result.stages.filter((s) => !(s.name === 'completion' && s.status === 'skipped'));
  el('test-stages').replaceChildren(...shown.map(stageItem));
}

function stageItem(s: TestStage): HTMLLIElement {
  const li = document.createElement('li');
  li.className = `stage stage-${s.status}`;
  li.dataset.stage = s.name;
  li.dataset.status = s.status;
  const cells: Array<[string, string, boolean?]> = [
    ['stage-icon', ICON[s.status], true],
    ['stage-name', `${STAGE_LABEL[s.name]}: ${s.status}`],
    ['stage-ms', s.ms === undefined ? '' : `${s.ms} ms`],
    ['stage-reason', s.reason],
  ];
  for (const [cls, text, hidden] of cells) {
    const span = document.createElement('span');
    span.className = cls;
    // A reason often says where to check a key ("Check it at https://…"): make that a link.
    setLinkedText(span, text);
    if (hidden) span.setAttribute('aria-hidden', 'true');
    li.append(span);
  }
  return li;
}

export function hideTest(): void {
  el('test-section').hidden = true;
}

/**
 * Scrolls the test results into view: below a long form (1280×720) only their heading would show.
 * `nearest` moves nothing when they are already visible.
 */
export function revealTest(): void {
  el('test-section').scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
}

/** Shows or hides the "Save anyway?" question under the buttons. */
export function askSaveAnyway(question: string | undefined): void {
  const box = el('save-confirm');
  el('save-confirm-text').textContent = question ?? '';
  box.hidden = question === undefined;
  if (question !== undefined) el('save-anyway').focus();
}
