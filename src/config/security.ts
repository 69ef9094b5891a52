import { z } from 'zod';
import { commaList, limit, setting } from './settings.js';

/** What a client may send (src/security/, docs/security.md). */

/** Request limits: each refused before execution, with no upstream call (src/security/limits.ts). */
export const limitSettings = {
  maxRequestBodyBytes: setting('MAX_REQUEST_BODY_BYTES', limit(10_000_000).default(100_000)),
  maxTokens: setting('MAX_TOKENS', limit(100_000).default(1000)),
  maxDepth: setting('MAX_DEPTH', limit(100).default(10)),
  maxAliases: setting('MAX_ALIASES', limit(1000).default(15)),
  maxDirectives: setting('MAX_DIRECTIVES', limit(1000).default(10)),
  /** Most estimated upstream calls of one operation (the cost of its upstream-backed fields). */
  maxCost: setting('MAX_COST', limit(100_000).default(200)),
};

/** The memory a client's input may hold (src/security/variables.ts, document-cache.ts). */
export const memorySettings = {
  /** Most lists and objects nested inside one another in `variables` (or `extensions`): past it, 400. */
  maxVariablesDepth: setting('MAX_VARIABLES_DEPTH', limit(1000).default(32)),
  /**
   * Most values (scalars, lists, objects) in `variables` (or `extensions`). Above the largest input the
   * schema checks itself (1,000 SKU removals: ~3,000 values), so its more precise BAD_USER_INPUT answers list
   * sizes; this stops what only a raised body limit lets through.
   */
  maxVariablesValues: setting('MAX_VARIABLES_VALUES', limit(10_000_000).default(20_000)),
  /** Estimated bytes of parsed documents and parse errors kept for reuse (Yoga's parser cache). */
  documentCacheBytes: setting('DOCUMENT_CACHE_BYTES', limit(4_000_000_000).default(32_000_000)),
};

/** Comma-separated browser origins (`https://portal.example.net`), each exactly scheme://host[:port]. */
const origins = commaList.pipe(
  z.array(
    z.string().refine((origin) => URL.canParse(origin) && new URL(origin).origin === origin, {
      message: 'each origin must be scheme://host[:port], with no path or trailing slash',
    }),
  ),
);

export const clientSettings = {
  /** Browser origins allowed by CORS. Undefined: loopback origins on the embedded default, none otherwise. */
  corsOrigins: setting('CORS_ORIGINS', origins.optional()),
  persistedOperations: setting('PERSISTED_OPERATIONS', z.enum(['off', 'allow', 'require']).default('allow')),
  /**
   * Persisted-operations manifests (codegen, Apollo or Relay format); `default` stands for the clients' own
   * (generated and last released), which is also what unset means.
   */
  persistedOperationsManifests: setting(
    'PERSISTED_OPERATIONS_MANIFEST',
    commaList
      .pipe(z.array(z.string()).min(1, 'must name at least one manifest file (or default)'))
      .optional(),
  ),
};
