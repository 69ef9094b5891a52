import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

/**
 * GraphiQL served by the gateway itself. Yoga's default page loads GraphiQL from unpkg.com (blank offline);
 * `@graphql-yoga/render-graphiql` ships the same bundle, but its `renderGraphiQL` inlines all ~9 MB of it
 * (script, styles, Monaco workers as blob: URLs) into every page. Here the bundle's parts are same-origin
 * files under content-hashed names, cached forever, and the page is a small shell that runs under
 * `script-src 'self'`: no inline script, no eval, workers from our origin.
 */

/**
 * The page's policy. `style-src` keeps 'unsafe-inline': Monaco and GraphiQL's UI add <style> elements and
 * style attributes at run time, with no nonce to allow them by (without it Chromium reports a dozen
 * violations and the editor renders wrong). Inline styles cannot run code; inline scripts stay forbidden.
 * Fonts and icons are data: URLs inside the bundle's CSS.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  type: string;
  body: Buffer;
  gzipped?: Promise<Buffer>;
}

interface Assets {
  /** Asset paths by role, for the page. */
  urls: { script: string; start: string; style: string; favicon: string };
  byPath: Map<string, Asset>;
}

const JS = 'text/javascript; charset=utf-8';
const gzipAsync = promisify(gzip);

/**
 * Loaded on the first GraphiQL request, not at import: the bundle is a 9 MB module, and a gateway with
 * GraphiQL off (or one only answering queries) should not pay for parsing it.
 */
async function loadAssets(basePath: string): Promise<Assets> {
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  const byPath = new Map<string, Asset>();
  const add = (name: string, ext: string, type: string, body: Buffer) => {
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const path = `${basePath}${name}.${hash}.${ext}`;
    byPath.set(path, { type, body });
    return path;
  };
  // Monaco asks for a worker by label (monaco-editor's `getWorkerUrl`) and starts it with `type: 'module'`;
  // the bundled workers are plain IIFEs, which run as modules too.
  const workers = {
    editorWorkerService: add('editor.worker', 'js', JS, Buffer.from(bundle.editorWorkerService)),
    json: add('json.worker', 'js', JS, Buffer.from(bundle.jsonWorker)),
    graphql: add('graphql.worker', 'js', JS, Buffer.from(bundle.graphqlWorker)),
  };
  // The boot code the package inlines, as a file: options come from the page's JSON data block, which
  // CSP does not treat as script.
  const start = `'use strict';
const workers = ${JSON.stringify(workers)};
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.editorWorkerService,
};
const options = JSON.parse(document.getElementById('graphiql-options').textContent);
YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
`;
  const favicon = Buffer.from(bundle.favicon.replace(/^data:[^,]*;base64,/, ''), 'base64');
  return {
    urls: {
      script: add('graphiql', 'js', JS, Buffer.from(bundle.js)),
      start: add('start', 'js', JS, Buffer.from(start)),
      style: add('graphiql', 'css', 'text/css; charset=utf-8', Buffer.from(bundle.css)),
      favicon: add('favicon', 'ico', 'image/x-icon', favicon),
    },
    byPath,
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** JSON inside <script type="application/json">: `<` escaped so no value can close the element. */
const jsonForScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * `renderGraphiQL` for createYoga, and the plugin that serves its files under `<graphqlEndpoint>/graphiql/`
 * (beside the endpoint, so a proxy forwarding only the endpoint's path still serves GraphiQL whole).
 */
export function selfHostedGraphiql(graphqlEndpoint: string) {
  const basePath = `${graphqlEndpoint}/graphiql/`;
  let assets: Promise<Assets> | undefined;
  const getAssets = () => (assets ??= loadAssets(basePath));

  const render = async (options: GraphiQLOptions = {}): Promise<string> => {
    const { urls } = await getAssets();
    const title = escapeHtml(options.title ?? 'GraphiQL');
    return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${escapeHtml(options.favicon ?? urls.favicon)}" />
    <link rel="stylesheet" href="${urls.style}" />
    <script type="application/json" id="graphiql-options">${jsonForScript(options)}</script>
    <script src="${urls.script}" defer></script>
    <script src="${urls.start}" defer></script>
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run GraphiQL.</noscript>
    <div id="root">Loading ${title}…</div>
  </body>
</html>
`;
  };

  const plugin: Plugin = {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(basePath) || (request.method !== 'GET' && request.method !== 'HEAD'))
        return;
      const asset = (await getAssets()).byPath.get(url.pathname);
      if (!asset) {
        endResponse(
          new fetchAPI.Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } }),
        );
        return;
      }
      const headers: Record<string, string> = {
        'content-type': asset.type,
        // The name changes with the content, so a browser never needs to ask again.
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
        vary: 'accept-encoding',
      };
      let body = asset.body;
      // About 9 MB as is, under 3 MB gzipped; compressed once per file, on first demand.
      if (/\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')) {
        body = await (asset.gzipped ??= gzipAsync(asset.body));
        headers['content-encoding'] = 'gzip';
      }
      endResponse(new fetchAPI.Response(new Uint8Array(body), { status: 200, headers }));
    },
    onResponse({ response }) {
      // The only HTML this gateway serves is the GraphiQL page.
      if (response.headers.get('content-type')?.startsWith('text/html')) {
        response.headers.set('content-security-policy', GRAPHIQL_CSP);
        response.headers.set('x-content-type-options', 'nosniff');
      }
    },
  };

  return { render, plugin };
}
