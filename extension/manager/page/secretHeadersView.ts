/**
 * DOM for the saved headers whose values the daemon keeps secret: one row each under the header text,
 * with the header's name, a password input that is empty ("stored securely") until the person types
 * a new value, and a Remove button. The page never has the stored value: an empty input sends the
 * mask back, which keeps it. Rows are drawn from data and read back from the inputs; the one
 * listener is delegated on the container. Text goes in through textContent only.
 */
import type { SecretHeaderRow } from './headers';

function box(): HTMLElement {
  const found = document.getElementById('secret-headers');
  if (!found) throw new Error('connection manager page has no #secret-headers');
  return found;
}

export function renderSecretHeaders(rows: readonly SecretHeaderRow[]): void {
  box().replaceChildren(
    ...rows.map((r, i) => {
      const row = document.createElement('div');
      row.className = 'secret-header';
      row.dataset.index = String(i);
      row.dataset.name = r.name;
      const label = document.createElement('label');
      label.htmlFor = `secret-header-${i}`;
      label.textContent = r.name;
      const input = document.createElement('input');
      input.id = `secret-header-${i}`;
      input.type = 'password';
      input.autocomplete = 'off';
      input.spellcheck = false;
      input.placeholder = 'stored securely';
      input.value = r.value;
      input.setAttribute('aria-describedby', 'secret-headers-help headers-error');
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'secondary row-action';
      remove.dataset.action = 'remove';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove header ${r.name}`);
      row.append(label, input, remove);
      return row;
    }),
  );
  box().hidden = rows.length === 0;
  document.getElementById('secret-headers-help')!.hidden = rows.length === 0;
}

export function readSecretHeaders(): SecretHeaderRow[] {
  return [...box().querySelectorAll<HTMLElement>('.secret-header')].map((row) => ({
    name: row.dataset.name ?? '',
    value: row.querySelector<HTMLInputElement>('input')!.value,
  }));
}

/** Remove drops the row (its stored value goes when the form is saved); focus moves to the next row, or the header text. */
export function wireSecretHeaders(onChange: () => void): void {
  box().addEventListener('click', (event) => {
    const target = (event.target as Element).closest<HTMLButtonElement>('button[data-action="remove"]');
    const index = Number(target?.closest<HTMLElement>('.secret-header')?.dataset.index);
    if (!target || !Number.isInteger(index)) return;
    const rows = readSecretHeaders().filter((_, i) => i !== index);
    renderSecretHeaders(rows);
    const next = box().querySelector<HTMLElement>(
      `.secret-header[data-index="${Math.min(index, rows.length - 1)}"] input`,
    );
    (next ?? document.getElementById('headers'))?.focus();
    onChange();
  });
}
