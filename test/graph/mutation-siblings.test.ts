import { describe, expect, it } from 'vitest';
import { customerIds, SERVICES_ACCOUNT_ID } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';
import { useFreshGateway } from '../helpers/gateway.js';

/**
 * A write is never hidden by a sibling's failure (issue 19, finding 4): every mutation answers a member of
 * its union, an unexpected failure included, so `data` is never null in a request in which a write happened.
 */

const DecreaseAndCancelAll = graphql(`
  mutation SibDecreaseAndCancelAll($linus: ID!, $ada: ID!) {
    reduceSubAccountServices(input: { customerId: $linus, skuRemovals: [{ sku: "SKU-00000195" }] }) {
      __typename
      ... on ReduceSubAccountServicesSuccess {
        services {
          quantity
        }
      }
    }
    cancelAllSubAccountServices(input: { customerId: $ada }) {
      __typename
      ... on Error {
        code
        message
      }
      ... on UnexpectedError {
        requestId
        upstreamRequestId
      }
      ... on RateLimitedError {
        retryAfterSeconds
      }
    }
  }
`);

const CANCEL_ALL = `/v2/accounts/${SERVICES_ACCOUNT_ID}/cancelallsubaccountservices`;

describe('sibling mutations', () => {
  const gateway = useFreshGateway();
  const variables = { linus: customerIds.linus, ada: customerIds.ada };

  it('an unexpected upstream failure in one is UnexpectedError data with the request id; the other keeps its success', async () => {
    const gw = gateway();
    // The services backend refusing the gateway's own key: nothing the contract lists, and not ambiguous.
    gw.sandbox.services.control.inject({ method: 'POST', path: CANCEL_ALL, status: 401 });
    const response = await gw.execute(DecreaseAndCancelAll, variables);
    expect(response.errors).toBeUndefined();
    expect(response.data?.reduceSubAccountServices).toEqual({
      __typename: 'ReduceSubAccountServicesSuccess',
      services: [{ quantity: 4 }],
    });
    expect(response.data?.cancelAllSubAccountServices).toMatchObject({
      __typename: 'UnexpectedError',
      code: 'UPSTREAM_ERROR',
      message: 'Unexpected error. Quote the requestId when reporting it.',
      requestId: response.headers.get('x-request-id'),
    });
  });

  it('a 429 on one is RateLimitedError (nothing written there); the other keeps its success', async () => {
    const gw = gateway();
    gw.sandbox.services.control.inject({
      method: 'POST',
      path: CANCEL_ALL,
      status: 429,
      headers: { 'retry-after': '3' },
    });
    const response = await gw.execute(DecreaseAndCancelAll, variables);
    expect(response.data?.reduceSubAccountServices.__typename).toBe('ReduceSubAccountServicesSuccess');
    expect(response.data?.cancelAllSubAccountServices).toMatchObject({
      __typename: 'RateLimitedError',
      code: 'RATE_LIMITED',
      retryAfterSeconds: 3,
    });
    const adaActive = gw.sandbox.services.state
      .listSubAccountServices({ subAccountId: 'ACC-1001' })
      .services.filter((s) => s.status === 'ACTIVE');
    expect(adaActive.length).toBeGreaterThan(0);
  });
});
