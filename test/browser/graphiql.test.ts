import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { tourSteps } from '../../src/tour/index.js';
import {
  chromiumMissingLocally,
  launchChromium,
  recordProblems,
  screenshotPath,
  urlsElsewhere,
} from '../helpers/chromium.js';
import { startTestGateway } from '../helpers/gateway.js';

/** GraphiQL in a real browser (test/helpers/chromium.ts: Debian's Chromium, skipped locally when missing). */
const SCREENSHOT = screenshotPath('graphiql');
// The first load parses a 5 MB script; a cold CI machine can take a while.
const LOAD_TIMEOUT = 60_000;

/**
 * Waits until the element shows every text. A function, not a string: the page's CSP forbids eval, which
 * Playwright would use to poll a string predicate. Monaco draws spaces as no-break spaces, so the text is
 * compared the way a reader sees it. (`document` through globalThis: the tsconfig has no DOM types.)
 */
function waitUntilShown(page: Page, selector: string, ...texts: string[]) {
  return page.waitForFunction(
    ({ selector, texts }) => {
      const { document } = globalThis as unknown as {
        document: { querySelector(s: string): { innerText: string } | null };
      };
      const text = (document.querySelector(selector)?.innerText ?? '').replace(/\u00a0/g, ' ');
      return texts.every((t) => text.includes(t));
    },
    { selector, texts },
    { timeout: LOAD_TIMEOUT },
  );
}

describe('GraphiQL in Chromium', () => {
  it(
    'opens on the tour, runs it with the demo token, and never leaves the gateway origin',
    { timeout: 120_000 },
    async (ctx) => {
      if (chromiumMissingLocally('the GraphiQL browser test')) ctx.skip('Chromium is missing');

      const gateway = await startTestGateway();
      ctx.onTestFinished(() => gateway.close());
      // A fresh profile: no GraphiQL tabs persisted in localStorage from an earlier run.
      const { browser, close } = await launchChromium({ width: 1600, height: 1000 });
      ctx.onTestFinished(close);

      const origin = new URL(gateway.url).origin;
      const requests: string[] = [];
      const graphqlAuthorizations: string[] = [];
      // On the context, not the page: this also sees what workers and any other page would fetch.
      browser.on('request', (request) => {
        requests.push(request.url());
        if (request.method() === 'POST' && request.url() === `${origin}/graphql`) {
          graphqlAuthorizations.push(request.headers().authorization ?? '');
        }
      });
      const page = browser.pages()[0] ?? (await browser.newPage());
      const problems = recordProblems(page);

      const response = await page.goto(`${gateway.url}/graphql`, { timeout: LOAD_TIMEOUT });
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

      // The editor is up once the first tour step's operation is drawn in it.
      await waitUntilShown(page, '.graphiql-query-editor', 'query CustomerOverview');
      expect(await page.locator('.graphiql-tab').count()).toBe(tourSteps.length);

      await page.locator('button.graphiql-execute-button').click();
      await waitUntilShown(page, '.graphiql-response', 'Ada Lovelace', 'AA11000001');

      // The run went to this origin with the pre-filled demo token, which the Headers tab shows.
      expect(graphqlAuthorizations).toContain(DEMO_ADMIN_TOKEN);
      await page.locator('.graphiql-editor-tools button', { hasText: 'Headers' }).click();
      await waitUntilShown(page, '.graphiql-editor-tool', DEMO_ADMIN_TOKEN);

      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });

      expect(urlsElsewhere(requests, origin)).toEqual([]);
      // Monaco's GraphQL worker started from a same-origin file (the page's CSP has no blob:).
      expect(requests.some((url) => /\/graphql\/graphiql\/graphql\.worker\.\w+\.js$/.test(url))).toBe(true);
      // Chromium reports each CSP violation as a console error, so this also says the policy held.
      expect(problems).toEqual([]);
    },
  );
});
