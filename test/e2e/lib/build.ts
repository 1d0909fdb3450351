/**
 * Builds the bundles and packages the VSIX the e2e run installs, exactly as a user would get it.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { run } from './procs';

export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const CACHE = path.join(ROOT, '.e2e-cache');
/**
 * Where the VSIX is staged and written: per worktree (the cache is one folder shared by every worktree
 * through a symlink, so two runs packaging at once would overwrite each other's stage there).
 */
const PACKAGING = path.join(tmpdir(), `switchboard-e2e-package-${path.basename(ROOT)}`);
export const VSIX = path.join(PACKAGING, 'switchboard.vsix');

/** Production bundles: what the VSIX ships. */
export async function build(): Promise<void> {
  await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT });
}

/**
 * `vsce package` offline, run on a staging copy of the project: vsce walks every file under its cwd
 * before applying .vscodeignore, and this cache (code-server's node_modules) would cost it ~8 s. The
 * copy holds what git sees (tracked and new, not ignored) plus dist/, so the ignore rules decide
 * exactly as they would in the repo. `--no-dependencies`: everything is bundled into dist/.
 * Until the project has its own `.vscodeignore`, ours keeps the VSIX to dist/, media and the manifest.
 * The allow/skip flags only matter while package.json lacks `repository` and the repo lacks LICENSE.
 */
export async function packageVsix(): Promise<string> {
  const stage = path.join(PACKAGING, 'stage');
  rmSync(stage, { recursive: true, force: true });
  const listed = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT });
  // Files only: a worktree's node_modules and .e2e-cache are symlinks git does not ignore as folders.
  const files = listed.output
    .split('\0')
    .filter((f) => f !== '' && existsSync(path.join(ROOT, f)) && lstatSync(path.join(ROOT, f)).isFile());
  for (const f of [...files, ...walk(path.join(ROOT, 'dist')).map((abs) => path.relative(ROOT, abs))]) {
    mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
    copyFileSync(path.join(ROOT, f), path.join(stage, f));
  }
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = ['package', '--no-dependencies', '-o', VSIX];
  if (!existsSync(path.join(stage, '.vscodeignore')))
    args.push('--ignoreFile', path.join(import.meta.dirname, 'vscodeignore'));
  await run(process.execPath, [vsce, ...args], { cwd: stage });
  return VSIX;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

/**
 * A fixture extension (a folder with package.json and plain JS) as a VSIX. code-server's workbench
 * URL takes one `extensionDevelopmentPath` only, so a second extension is installed instead.
 */
export async function packageFixture(dir: string): Promise<string> {
  const out = path.join(CACHE, `${path.basename(dir)}.vsix`);
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(
    process.execPath,
    [vsce, 'package', '--allow-missing-repository', '--skip-license', '--no-dependencies', '-o', out],
    { cwd: path.join(ROOT, dir) },
  );
  return out;
}
