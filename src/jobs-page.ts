import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'graphql-yoga';

/**
 * The bulk-jobs page at `/jobs`, served by the gateway itself as GraphiQL is: a small HTML page, one ES
 * module and a stylesheet from `src/jobs-page/` (copied to dist by scripts/copy-assets.mjs), no framework,
 * no CDN. It talks only to this origin: the graph (and its SSE subscriptions), `/bulk/uploads` and
 * `/bulk/jobs/{id}/results`.
 */

export const JOBS_PAGE_PATH = '/jobs';
const ASSETS_PATH = `${JOBS_PAGE_PATH}/assets/`;

/**
 * Stricter than GraphiQL's: the page builds its DOM with `textContent` and sets no inline style, so
 * neither inline script nor inline style is allowed, and Trusted Types forbid HTML string sinks outright.
 */
export const JOBS_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface JobsPageOptions {
  /** Filled into the page's token field. Only the embedded default's demo token: never a real one. */
  token?: string;
  graphqlEndpoint: string;
}

interface Asset {
  type: string;
  body: Uint8Array<ArrayBuffer>;
}

interface Files {
  page: string;
  assets: Map<string, Asset>;
}

const FILES = new URL('./jobs-page/', import.meta.url);

/** JSON inside <script type="application/json">: `<` escaped so no value can close the element. */
const jsonForScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

async function loadFiles({ token, graphqlEndpoint }: JobsPageOptions): Promise<Files> {
  const assets = new Map<string, Asset>();
  const add = async (file: string, type: string) => {
    const body = await readFile(new URL(file, FILES));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const dot = file.lastIndexOf('.');
    const path = `${ASSETS_PATH}${file.slice(0, dot)}.${hash}${file.slice(dot)}`;
    assets.set(path, { type, body: new Uint8Array(body) });
    return path;
  };
  const urls = {
    script: await add('jobs.js', 'text/javascript; charset=utf-8'),
    style: await add('jobs.css', 'text/css; charset=utf-8'),
    icon: await add('icon.svg', 'image/svg+xml'),
  };
  const options = {
    token: token ?? '',
    graphqlEndpoint,
    uploadsPath: '/bulk/uploads',
    resultsPath: '/bulk/jobs/{id}/results',
  };
  const template = await readFile(new URL('index.html', FILES), 'utf8');
  const page = template
    .replace('{{script}}', urls.script)
    .replace('{{style}}', urls.style)
    .replace('{{icon}}', urls.icon)
    .replace('{{options}}', () => jsonForScript(options));
  return { page, assets };
}

/** The plugin serving the page and its files; `onResponse` keeps this page's policy on it. */
export function useJobsPage(options: JobsPageOptions): Plugin {
  let files: Promise<Files> | undefined;
  const isPage = (path: string) => path === JOBS_PAGE_PATH || path === `${JOBS_PAGE_PATH}/`;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const path = url.pathname;
      if (!isPage(path) && !path.startsWith(ASSETS_PATH)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      const { page, assets } = await (files ??= loadFiles(options));
      if (isPage(path)) {
        endResponse(
          new fetchAPI.Response(page, {
            status: 200,
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-store',
              'referrer-policy': 'no-referrer',
            },
          }),
        );
        return;
      }
      const asset = assets.get(path);
      endResponse(
        asset
          ? new fetchAPI.Response(asset.body, {
              status: 200,
              headers: {
                'content-type': asset.type,
                // The name changes with the content.
                'cache-control': 'public, max-age=31536000, immutable',
              },
            })
          : new fetchAPI.Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } }),
      );
    },
    onResponse({ request, response }) {
      const path = new URL(request.url).pathname;
      if (!isPage(path) && !path.startsWith(ASSETS_PATH)) return;
      // After GraphiQL's hook, which puts its own (looser) policy on every HTML response.
      response.headers.set('content-security-policy', JOBS_PAGE_CSP);
      response.headers.set('x-content-type-options', 'nosniff');
    },
  };
}
