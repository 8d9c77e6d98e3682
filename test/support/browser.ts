import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserContext, chromium } from 'playwright-core';

export const ROOT = join(__dirname, '..', '..');
/** Where browser tests leave their screenshots. */
export const SHOTS = join(ROOT, 'test-output', 'screenshots');
/** Debian's Chromium: no browser download, there is no internet. */
export const CHROMIUM = '/usr/bin/chromium';

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

/** Builds admin-ui/dist when a source is newer than the build (the pages the service serves). */
export function ensureAdminUiBuilt(): void {
  const ui = join(ROOT, 'admin-ui');
  const index = join(ui, 'dist', 'index.html');
  const sources = Math.max(
    ...['src', 'index.html', 'vite.config.mts', 'tsconfig.json'].map((f) => newestMtime(join(ui, f))),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync('npm', ['run', '--silent', 'build:admin'], { cwd: ROOT, stdio: 'pipe' });
}

/**
 * Headless Chromium with a fresh profile, without its background connections (the closed network refuses them);
 * `extraArgs` for a test's own switches.
 */
export function launchChromium(
  userDataDir: string,
  options: { viewport: { width: number; height: number }; extraArgs?: string[] },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      ...(options.extraArgs ?? []),
    ],
    reducedMotion: 'reduce',
    viewport: options.viewport,
  });
}
