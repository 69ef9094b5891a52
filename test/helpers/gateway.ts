import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { ErrorStyle } from '../../src/sandbox/error-style.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';

/**
 * A gateway on an ephemeral loopback port with fresh simulators behind it, as `npm start` runs it:
 * real HTTP on both sides. `logs` holds every log line, so tests can check what is (not) logged.
 */
export interface TestGateway {
  url: string;
  sandbox: Sandbox;
  app: App;
  logs: string[];
  /** Runs a typed operation; `token: null` sends no Authorization header. */
  execute<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables?: TVariables,
    options?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<TResult>>;
  /** Upstream API requests served since the last `resetCounts()`. */
  upstreamCalls(): { plume: number; services: number };
  /** Upstream requests that change something (any method but GET), both backends. */
  upstreamWrites(): number;
  resetCounts(): void;
  close(): Promise<void>;
}

export interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
  text: string;
}

export async function startTestGateway(
  overrides: Partial<Config> = {},
  {
    embedded = true,
    demoToken = DEMO_ADMIN_TOKEN,
    errorStyle,
    scale,
    ...options
  }: AppOptions & { errorStyle?: ErrorStyle; scale?: number } = {},
): Promise<TestGateway> {
  const sandbox = await startSandbox({ errorStyle, scale });
  // Audit records go nowhere unless a test asks for them (AUDIT_LOG=<file>): stdout stays quiet.
  const config = { ...loadConfig({}), auditLog: 'off', ...overrides };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const app = createApp(config, sandbox.upstream, logger, { ...options, embedded, demoToken });
  const server: Server = createServer(app.gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    sandbox,
    app,
    logs,
    async execute(document, variables, { token = DEMO_ADMIN_TOKEN, headers = {} } = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === null ? {} : { authorization: token }),
          ...headers,
        },
        body: JSON.stringify({ query: print(document), variables }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, ...JSON.parse(text) };
    },
    upstreamCalls: () => ({
      plume: sandbox.plume.control.requests.length,
      services: sandbox.services.control.requests.length,
    }),
    upstreamWrites: () =>
      [...sandbox.plume.control.requests, ...sandbox.services.control.requests].filter(
        (request) => request.method !== 'GET',
      ).length,
    resetCounts() {
      sandbox.plume.control.clearRequests();
      sandbox.services.control.clearRequests();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      await sandbox.close();
    },
  };
}

/** A fresh gateway (and fresh simulators) for each test of the calling block, for tests that change state. */
export function useFreshGateway(): () => TestGateway {
  let gateway: TestGateway | undefined;
  beforeEach(async () => {
    gateway = await startTestGateway();
  });
  afterEach(() => gateway?.close());
  return () => {
    if (!gateway) throw new Error('the gateway runs only inside a test');
    return gateway;
  };
}

/**
 * One gateway for a describe block whose tests only read (no mutation), started once (with `overrides`
 * of the config, if given); the upstream call counts are reset before each test. Returns a getter: the
 * gateway exists only once the block runs.
 */
export function useSharedGateway(
  overrides: Partial<Config> = {},
  options: { embedded?: boolean } = {},
): () => TestGateway {
  let gateway: TestGateway | undefined;
  beforeAll(async () => {
    gateway = await startTestGateway(overrides, options);
  });
  afterAll(() => gateway?.close());
  beforeEach(() => gateway?.resetCounts());
  return () => {
    if (!gateway) throw new Error('the shared gateway runs only inside its describe block');
    return gateway;
  };
}
