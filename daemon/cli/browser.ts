/**
 * Opens a URL in the user's browser when this machine has one to open: `open` (macOS), `start`
 * (Windows), `xdg-open` on Linux with a display. Never fails: the URL is printed anyway, so over SSH
 * or in a container the user opens it by hand.
 */
import { spawn } from 'node:child_process';

export function openBrowser(url: string): boolean {
  const [cmd, args]: [string, string[]] | [undefined, []] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? ['xdg-open', [url]]
          : [undefined, []];
  if (!cmd) return false;
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
