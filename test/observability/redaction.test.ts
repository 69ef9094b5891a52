import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICES_ACCOUNT_ID } from '../../src/sandbox/seed.js';
import { redactEmails } from '../../src/upstream/services/services-refusals.js';
import { customers, locations, MASKED, servicesError } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * The backends' error text is about customers (names, emails): it never reaches the log at info or above,
 * and emails never reach it at all. The gateway logs at debug in these tests, so every level is checked.
 */

type Json = Record<string, any>;
// Plain documents, not codegen's `graphql()`: this file adds no operation to the typed set.
const doc = (source: string) => parse(source) as TypedDocumentNode<Json, Json>;
const CancelServices = doc(`mutation RdCancel($input: CancelServicesInput!) {
  cancelServices(input: $input) { __typename ... on Error { code message } }
}`);
const LocationServices = doc(`query RdServices($id: ID!) {
  node(id: $id) { ... on Location { services { totalCount } } }
}`);
const ReadCustomer = doc(`query RdCustomer($id: ID!) { customer(id: $id) { name } }`);

const NAME = 'Hedwig Kiesler';
const EMAIL = 'hedy.kiesler+billing@example.org';
const upstreamMessage = `Customer ${NAME} <${EMAIL}> (also ${encodeURIComponent('h.k@example.net')}) is within a minimum commitment`;
const base = `/v2/accounts/${SERVICES_ACCOUNT_ID}`;

let gw: TestGateway;
beforeEach(async () => {
  gw = await startTestGateway();
});
afterEach(() => gw.close());

const lines = () => gw.logs.map((line) => JSON.parse(line) as Json);
/** Log lines at info (30) or above, as a production gateway writes them. */
const infoAndAbove = () => lines().filter((line) => line.level >= 30);

function expectNoCustomerText() {
  const everything = gw.logs.join('\n');
  for (const email of [EMAIL, 'h.k@example.net', 'h.k%40example.net'])
    expect(everything).not.toContain(email);
  expect(JSON.stringify(infoAndAbove())).not.toContain(NAME);
}

describe("the services backend's message", () => {
  it('of a refused cancel: info logs status, code and length; the words go to debug, emails cut out', async () => {
    gw.sandbox.services.control.inject({
      method: 'POST',
      path: `${base}/cancelservices`,
      status: 400,
      body: servicesError('0b9a7c2e-5d4f-4e3a-9b1c-2d3e4f5a6b7c', 2002, upstreamMessage),
    });

    const response = await gw.execute(CancelServices, { input: { locationId: locations.graceApartment } });

    expect(response.data?.cancelServices).toMatchObject({ __typename: 'ServicesRequestRejectedError' });
    expect(response.text).not.toContain(NAME);
    expectNoCustomerText();
    const summary = infoAndAbove().find((l) => l.msg === 'services refused cancelLocationServices');
    expect(summary).toMatchObject({
      status: 400,
      upstreamCode: 2002,
      upstreamRequestId: '0b9a7c2e-5d4f-4e3a-9b1c-2d3e4f5a6b7c',
      outcome: 'SERVICES_REQUEST_REJECTED',
      upstreamMessageLength: expect.any(Number),
    });
    expect(summary).not.toHaveProperty('upstreamMessage');
    // Kept for whoever turns debug on: the words, without the addresses.
    const detail = lines().find((l) => l.level === 20 && typeof l.upstreamMessage === 'string');
    expect(detail?.upstreamMessage).toBe(
      `Customer ${NAME} <[email]> (also [email]) is within a minimum commitment`,
    );
  });

  it('of a refused read: the masked error is logged without it', async () => {
    gw.sandbox.services.control.inject({
      method: 'GET',
      path: `${base}/services`,
      status: 400,
      body: servicesError('1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', 2002, upstreamMessage),
    });

    const response = await gw.execute(LocationServices, { id: locations.adaHome });

    expect(response.errors).toMatchObject([{ message: MASKED, extensions: { code: 'UPSTREAM_ERROR' } }]);
    // The masked error itself is logged (at error), with its status and code but not the backend's words.
    const logged = infoAndAbove().find((l) => l.msg === 'unexpected error in a resolver');
    expect(logged?.err).toMatchObject({ type: 'ServicesRefusal', status: 400, upstreamCode: 2002 });
    expectNoCustomerText();
  });
});

describe("the WiFi cloud's error body", () => {
  it('never reaches the log', async () => {
    gw.sandbox.plume.control.inject({
      method: 'GET',
      path: '/api/Customers/*',
      status: 500,
      body: JSON.stringify({ error: { statusCode: 500, message: upstreamMessage } }),
    });

    const response = await gw.execute(ReadCustomer, { id: customers.ada });

    expect(response.errors).toMatchObject([{ extensions: { code: 'UPSTREAM_ERROR' } }]);
    expect(gw.logs.join('\n')).not.toContain(NAME);
    expectNoCustomerText();
  });
});

describe('redactEmails', () => {
  it.each([
    ['ada@example.com', '[email]'],
    ['Ada Lovelace <ada.lovelace@analytical.example.co.uk>, thanks', 'Ada Lovelace <[email]>, thanks'],
    ['mailto=ada%40example.com&x=1', '[email]&x=1'],
    ['first+tag@example.org;second@example.net', '[email];[email]'],
    ['no address @ all, nor a@localhost', 'no address @ all, nor a@localhost'],
  ])('%j → %j', (text, redacted) => {
    expect(redactEmails(text)).toBe(redacted);
  });
});
