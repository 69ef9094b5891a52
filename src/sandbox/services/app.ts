import { Hono } from 'hono';
import type { SandboxControl } from '../control.js';
import { apiError, envelope, ErrorCode, errorEnvelope, ServicesApiError } from './envelope.js';
import { type ErrorStyle, errorStyleMiddleware } from './error-style.js';
import {
  cancelAllBody,
  cancelLocationBody,
  decreaseBody,
  locationServicesQuery,
  parseInput,
  readJsonObject,
  subAccountServicesQuery,
} from './requests.js';
import type { ServicesState } from './state.js';

export interface ServicesAppOptions {
  /** The main account the API key belongs to. */
  accountId: string;
  apiKey: string;
  /** How error replies look; read on every reply, so a test may switch it (see error-style.ts). */
  errorStyle?: () => ErrorStyle;
}

const ACCOUNT_BASE = '/v2/accounts/:accountId';
/** `accountId` alias for the key's own account. */
const OWN_ACCOUNT_ALIAS = 'me';

/**
 * The services backend of docs/backends.md (paths of the vendor's public Admin API v2): auth, `v` and
 * account checks, then one state call per route.
 */
export function createServicesApp(
  state: ServicesState,
  control: SandboxControl,
  { accountId, apiKey, errorStyle = () => 'coded' }: ServicesAppOptions,
): Hono {
  const app = new Hono();
  // Outermost: it sees every error reply, injected faults included.
  app.use('*', errorStyleMiddleware(errorStyle));
  app.use('*', control.middleware());
  control.mount(app);

  app.use(`${ACCOUNT_BASE}/*`, async (c, next) => {
    // The header wins when both are sent; the gateway only ever uses the header.
    if ((c.req.header('api-key') ?? c.req.query('api_key')) !== apiKey) {
      throw ServicesApiError.of(ErrorCode.Unauthorized, 'API key missing or wrong');
    }
    if (!isVersionDate(c.req.query('v'))) {
      throw ServicesApiError.of(ErrorCode.InvalidVersion, 'Query parameter v must be a date as YYYYMMDD');
    }
    const requested = c.req.param('accountId');
    if (requested !== accountId && requested !== OWN_ACCOUNT_ALIAS) {
      throw ServicesApiError.of(ErrorCode.Forbidden, `The API key has no access to account ${requested}`);
    }
    await next();
  });

  app.get(`${ACCOUNT_BASE}/services`, (c) =>
    c.json(envelope(state.listLocationServices(parseInput(locationServicesQuery, c.req.query())))),
  );
  app.get(`${ACCOUNT_BASE}/subaccountservices`, (c) =>
    c.json(envelope(state.listSubAccountServices(parseInput(subAccountServicesQuery, c.req.query())))),
  );
  app.post(`${ACCOUNT_BASE}/cancelservices`, async (c) => {
    const body = parseInput(cancelLocationBody, await readJsonObject(c.req.raw));
    return c.json(envelope(state.cancelLocationServices(body)));
  });
  app.post(`${ACCOUNT_BASE}/cancelsubaccountservices`, async (c) => {
    const body = parseInput(decreaseBody, await readJsonObject(c.req.raw));
    return c.json(envelope(state.decreaseSubAccountServices(body)));
  });
  app.post(`${ACCOUNT_BASE}/cancelallsubaccountservices`, async (c) => {
    const body = parseInput(cancelAllBody, await readJsonObject(c.req.raw));
    return c.json(envelope(state.cancelAllSubAccountServices(body)));
  });

  app.notFound((c) =>
    c.json(errorEnvelope([apiError(ErrorCode.NotFound, `No route for ${c.req.method} ${c.req.path}`)]), 404),
  );
  app.onError((error, c) => {
    if (error instanceof ServicesApiError) return c.json(errorEnvelope([...error.errors]), error.status);
    // A simulator bug, not a scenario: say so where the developer running it will look.
    console.error('services simulator: unexpected error', error);
    return c.json(errorEnvelope([apiError(ErrorCode.Internal, 'Internal error')]), 500);
  });
  return app;
}

/** `YYYYMMDD` naming a real calendar day. */
function isVersionDate(value: string | undefined): boolean {
  const match = value?.match(/^(\d{4})(\d{2})(\d{2})$/);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
