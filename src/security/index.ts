import type { Plugin, YogaServerOptions } from 'graphql-yoga';
import { loadConfig, type MemoryBounds, type RequestLimits } from '../config.js';
import { useBodyLimit } from './body-limit.js';
import { type AllowedOrigins, corsFor, useCsrfPrevention } from './browser.js';
import { useErrorDisclosure, useNoIntrospection } from './disclosure.js';
import { boundedParserCache } from './document-cache.js';
import { useRequestLimits } from './limits.js';
import type { PersistedDocuments } from './persisted-manifests.js';
import {
  DOCUMENT_ID_PARAMS,
  type DocumentRegistry,
  type PersistedOperationsMode,
  usePersistedOperationsMode,
} from './persisted-operations.js';
import { useEchoLimit, useVariablesLimits } from './variables.js';

/** Everything that makes the gateway safe to expose (docs/security.md), as src/yoga.ts composes it. */
export interface SecurityOptions {
  limits: RequestLimits;
  /** Variables' depth and size, the parser cache's bytes; the configuration's defaults when absent. */
  memoryBounds?: MemoryBounds;
  corsOrigins: AllowedOrigins;
  /** Off: `__schema`/`__type` are refused and suggestions in error messages hidden. */
  introspection: boolean;
  persistedOperations: PersistedOperationsMode;
  /** The manifests' documents (src/security/persisted-manifests.ts); none known when absent. */
  manifests?: PersistedDocuments;
  /** Where `allow` mode registers APQ documents: the shared store. None: nothing is registered. */
  documentRegistry?: DocumentRegistry;
  onRegistryError?: (error: unknown) => void;
}

export function securityLayer(options: SecurityOptions): {
  yogaOptions: Pick<
    YogaServerOptions<object, object>,
    'cors' | 'maxRequestBodySize' | 'multipart' | 'extraParamNames' | 'parserAndValidationCache'
  >;
  plugins: Plugin[];
} {
  const { persistedOperations: mode } = options;
  const memory = options.memoryBounds ?? loadConfig({}).memoryBounds;
  const persisted =
    mode === 'off'
      ? undefined
      : usePersistedOperationsMode(mode, {
          manifests: options.manifests ?? { documents: new Map(), operationNames: new Set() },
          registry: options.documentRegistry,
          onRegistryError: options.onRegistryError,
        });
  return {
    yogaOptions: {
      cors: corsFor(options.corsOrigins),
      // useBodyLimit below takes its place: 413 from Content-Length before reading, or as soon as a
      // chunked body passes it, without counting a body whose length is declared.
      maxRequestBodySize: false,
      // Nothing here takes file uploads.
      multipart: false,
      // Bounded by bytes: Yoga's own keeps 1,024 documents whatever their size (docs/security.md, Memory).
      parserAndValidationCache: boundedParserCache(memory.documentCacheBytes),
      ...(persisted ? { extraParamNames: [...DOCUMENT_ID_PARAMS] } : {}),
    },
    plugins: [
      useBodyLimit(options.limits.maxRequestBodyBytes),
      // Before the persisted-operations lookup and anything else that reads the variables.
      useVariablesLimits({ maxDepth: memory.maxVariablesDepth, maxValues: memory.maxVariablesValues }),
      useCsrfPrevention(),
      ...(persisted ? [persisted] : []),
      ...useRequestLimits(options.limits),
      // With introspection off, the schema is told neither by __schema nor by suggestions in errors.
      ...(options.introspection ? [] : [useNoIntrospection()]),
      useErrorDisclosure({ hideSuggestions: !options.introspection }),
      useEchoLimit(),
    ],
  };
}
