import type { Plugin, YogaServerOptions } from 'graphql-yoga';
import type { RequestLimits } from '../config.js';
import { useBodyLimit } from './body-limit.js';
import { type AllowedOrigins, corsFor, useCsrfPrevention } from './browser.js';
import { useErrorDisclosure, useNoIntrospection } from './disclosure.js';
import { useRequestLimits } from './limits.js';
import {
  DOCUMENT_ID_PARAM,
  type PersistedOperationsMode,
  usePersistedOperationsMode,
} from './persisted-operations.js';

/** Everything that makes the gateway safe to expose (docs/security.md), as src/yoga.ts composes it. */
export interface SecurityOptions {
  limits: RequestLimits;
  corsOrigins: AllowedOrigins;
  /** Off: `__schema`/`__type` are refused and suggestions in error messages hidden. */
  introspection: boolean;
  persistedOperations: PersistedOperationsMode;
  /** The persisted documents by id (`sha256:<hex>`); none known when absent. */
  manifest?: ReadonlyMap<string, string>;
}

export function securityLayer(options: SecurityOptions): {
  yogaOptions: Pick<
    YogaServerOptions<object, object>,
    'cors' | 'maxRequestBodySize' | 'multipart' | 'extraParamNames'
  >;
  plugins: Plugin[];
} {
  const { persistedOperations: mode, manifest } = options;
  const persisted =
    mode === 'off' ? undefined : usePersistedOperationsMode(mode, manifest ?? new Map<string, string>());
  return {
    yogaOptions: {
      cors: corsFor(options.corsOrigins),
      // useBodyLimit below takes its place: 413 from Content-Length before reading, or as soon as a
      // chunked body passes it, without counting a body whose length is declared.
      maxRequestBodySize: false,
      // Nothing here takes file uploads.
      multipart: false,
      ...(persisted ? { extraParamNames: [DOCUMENT_ID_PARAM] } : {}),
    },
    plugins: [
      useBodyLimit(options.limits.maxRequestBodyBytes),
      useCsrfPrevention(),
      ...(persisted ? [persisted] : []),
      ...useRequestLimits(options.limits),
      // With introspection off, the schema is told neither by __schema nor by suggestions in errors.
      ...(options.introspection ? [] : [useNoIntrospection()]),
      useErrorDisclosure({ hideSuggestions: !options.introspection }),
    ],
  };
}
