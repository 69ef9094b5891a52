import { Hono, type Context } from 'hono';
import { PlumeError } from './errors.js';
import type { PlumeState } from './state.js';
import type { SandboxControl } from '../control.js';
import type { ErrorStyle } from '../error-style.js';

const customerPath = '/api/Customers/:customerId';
const locationPath = `${customerPath}/locations/:locationId`;

/**
 * The WiFi cloud's HTTP face (docs/backends.md, "Endpoints"): routes only, each a call into the state.
 * Expected failures are thrown as PlumeError and rendered once, in onError, in the instance's error style.
 */
export function createPlumeApp(
  state: PlumeState,
  control: SandboxControl,
  errorStyle: ErrorStyle = 'coded',
): Hono {
  const respond = (c: Context, error: PlumeError) => {
    const body = error.toBody(errorStyle);
    return body ? c.json(body, error.status) : c.body(null, error.status);
  };
  const app = new Hono();
  app.use('*', control.middleware());
  control.mount(app);
  app.get('/__sandbox/gdpr-deletes', (c) => c.json(state.gdprDeletes));

  app.post('/api/admins/login', async (c) => c.json(state.loginAdmin(await readJson(c))));
  app.post('/api/Customers/login', async (c) => c.json(state.loginCustomer(await readJson(c))));
  app.get('/api/Customers', (c) => c.json(state.findCustomers(tokenOf(c), c.req.query('filter'))));

  app.get(customerPath, (c) => c.json(state.getCustomer(...customerTarget(c))));
  app.delete(customerPath, (c) => c.json(state.deleteCustomer(...customerTarget(c))));
  app.get(`${customerPath}/locations`, (c) => c.json(state.listLocations(...customerTarget(c))));

  app.get(locationPath, (c) => c.json(state.getLocation(...locationTarget(c))));
  app.delete(locationPath, (c) => {
    state.archiveLocation(...locationTarget(c));
    return c.body(null, 204);
  });
  app.get(`${locationPath}/nodes`, (c) => c.json(state.listClaimedNodes(...locationTarget(c))));
  // `/nodes/` and `/nodes` name no serial: the cloud answers NODE_NOT_FOUND after its usual checks.
  for (const path of [`${locationPath}/nodes/:serial`, `${locationPath}/nodes/`, `${locationPath}/nodes`]) {
    app.delete(path, (c) => {
      state.unclaimNode(...locationTarget(c), c.req.param('serial') ?? '');
      return c.body(null, 204);
    });
  }
  app.get(`${locationPath}/serviceLevel`, (c) => c.json(state.getServiceLevel(...locationTarget(c))));
  app.patch(`${locationPath}/serviceLevel`, async (c) => {
    const body = await readJson(c);
    return c.json(state.setServiceLevel(...locationTarget(c), body));
  });

  app.notFound((c) => {
    const message = `There is no method to handle ${c.req.method} ${c.req.path}`;
    return respond(c, new PlumeError('ROUTE_NOT_FOUND', message));
  });
  app.onError((err, c) => {
    const error = err instanceof PlumeError ? err : new PlumeError('INTERNAL_ERROR', 'Internal server error');
    // Only unexpected errors are worth a log line; they never carry the request's token.
    if (error !== err) console.error('plume simulator: unexpected error', err);
    return respond(c, error);
  });
  return app;
}

/** The arguments every customer operation starts with: the caller's token and the customer id. */
function customerTarget(c: Context): [token: string | undefined, customerId: string] {
  return [tokenOf(c), c.req.param('customerId') ?? ''];
}

/** The arguments every location operation starts with: token, customer id and location id. */
function locationTarget(c: Context): [token: string | undefined, customerId: string, locationId: string] {
  return [...customerTarget(c), c.req.param('locationId') ?? ''];
}

/** The raw access token: LoopBack takes it bare in `Authorization`, and `Bearer <token>` is accepted too. */
function tokenOf(c: Context): string | undefined {
  const token = c.req
    .header('authorization')
    ?.trim()
    .replace(/^Bearer\s+/i, '');
  return token === '' ? undefined : token;
}

/** The body as JSON; like LoopBack's body parser, this runs before the route's own checks. */
async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new PlumeError('INVALID_JSON', 'Request body is not valid JSON');
  }
}
