/**
 * How Switchboard writes counts, money and shares for people: one rule wherever a figure shows (the
 * Usage view, the chat's answer line, the budget warning), so a cost never reads differently in two
 * places. Pure and dependency-free: the webview pages bundle it.
 */

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count with thousands separators: `12,345`. */
export function formatCount(n: number): string {
  return whole.format(n);
}

/**
 * US dollars: cents for amounts of a cent or more, four decimals below that (a few cheap requests
 * must not read as $0.00), thousands separators above.
 */
export function formatUsd(amount: number): string {
  if (amount === 0) return '$0.00';
  if (Math.abs(amount) < 0.0001) return '< $0.0001';
  const digits = Math.abs(amount) < 0.01 ? 4 : 2;
  return `$${new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount)}`;
}

/** A whole percentage, floored so 79.9 % does not read as 80 %. */
export function formatPercent(fraction: number): string {
  return `${Math.floor(Math.max(0, fraction) * 100)}%`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A moment as a person reads it, in local time: `today at 14:05`, `yesterday at 09:10`,
 * `Mar 3 at 14:05`, `Mar 3, 2025 at 14:05` — never an ISO stamp. An unreadable time is returned as given.
 */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return iso;
  const time = `${String(then.getHours()).padStart(2, '0')}:${String(then.getMinutes()).padStart(2, '0')}`;
  const dayStart = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((dayStart(now) - dayStart(then)) / 86_400_000);
  if (days === 0) return `today at ${time}`;
  if (days === 1) return `yesterday at ${time}`;
  const date = `${MONTHS[then.getMonth()]} ${then.getDate()}`;
  return then.getFullYear() === now.getFullYear() ? `${date} at ${time}` : `${date}, ${then.getFullYear()} at ${time}`;
}
