import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_MANIFESTS } from '../../src/security/persisted-manifests.js';
import { CSRF_HEADER } from '../../src/security/browser.js';
import { customerIds, DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { locations } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway, useSharedGateway } from '../helpers/gateway.js';
import { codesOf, expectStillServes, post, send } from './requests.js';

const deleteAda = `mutation { deleteCustomer(input: { customerId: "${customerIds.ada}" }) { __typename } }`;

describe('CSRF prevention', () => {
  const gateway = useSharedGateway();

  it.each([
    ['application/x-www-form-urlencoded', new URLSearchParams({ query: deleteAda }).toString()],
    ['text/plain', JSON.stringify({ query: deleteAda })],
    [
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: deleteAda })}\r\n--x--\r\n`,
    ],
  ])(
    'refuses a %s POST (what a plain HTML form sends) with 403, before any upstream call',
    async (type, body) => {
      const response = await send(gateway().url, {
        method: 'POST',
        headers: { 'content-type': type, authorization: DEMO_ADMIN_TOKEN },
        body,
      });
      expect(response.status).toBe(403);
      expect(response.json?.errors?.[0]?.message).toBe('Required CSRF header(s) not present');
      expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
      await expectStillServes(gateway());
    },
  );

  it('refuses a POST without a content type; a form post that carries the CSRF header runs', async () => {
    const body = JSON.stringify({ query: deleteAda });
    const bare = await send(gateway().url, {
      method: 'POST',
      headers: { authorization: DEMO_ADMIN_TOKEN },
      body: new Blob([body]),
    });
    expect(bare.status).toBe(403);
    expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
    const marked = await send(gateway().url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', [CSRF_HEADER]: '1' },
      body: new URLSearchParams({ query: '{ __typename }' }).toString(),
    });
    expect(marked.json).toEqual({ data: { __typename: 'Query' } });
  });

  it('serves a GET query without any custom header (urql sends queries so), and never a GET mutation', async () => {
    const get = (params: Record<string, string>) =>
      send(gateway().url, {
        path: `/graphql?${new URLSearchParams(params)}`,
        headers: { authorization: DEMO_ADMIN_TOKEN },
      });
    expect((await get({ query: `{ customer(id: "${customerIds.ada}") { name } }` })).json).toEqual({
      data: { customer: { name: 'Ada Lovelace' } },
    });
    gateway().resetCounts();
    expect((await get({ query: deleteAda })).status).toBe(405);
    // A persisted mutation named by its hash is a mutation too.
    const [setLevel] = Object.entries(
      JSON.parse(readFileSync(GENERATED_MANIFESTS[0]!, 'utf8')) as Record<string, string>,
    ).find(([, document]) => document.startsWith('mutation'))!;
    expect((await get({ documentId: setLevel })).status).toBe(405);
    expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
    await expectStillServes(gateway());
  });
});

describe('CORS', () => {
  const preflight = (gateway: TestGateway, origin: string) =>
    send(gateway.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });

  describe('with CORS_ORIGINS', () => {
    const portal = 'https://portal.isp.example';
    const gateway = useSharedGateway(
      { corsOrigins: [portal, 'https://app.isp.example'] },
      { embedded: false },
    );

    it('allows a configured origin, without credentials', async () => {
      const response = await preflight(gateway(), portal);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(portal);
      expect(response.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      const answer = await post(gateway(), { query: '{ __typename }' }, { headers: { origin: portal } });
      expect(answer.headers.get('access-control-allow-origin')).toBe(portal);
    });

    it.each(['https://evil.example', 'http://localhost:3000', 'null', `${portal}.evil.example`])(
      'gives %s no CORS header at all',
      async (origin) => {
        const response = await preflight(gateway(), origin);
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        const answer = await post(gateway(), { query: '{ __typename }' }, { headers: { origin } });
        expect(answer.headers.get('access-control-allow-origin')).toBeNull();
        expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
        await expectStillServes(gateway());
      },
    );
  });

  describe('defaults', () => {
    it('with upstreams configured: no origin at all', async () => {
      const gateway = await startTestGateway({}, { embedded: false });
      try {
        for (const origin of ['http://localhost:5173', 'https://evil.example']) {
          expect((await preflight(gateway, origin)).headers.get('access-control-allow-origin')).toBeNull();
        }
      } finally {
        await gateway.close();
      }
    });

    it('on the embedded default: loopback origins only', async () => {
      const gateway = await startTestGateway();
      try {
        for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
          expect((await preflight(gateway, origin)).headers.get('access-control-allow-origin')).toBe(origin);
        }
        for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'https://localhost']) {
          expect((await preflight(gateway, origin)).headers.get('access-control-allow-origin')).toBeNull();
        }
      } finally {
        await gateway.close();
      }
    });
  });
});

describe('suggestions ("Did you mean ...?")', () => {
  const mistakes = {
    field: `mutation { deleteCustomr(input: { customerId: "${customerIds.ada}" }) { __typename } }`,
    enumValue: `mutation { setServiceLevel(input: { locationId: "${locations.adaHome}", level: FULL }) { __typename } }`,
    argument: `{ customer(idd: "${customerIds.ada}") { name } }`,
    type: `query($id: IDD!) { customer(id: $id) { name } }`,
  };
  const enumVariable = {
    query:
      'mutation($level: ServiceLevel!) { setServiceLevel(input: { locationId: "x", level: $level }) { __typename } }',
    variables: { level: 'FULL' },
  };

  describe('with introspection off', () => {
    const gateway = useSharedGateway({ introspection: false });

    it.each(Object.entries(mistakes))('are hidden for an unknown %s', async (_, query) => {
      const response = await post(gateway(), { query });
      expect(codesOf(response)).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(response.text).not.toMatch(/Did you mean|deleteCustomer|FULL_SERVICE|"id"|"ID"/);
      await expectStillServes(gateway());
    });

    it('are hidden for an enum value in the variables (checked after validation)', async () => {
      const response = await post(gateway(), enumVariable);
      expect(response.json?.errors?.[0]?.message).toBe(
        'Variable "$level" got invalid value "FULL"; Value "FULL" does not exist in "ServiceLevel" enum.',
      );
    });
  });

  it('stay on when introspection is on (the schema is public there anyway)', async () => {
    const gateway = await startTestGateway({ introspection: true });
    try {
      const response = await post(gateway, { query: mistakes.field });
      expect(response.json?.errors?.[0]?.message).toContain('Did you mean "deleteCustomer"?');
    } finally {
      await gateway.close();
    }
  });
});
