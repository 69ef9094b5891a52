import { parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { DEMO_ADMIN_TOKEN } from '../src/sandbox/seed.js';
import { tourSteps } from '../src/tour/index.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';

/** GraphiQL and introspection flags, and the self-hosted page, over HTTP. The browser test drives the page. */
let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(...args: Parameters<typeof startTestGateway>) {
  gateway = await startTestGateway(...args);
  return gateway;
}

const openGraphiql = (url: string) => fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
const introspection = parse('{ __schema { queryType { name } } }');

/** The URLs the page's <script> and <link> tags load, and whether any <script> runs inline code. */
function pageResources(html: string) {
  const tags = [...html.matchAll(/<(script|link)\b[^>]*>/g)].map((match) => match[0]);
  const urls = tags.flatMap((tag) =>
    [...tag.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1]!),
  );
  const inlineScripts = tags.filter(
    (tag) => tag.startsWith('<script') && !/\bsrc=|type="application\/json"/.test(tag),
  );
  return { urls, inlineScripts };
}

describe('GraphiQL on the embedded default', () => {
  it('is served from the gateway alone: same-origin files, no inline script, a strict CSP', async () => {
    const { url } = await start();
    const response = await openGraphiql(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    // The 9 MB bundle is fetched once as files, not inlined into every page.
    expect(html.length).toBeLessThan(100_000);

    const { urls, inlineScripts } = pageResources(html);
    expect(inlineScripts).toEqual([]);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const path of urls) {
      expect(path).toMatch(/^\/graphql\/graphiql\/[\w.]+$/);
      const asset = await fetch(`${url}${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('cache-control'), path).toContain('immutable');
      await asset.arrayBuffer();
    }
    expect(urls.some((path) => path.endsWith('.js'))).toBe(true);
    expect(urls.some((path) => path.endsWith('.css'))).toBe(true);
    expect((await fetch(`${url}/graphql/graphiql/graphiql.000000000000.js`)).status).toBe(404);
  });

  it('opens on the tour, one tab per step, with the demo token in the headers', async () => {
    const { url } = await start();
    const html = await (await openGraphiql(url)).text();
    const options = JSON.parse(
      html.match(/<script type="application\/json" id="graphiql-options">(.*?)<\/script>/s)![1]!,
    );
    expect(options.defaultTabs.map((tab: { query: string }) => tab.query)).toEqual(
      tourSteps.map((step) => step.document),
    );
    expect(JSON.parse(options.headers)).toEqual({ Authorization: DEMO_ADMIN_TOKEN });
    expect(JSON.parse(options.defaultHeaders)).toEqual({ Authorization: DEMO_ADMIN_TOKEN });
  });

  it('answers introspection', async () => {
    const { execute } = await start();
    const result = await execute(introspection);
    expect(result.errors).toBeUndefined();
  });

  it('serves no GraphiQL with `graphiql: false`, and refuses introspection with `introspection: false`', async () => {
    // File names are content hashes, so a path from a GraphiQL-on gateway is valid on any other.
    const on = await start();
    const assetPath = pageResources(await (await openGraphiql(on.url)).text()).urls[0]!;
    await on.close();

    const { url, execute } = await start({ graphiql: false, introspection: false });
    const response = await openGraphiql(url);
    expect(response.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await response.text()).not.toContain('<html');
    expect((await fetch(`${url}${assetPath}`)).status).toBe(404);
    const result = await execute(introspection);
    expect(result.errors?.[0]?.message).toMatch(/introspection has been disabled/);
  });

  it('takes both flags from the environment (GRAPHIQL, INTROSPECTION); unset means "as embedded"', () => {
    expect(loadConfig({ GRAPHIQL: 'false', INTROSPECTION: '0' })).toMatchObject({
      graphiql: false,
      introspection: false,
    });
    expect(loadConfig({ GRAPHIQL: 'true', INTROSPECTION: '1' })).toMatchObject({
      graphiql: true,
      introspection: true,
    });
    expect(loadConfig({})).toMatchObject({ graphiql: undefined, introspection: undefined });
  });
});

describe('GraphiQL with real upstreams (not embedded)', () => {
  it('is off, and introspection is refused, unless the flags say otherwise', async () => {
    const { url, execute } = await start({}, { embedded: false });
    expect((await openGraphiql(url)).headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect((await execute(introspection)).errors?.[0]?.message).toMatch(/introspection has been disabled/);
  });

  it('never pre-fills the demo token or the tour, even with `graphiql: true`', async () => {
    const { url } = await start({ graphiql: true, introspection: true }, { embedded: false });
    const response = await openGraphiql(url);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).not.toContain(DEMO_ADMIN_TOKEN);
    expect(html).not.toContain('defaultTabs');
    expect(pageResources(html).inlineScripts).toEqual([]);
  });
});
