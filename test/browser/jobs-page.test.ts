import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { JOBS_PAGE_CSP } from '../../src/jobs-page.js';
import { customerIds, DEMO_ADMIN_TOKEN, locationIds } from '../../src/sandbox/seed.js';
import { toGlobalId } from '../../src/domain/global-ids.js';
import {
  chromiumMissingLocally,
  launchChromium,
  type LaunchedChromium,
  recordProblems,
  screenshotPath,
  urlsElsewhere,
} from '../helpers/chromium.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

/**
 * The /jobs page: served by the gateway (HTTP checks below), then driven in Chromium (test/helpers/chromium.ts)
 * against a gateway process on the embedded default with a real redis-server.
 */
const SCREENSHOT = screenshotPath('jobs-page');
const JOB_TIMEOUT = 60_000;

const pageAssets = (html: string) =>
  [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
const pageOptions = (html: string) =>
  JSON.parse(html.match(/<script type="application\/json" id="jobs-options">(.*?)<\/script>/s)![1]!) as {
    token: string;
  };

/** The page's DOM, typed just enough for the functions run inside it (the tsconfig has no DOM types). */
interface PageWindow {
  document: {
    getElementById(id: string): unknown;
    querySelectorAll(selector: string): Iterable<{ textContent: string | null }>;
  };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
  progressTexts?: string[];
}

/** Records, inside the page, every progress text a real (not dry-run) job's row shows, as it changes. */
function recordProgressTexts(page: Page) {
  return page.evaluate(() => {
    const window = globalThis as unknown as PageWindow;
    const seen: string[] = (window.progressTexts = []);
    new window.MutationObserver(() => {
      for (const text of window.document.querySelectorAll('tr[data-dry-run="false"] .progress-text')) {
        if (text.textContent && seen.at(-1) !== text.textContent) seen.push(text.textContent);
      }
    }).observe(window.document.getElementById('jobs'), {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

const progressTextsSeen = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as PageWindow).progressTexts ?? []);

describe('the /jobs page over HTTP', () => {
  let gateway: TestGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('is a small page of same-origin files under its own CSP, with the demo token on the embedded default', async () => {
    gateway = await startTestGateway();
    const response = await fetch(`${gateway.url}/jobs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    // Exactly this page's policy, not GraphiQL's looser one (whose plugin also sees HTML responses).
    expect(response.headers.get('content-security-policy')).toBe(JOBS_PAGE_CSP);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\b(src=|type="application\/json"))/);
    expect(html).not.toMatch(/\bstyle=/);
    expect(pageOptions(html).token).toBe(DEMO_ADMIN_TOKEN);

    const assets = pageAssets(html);
    expect(assets).toHaveLength(3);
    for (const path of assets) {
      expect(path).toMatch(/^\/jobs\/assets\/[\w-]+\.[0-9a-f]{12}\.(js|css|svg)$/);
      const asset = await fetch(`${gateway.url}${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('cache-control'), path).toContain('immutable');
      expect((await asset.text()).length, path).toBeGreaterThan(100);
    }
    expect((await fetch(`${gateway.url}/jobs/assets/jobs.000000000000.js`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/jobs`, { method: 'POST' })).status).toBe(405);
  });

  it('reads JOBS_PAGE as a flag, unset by default (the deployment decides)', () => {
    expect(loadConfig({}).jobsPage).toBeUndefined();
    expect(loadConfig({ JOBS_PAGE: 'true' }).jobsPage).toBe(true);
    expect(loadConfig({ JOBS_PAGE: '0' }).jobsPage).toBe(false);
    expect(() => loadConfig({ JOBS_PAGE: 'yes' })).toThrow(/JOBS_PAGE/);
  });

  it('is off with upstreams unless JOBS_PAGE is set, and then carries no token', async () => {
    gateway = await startTestGateway({}, { embedded: false });
    expect((await fetch(`${gateway.url}/jobs`)).status).toBe(404);
    await gateway.close();

    gateway = await startTestGateway({ jobsPage: true }, { embedded: false });
    const response = await fetch(`${gateway.url}/jobs`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(pageOptions(html).token).toBe('');
    expect(html).not.toContain(DEMO_ADMIN_TOKEN);
  });
});

describe('the /jobs page in Chromium', () => {
  const chromiumMissing = chromiumMissingLocally('the jobs page browser test');

  let redis: TestRedis | undefined;
  let server: ServerProcess | undefined;
  let chromium: LaunchedChromium | undefined;
  let origin = '';
  const requests: Array<{ url: string; method: string; accept: string }> = [];

  beforeAll(async () => {
    if (chromiumMissing) return;
    redis = await startRedis();
    // A shared REDIS_URL needs the key that seals each job's credential (the embedded Redis makes its own).
    const credentialKey = randomBytes(32).toString('base64');
    server = await startServer({
      REDIS_URL: redis.url,
      BULK_CREDENTIAL_KEY: credentialKey,
      // Slow enough for a job to be seen part-way (and cancelled), fast enough for a short test.
      BULK_RATE_PLUME: '4',
      BULK_RATE_SERVICES: '4',
      AUDIT_LOG: 'off',
    });
    origin = server.url;
    chromium = await launchChromium({ width: 1280, height: 1000 });
    // On the context: this sees every request of every page.
    chromium.browser.on('request', (request) =>
      requests.push({ url: request.url(), method: request.method(), accept: request.headers().accept ?? '' }),
    );
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    if (server && server.child.exitCode === null) {
      const exited = new Promise((resolve) => server!.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
    await redis?.stop();
  }, 30_000);

  /** A fresh page that records every page error and console error (a CSP violation is one). */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const page = await chromium!.browser.newPage();
    const problems = recordProblems(page);
    const response = await page.goto(`${origin}/jobs`);
    expect(response?.headers()['content-security-policy']).toBe(JOBS_PAGE_CSP);
    return { page, problems };
  }

  const requestsElsewhere = () =>
    urlsElsewhere(
      requests.map(({ url }) => url),
      origin,
    );

  it.skipIf(chromiumMissing)(
    'loads only from the gateway, under its CSP, with labelled controls and the demo token filled in',
    async () => {
      const { page, problems } = await openPage();
      await expect.poll(() => page.getByLabel('Authorization token').inputValue()).toBe(DEMO_ADMIN_TOKEN);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Bulk jobs');
      // Level and reason belong to suspensions only.
      const action = page.getByLabel('Action');
      expect(await action.inputValue()).toBe('SUSPEND_LOCATION');
      expect(await page.getByLabel('Level').isVisible()).toBe(true);
      expect(await page.getByLabel('Reason').inputValue()).toBe('non-payment');
      await action.selectOption('RESTORE_LOCATION');
      expect(await page.getByLabel('Level').isVisible()).toBe(false);
      await action.selectOption('SUSPEND_LOCATION');
      expect(await page.getByLabel('Level').isVisible()).toBe(true);
      expect(await page.getByLabel(/global ids/i).isVisible()).toBe(true);
      expect(await page.getByLabel(/CSV or JSONL file/).getAttribute('type')).toBe('file');
      for (const name of ['Dry run', 'Start job', 'Load my jobs']) {
        expect(await page.getByRole('button', { name }).isVisible(), name).toBe(true);
      }
      // Nothing to start yet: the form says why instead of sending anything.
      await page.getByRole('button', { name: 'Start job' }).click();
      await expect
        .poll(() => page.getByRole('status').first().textContent())
        .toContain('Paste at least one id');

      expect(requestsElsewhere()).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    },
  );

  it.skipIf(chromiumMissing)(
    'drives a small suspension to the end: dry-run totals, live progress, failed items, results',
    { timeout: 2 * JOB_TIMEOUT },
    async () => {
      const { page, problems } = await openPage();
      const unknownLocation = toGlobalId('Location', customerIds.ada, '660000000000000000000999');
      const items = [
        toGlobalId('Location', customerIds.ada, locationIds.adaHome),
        toGlobalId('Location', customerIds.grace, locationIds.graceApartment),
        toGlobalId('Location', customerIds.linus, locationIds.linusHome),
        unknownLocation,
      ];
      await page.getByLabel(/global ids/i).fill(items.join('\n'));
      await page.getByLabel('Level').selectOption('NO_SERVICE');

      await page.getByRole('button', { name: 'Dry run' }).click();
      const totals = page.locator('#preview-section');
      await totals.waitFor({ state: 'visible', timeout: JOB_TIMEOUT });
      expect(await totals.innerText()).toMatch(/Service level changes\s+3/);

      await recordProgressTexts(page);
      await page.getByRole('button', { name: 'Start job' }).click();
      const row = page.locator('#jobs tbody tr[data-dry-run="false"]');
      await row.and(page.locator('[data-status="COMPLETED"]')).waitFor({ timeout: JOB_TIMEOUT });
      const progress = row.getByRole('progressbar', { name: 'Progress of Suspend locations' });
      expect(await progress.evaluate((bar) => (bar as unknown as { value: number }).value)).toBe(1);
      expect(await row.locator('.progress-text').textContent()).toBe('4 of 4 (100%)');
      expect(await row.locator('td.number').allTextContents()).toEqual(['3', '1', '0']);
      // The row followed the job through the subscription (the page never polls), part-way states included.
      expect(
        requests.some(({ method, accept }) => method === 'POST' && accept.includes('text/event-stream')),
      ).toBe(true);
      expect(await progressTextsSeen(page)).toContainEqual(expect.stringMatching(/^[123] of 4 \(\d+%\)$/));

      await row.getByRole('button', { name: /^Failed items/ }).click();
      const failures = page.locator('#failures-section');
      await failures.waitFor({ state: 'visible' });
      const failedRows = await failures.locator('tbody tr').allInnerTexts();
      expect(failedRows).toHaveLength(1);
      expect(failedRows[0]).toContain(unknownLocation);
      expect(failedRows[0]).toContain('FAILED');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        row.getByRole('button', { name: /^Download results/ }).click(),
      ]);
      const lines = readFileSync(await download.path(), 'utf8')
        .trim()
        .split('\n');
      expect(lines).toHaveLength(items.length);
      for (const id of items)
        expect(
          lines.some((line) => line.includes(id)),
          id,
        ).toBe(true);

      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(requestsElsewhere()).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    },
  );

  it.skipIf(chromiumMissing)(
    'uploads a CSV as a billing system exports it, and cancels the job while it runs',
    { timeout: 2 * JOB_TIMEOUT },
    async () => {
      const { page, problems } = await openPage();
      // Forty locations the WiFi cloud does not know (each fails after one paced read) and a malformed line.
      const unknown = Array.from(
        { length: 40 },
        (_, n) => `66000000000000000000090${String(n).padStart(2, '0')}`,
      );
      const csv = ['customerId,locationId', ...unknown.map((id) => `${customerIds.ada},${id}`), 'not an id,'];
      await page.getByLabel(/CSV or JSONL file/).setInputFiles({
        name: 'non-payment.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv.join('\n')),
      });
      await page.getByRole('button', { name: 'Start job' }).click();
      await expect
        .poll(() => page.locator('#form-status').textContent())
        .toBe('Job started: 41 items from 41 lines.');

      const row = page.locator('#jobs tbody tr', {
        has: page.locator('.progress-text', { hasText: / of 41 / }),
      });
      await row.and(page.locator('[data-status="RUNNING"]')).waitFor({ timeout: JOB_TIMEOUT });
      await row.getByRole('button', { name: 'Cancel: Suspend locations' }).click();
      await row.and(page.locator('[data-status="CANCELED"]')).waitFor({ timeout: JOB_TIMEOUT });
      // Cancelled, every item has an outcome: those never run are NOT_STARTED, counted as skipped.
      expect(await row.locator('.progress-text').textContent()).toBe('41 of 41 (100%)');
      const [, , skipped] = (await row.locator('td.number').allTextContents()).map(Number);
      expect(skipped).toBeGreaterThan(0);
      expect(await row.getByRole('button', { name: /^Cancel/ }).isVisible()).toBe(false);

      await row.getByRole('button', { name: /^Failed items/ }).click();
      const invalid = page.locator('#failures tbody tr', { hasText: 'INVALID' });
      await invalid.waitFor();
      expect(await invalid.innerText()).toMatch(/^42\s/);

      expect(requestsElsewhere()).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    },
  );
});
