import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (which never downloads a browser), for the tests of the
 * pages the gateway serves. Locally a missing Chromium skips them; under CI=true launching fails, so a
 * broken install cannot pass silently.
 */
export const CHROMIUM = '/usr/bin/chromium';

/** True (after a warning: the skip note alone is easy to miss) when Chromium is missing outside CI. */
export function chromiumMissingLocally(what: string): boolean {
  if (existsSync(CHROMIUM) || process.env.CI === 'true') return false;
  console.warn(`skipping ${what}: ${CHROMIUM} is missing (apt-get install chromium)`);
  return true;
}

export interface LaunchedChromium {
  browser: BrowserContext;
  /** Closes the browser, then removes its profile (Chromium writes into it until it exits). */
  close(): Promise<void>;
}

/**
 * Headless Chromium on a fresh profile: no state (e.g. GraphiQL tabs in localStorage) from an earlier run.
 */
export async function launchChromium(viewport: { width: number; height: number }): Promise<LaunchedChromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'subscriber-graph-chromium-'));
  const browser = await chromium
    .launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      // --no-sandbox: CI runs as root. The rest stop Chromium's own calls home at start, which a closed
      // network refuses (and which would muddy the tests' request logs).
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport,
    })
    .catch((error: unknown) => {
      rmSync(profile, { recursive: true, force: true });
      throw error;
    });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects the page's errors and console errors (Chromium reports each CSP violation as one). */
export function recordProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** The URLs that left `origin` (inline `data:` and `blob:` URLs stay in the page). */
export const urlsElsewhere = (urls: string[], origin: string): string[] =>
  urls.filter(
    (url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin,
  );

/**
 * Where a test saves its screenshot `docs/<name>.png`: tests never rewrite a tracked file, so the committed
 * picture is replaced only with UPDATE_SCREENSHOT=1; otherwise it goes to the temporary directory, for a look.
 */
export const screenshotPath = (name: string): string =>
  process.env.UPDATE_SCREENSHOT === '1'
    ? fileURLToPath(new URL(`../../docs/${name}.png`, import.meta.url))
    : join(tmpdir(), `subscriber-graph-${name}.png`);
