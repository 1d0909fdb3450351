/**
 * The connection manager's page. Static markup only: no data is interpolated (the script fills the
 * fields), so nothing a connection holds can become HTML. Every input has a `<label for>`, a help and
 * an error element it is described by, and an id equal to its `FormValues` key (page/main.ts relies on it).
 */
import { renderShell, type PageResources } from '../webviewKit/pageShell';
import type { FieldId } from './page/form';

export type { PageResources } from '../webviewKit/pageShell';

export function renderPage(r: PageResources): string {
  return renderShell(r, {
    title: 'Switchboard Connections',
    body: `<div class="layout">
  <nav class="sidebar" aria-labelledby="list-heading">
    <h2 id="list-heading">Connections</h2>
    <button type="button" id="add" class="secondary">Add connection</button>
    <ul id="connection-list" class="connection-list"></ul>
    <p id="list-empty" class="help">No connections yet.</p>
  </nav>
  <main>
    <div id="banner" class="banner" role="alert" hidden></div>
    <h1 id="form-title">Add connection</h1>
    <form id="form" novalidate aria-labelledby="form-title">
      ${field('provider', 'Provider', '<select id="provider"></select>', '<span id="key-format"></span> <a id="docs-link" href="#" hidden>Provider docs</a>')}
      ${customProviderSection()}
      ${field('name', 'Name', '<input id="name" type="text" autocomplete="off" spellcheck="false" maxlength="100">')}
      ${field('baseUrl', 'Base URL', '<input id="baseUrl" type="url" autocomplete="off" spellcheck="false">', '<span id="baseUrl-warning" class="warning" role="status" hidden></span>')}
      <fieldset id="aws" class="aws" hidden>
        <legend>AWS</legend>
        ${field('awsRegion', 'Region', '<input id="awsRegion" type="text" autocomplete="off" spellcheck="false" placeholder="us-east-1">', 'Where the models run, e.g. us-east-1 or eu-central-1. Model access is granted per region.')}
        ${field(
          'awsAuth',
          'Credentials',
          `<select id="awsAuth">
          <option value="accessKeys">Access keys (access key id and secret access key)</option>
          <option value="apiKey">Bedrock API key</option>
          <option value="profile">AWS profile or default credential chain</option>
        </select>`,
        )}
        ${field('awsAccessKeyId', 'Access key ID', '<input id="awsAccessKeyId" type="text" autocomplete="off" spellcheck="false" placeholder="AKIA…">', 'Not a secret: it names the key. Its secret access key goes below.')}
        ${field('awsProfile', 'Profile', '<input id="awsProfile" type="text" autocomplete="off" spellcheck="false" placeholder="default">', 'A profile of ~/.aws/config on the machine the daemon runs on; leave empty for the default chain (environment, default profile, instance role).')}
      </fieldset>
      ${field(
        'apiKey',
        'API key',
        `<div id="key-saved" class="key-saved" hidden>
          <span id="key-mask" class="key-mask"></span>
          <button type="button" id="replace-key" class="secondary">Replace key</button>
        </div>
        <div id="key-entry" class="key-entry">
          <input id="apiKey" type="password" autocomplete="off" spellcheck="false">
          <button type="button" id="sign-in-openrouter" class="secondary" hidden>Sign in with OpenRouter</button>
          <button type="button" id="keep-key" class="secondary" hidden>Keep current key</button>
        </div>`,
      )}
      ${field('awsSessionToken', 'Session token', '<input id="awsSessionToken" type="password" autocomplete="off" spellcheck="false">')}
      ${field('defaultModel', 'Default model', '<input id="defaultModel" type="text" list="model-options" autocomplete="off" spellcheck="false"><datalist id="model-options"></datalist>', '<span id="model-note">Test the connection to list its models, or type a model id.</span>')}
      <div class="field checkbox">
        <input id="isDefault" type="checkbox" aria-describedby="isDefault-help isDefault-error">
        <label for="isDefault">Set as default</label>
        <p id="isDefault-help" class="help">Used when a chat or tool does not name a connection.</p>
        <p id="isDefault-error" class="error" hidden></p>
      </div>
      <details id="advanced">
        <summary>Advanced</summary>
        ${field('organization', 'Organization', '<input id="organization" type="text" autocomplete="off" spellcheck="false">', 'Sent as the organization header by providers that support it.')}
        ${field('apiVersion', 'API version', '<input id="apiVersion" type="text" autocomplete="off" spellcheck="false">', 'Azure OpenAI api-version, e.g. 2024-10-21.')}
        ${field(
          'headers',
          'Extra headers',
          `<textarea id="headers" rows="3" spellcheck="false"></textarea>
        <p id="secret-headers-help" class="help" hidden>Stored securely: the daemon keeps these values encrypted and never shows them. Leave a value empty to keep it, or type a new one.</p>
        <div id="secret-headers" class="secret-headers" role="group" aria-label="Headers stored securely" hidden></div>`,
          'One per line: Name: value. A value that is a credential (an auth, key or token header, a Bearer value) is stored encrypted and never shown again.',
        )}
        ${field('timeoutSeconds', 'Timeout (seconds)', '<input id="timeoutSeconds" type="number" min="1" max="600" step="1">', 'Leave empty for the default.')}
        ${field('maxRetries', 'Retries', '<input id="maxRetries" type="number" min="0" max="10" step="1">', 'Leave empty for the default.')}
        ${field('allowedModels', 'Allowed models', '<textarea id="allowedModels" rows="3" spellcheck="false"></textarea>', 'One model id per line; leave empty to allow every model.')}
        ${carriesFields()}
      </details>
      ${limitsSection()}
      <div class="actions">
        <button type="button" id="test" class="secondary">Test Connection</button>
        <button type="submit" id="save">Save</button>
        <button type="button" id="delete" class="danger" hidden>Delete</button>
      </div>
      <div id="save-confirm" class="save-confirm" role="alertdialog" aria-labelledby="save-confirm-text" hidden>
        <p id="save-confirm-text"></p>
        <button type="button" id="save-anyway">Save anyway</button>
        <button type="button" id="save-cancel" class="secondary">Cancel</button>
      </div>
      <p id="form-status" class="status" role="status" aria-live="polite"></p>
    </form>
    <section id="test-section" class="test-section" aria-labelledby="test-heading" hidden>
      <h2 id="test-heading">Test results</h2>
      <div id="test-output" aria-live="polite">
        <p id="test-summary" class="test-summary"></p>
        <ol id="test-stages" class="test-stages"></ol>
      </div>
    </section>
    <section id="history-section" class="history-section" aria-labelledby="history-heading" hidden>
      <h2 id="history-heading">Recent tests</h2>
      <p id="history-empty" class="status">Not tested yet: press Test to run the first one.</p>
      <ol id="history-list" class="test-stages history-list"></ol>
      <p class="history-links"><button type="button" id="show-audit" class="link-button">Audit log of this connection</button></p>
    </section>
    ${pricesSection()}
  </main>
</div>
`,
  });
}

/**
 * "Limits & budget": capacity rows, how much of them is used now, what the provider reported, what happens at a limit, the
 * budget, and the fallback chain. Rows are drawn by page/limitsView.ts into the `role="group"` containers.
 */
function limitsSection(): string {
  return `<details id="limits">
        <summary>Limits &amp; budget</summary>
        ${rows('capacity', 'Capacity limits', 'Add limit', 'Switchboard holds requests to these limits before calling the provider. At most one limit per period; tokens count input and output.')}
        <section id="quota" class="discovered" aria-labelledby="quota-heading">
          <h3 id="quota-heading">Quota now</h3>
          <p id="quota-status" class="help" aria-live="polite"></p>
          <ul id="quota-lines" class="discovered-lines"></ul>
          <button type="button" id="quota-refresh" class="secondary" hidden>Refresh</button>
        </section>
        <section id="discovered" class="discovered" aria-labelledby="discovered-heading">
          <h3 id="discovered-heading">Reported by the provider</h3>
          <p id="discovered-observed" class="help"></p>
          <ul id="discovered-lines" class="discovered-lines"></ul>
        </section>
        ${field('onLimit', 'When a limit is hit', '<select id="onLimit"><option value="fail">Fail at once (the request is refused as rate-limited)</option><option value="queue">Wait in a queue</option></select>')}
        ${field('maxQueueWaitSeconds', 'Longest wait (seconds)', '<input id="maxQueueWaitSeconds" type="number" min="0" max="3600" step="1">', 'Leave empty for 60 seconds. A request that would wait longer is refused as rate-limited.')}
        <div class="field-pair">
          ${field('budgetAmount', 'Budget (US dollars)', '<input id="budgetAmount" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" placeholder="e.g. 10">', 'Leave empty for no budget. A warning shows at 80%; past it, requests are refused until the period resets.')}
          ${field('budgetPeriod', 'Per', '<select id="budgetPeriod"><option value="month">calendar month (UTC)</option><option value="day">day (UTC)</option></select>')}
        </div>
        ${rows('fallbacks', 'Fallbacks', 'Add fallback', "Tried in order when this connection fails before its first token (unreachable, rate-limited, timed out, server error, over its budget). Leave a model empty to use that connection's default.")}
        <p id="fallbacks-none" class="help" hidden>Add another connection to use it as a fallback.</p>
      </details>`;
}

/**
 * "Prices": what usage costs are computed with, per provider, set here rather than with the CLI.
 * Outside the form: Enter in these inputs sets a price, it does not save the connection.
 */
function pricesSection(): string {
  return `<details id="prices" class="prices">
      <summary>Prices</summary>
      <p class="help" id="prices-help">What the Usage view's costs are computed with, in US dollars per million tokens, for every
        connection of <span id="prices-provider"></span>. A price you set wins over the built-in one, from the next request on.</p>
      <ul id="price-list" class="price-list"></ul>
      <p id="price-none" class="help" hidden>No price of yours yet; the built-in prices apply.</p>
      <form id="price-form" class="price-form" novalidate aria-label="Set a price">
        <div class="field"><label for="price-model">Model</label>
          <input id="price-model" type="text" list="model-options" autocomplete="off" spellcheck="false"></div>
        <div class="field"><label for="price-input">Input ($ per 1M tokens)</label>
          <input id="price-input" type="text" inputmode="decimal" autocomplete="off" placeholder="e.g. 0.15"></div>
        <div class="field"><label for="price-output">Output ($ per 1M tokens)</label>
          <input id="price-output" type="text" inputmode="decimal" autocomplete="off" placeholder="e.g. 0.6"></div>
        <div><button type="submit" id="price-set" class="secondary">Set price</button></div>
      </form>
      <p id="price-error" class="error" role="alert" hidden></p>
      <p id="price-status" class="status" role="status" aria-live="polite"></p>
    </details>`;
}

/**
 * "Custom provider…" (page/customProviderView.ts): a server that is not in the catalog, saved as a
 * provider and then selected. A fieldset, not a form: it sits inside the connection form.
 */
function customProviderSection(): string {
  return `<fieldset id="custom-provider" class="custom-provider" hidden>
        <legend>Custom provider</legend>
        <p class="help">Any server that speaks the OpenAI or Anthropic API: a gateway, a proxy, a self-hosted model. The key goes in the connection, below.</p>
        ${cpField('cp-name', 'Provider name', '<input id="cp-name" type="text" autocomplete="off" spellcheck="false" maxlength="100" placeholder="Acme Gateway">')}
        ${cpField('cp-baseUrl', 'Base URL', '<input id="cp-baseUrl" type="url" autocomplete="off" spellcheck="false" placeholder="https://llm.example.com/v1">')}
        ${cpField(
          'cp-format',
          'API format',
          `<select id="cp-format">
          <option value="openai">OpenAI-compatible (chat completions)</option>
          <option value="anthropic">Anthropic-compatible (messages)</option>
        </select>`,
        )}
        <div class="field-pair">
          ${cpField('cp-authHeader', 'Auth header', '<input id="cp-authHeader" type="text" autocomplete="off" spellcheck="false" placeholder="Authorization">', 'Only if the server wants the key in another header, e.g. api-key.')}
          ${cpField('cp-authPrefix', 'Key prefix', '<input id="cp-authPrefix" type="text" autocomplete="off" spellcheck="false" placeholder="Token">', 'A word before the key, e.g. Token; empty: the key alone.')}
        </div>
        <p id="cp-preview" class="help" role="status"></p>
        <div class="actions">
          <button type="button" id="cp-save">Save provider</button>
          <button type="button" id="cp-cancel" class="secondary">Cancel</button>
        </div>
        <p id="cp-error" class="error" role="alert" hidden></p>
      </fieldset>`;
}

/** A field of the custom provider form: label, control, help and error slot (as `field`, with its own ids). */
function cpField(id: string, label: string, control: string, help = ''): string {
  const withAria = control.replace(`id="${id}"`, `id="${id}" aria-describedby="${id}-help ${id}-error"`);
  return `<div class="field" id="${id}-field">
          <label for="${id}">${label}</label>
          ${withAria}
          <p id="${id}-help" class="help">${help}</p>
          <p id="${id}-error" class="error" hidden></p>
        </div>`;
}

/** What the connection carries (page/carries.ts): description, the enabled switch, generation defaults. */
function carriesFields(): string {
  return `${field('description', 'Description', '<textarea id="description" rows="2" maxlength="2000"></textarea>', 'What it is for, who owns it, notes for the team. Shown in the Connections tree.')}
        <div class="field checkbox">
          <input id="enabled" type="checkbox" aria-describedby="enabled-help enabled-error">
          <label for="enabled">Enabled</label>
          <p id="enabled-help" class="help">When off, chats, tools and fallbacks pass this connection over; its key and settings stay.</p>
          <p id="enabled-error" class="error" hidden></p>
        </div>
        <div class="field-pair">
          ${field('temperature', 'Default temperature', '<input id="temperature" type="text" inputmode="decimal" autocomplete="off" placeholder="e.g. 0.2">', 'Used when a request sets none (0–2).')}
          ${field('maxTokens', 'Default max tokens', '<input id="maxTokens" type="number" min="1" max="1000000" step="1">', 'Used when a request sets no limit.')}
        </div>`;
}

/** A list of rows with its Add button, help and error slot; its group element carries the field's id. */
function rows(id: 'capacity' | 'fallbacks', label: string, add: string, help: string): string {
  return `<div class="field" id="${id}-field">
          <span class="label" id="${id}-label">${label}</span>
          <div id="${id}" class="rows" role="group" aria-labelledby="${id}-label" aria-describedby="${id}-help ${id}-error"></div>
          <div><button type="button" id="${id}-add" class="secondary">${add}</button></div>
          <p id="${id}-help" class="help">${help}</p>
          <p id="${id}-error" class="error" hidden></p>
        </div>`;
}

/** One labelled control with its help text and an error slot, tied together by aria-describedby. */
function field(id: FieldId, label: string, control: string, help = ''): string {
  const described = `aria-describedby="${id}-help ${id}-error"`;
  // The describedby attribute goes on the real control (the first input/select/textarea).
  const withAria = control.replace(new RegExp(`id="${id}"`), `id="${id}" ${described}`);
  return `<div class="field" id="${id}-field">
        <label for="${id}">${label}</label>
        ${withAria}
        <p id="${id}-help" class="help">${help}</p>
        <p id="${id}-error" class="error" hidden></p>
      </div>`;
}
