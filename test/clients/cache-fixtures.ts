import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterEach, beforeEach } from 'vitest';
import type {
  MobileExtenderQuery,
  MobileExtenderQueryVariables,
  MobileHomeQuery,
  MobileHomeQueryVariables,
  MobileServicesQuery,
  MobileServicesQueryVariables,
  PortalCancelCustomerMutation,
  PortalCancelCustomerMutationVariables,
  PortalCancelLocationMutation,
  PortalCancelLocationMutationVariables,
  PortalSetServiceLevelMutation,
  PortalSetServiceLevelMutationVariables,
  PortalUnclaimNodeMutation,
  PortalUnclaimNodeMutationVariables,
} from '../../clients/generated/graphql.js';
import { DEMO_ADMIN_TOKEN, customerIds, locationIds } from '../../src/sandbox/seed.js';
import { toGlobalId } from '../../src/domain/global-ids.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * What the real-client cache tests share: the clients' operations read from clients/ as the apps ship them
 * (one operation per file), the demo ids, a gateway process per test (mutations change the simulators),
 * and a fetch that counts the requests a client sends.
 */

/** One operation of clients/, parsed from its file: a file with two operations fails here. */
function operation<TData, TVariables>(file: string): TypedDocumentNode<TData, TVariables> {
  const document = parse(readFileSync(new URL(`../../clients/${file}`, import.meta.url), 'utf8'));
  if (document.definitions.length !== 1) throw new Error(`${file} holds more than one definition`);
  return document as TypedDocumentNode<TData, TVariables>;
}

export const screens = {
  home: operation<MobileHomeQuery, MobileHomeQueryVariables>('mobile/home.graphql'),
  services: operation<MobileServicesQuery, MobileServicesQueryVariables>('mobile/services.graphql'),
  extender: operation<MobileExtenderQuery, MobileExtenderQueryVariables>('mobile/extender.graphql'),
};

export const portal = {
  setServiceLevel: operation<PortalSetServiceLevelMutation, PortalSetServiceLevelMutationVariables>(
    'technician-portal/service-level.graphql',
  ),
  unclaimNode: operation<PortalUnclaimNodeMutation, PortalUnclaimNodeMutationVariables>(
    'technician-portal/rma.graphql',
  ),
  cancelLocation: operation<PortalCancelLocationMutation, PortalCancelLocationMutationVariables>(
    'technician-portal/cancel-location.graphql',
  ),
  cancelCustomer: operation<PortalCancelCustomerMutation, PortalCancelCustomerMutationVariables>(
    'technician-portal/cancel-customer.graphql',
  ),
};

export const ada = {
  customerId: toGlobalId('Customer', customerIds.ada),
  home: toGlobalId('Location', customerIds.ada, locationIds.adaHome),
  cottage: toGlobalId('Location', customerIds.ada, locationIds.adaCottage),
  /** A claimed extender at Ada's home. */
  officeNode: toGlobalId('WifiNode', customerIds.ada, locationIds.adaHome, 'AA11000002'),
};

export const headers = { authorization: DEMO_ADMIN_TOKEN };

/** A fetch that counts what the client sends to the gateway. */
export function countingFetch() {
  const counter = {
    requests: 0,
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      counter.requests += 1;
      return fetch(input, init);
    },
  };
  return counter;
}

/** A fresh gateway process (on fresh simulators) for each test; returns its GraphQL endpoint. */
export function useGatewayProcess(): () => string {
  const running: ChildProcess[] = [];
  let server: ServerProcess | undefined;
  beforeEach(async () => {
    server = await startServer({}, running);
  });
  afterEach(() => {
    for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  return () => {
    if (!server) throw new Error('the gateway process runs only inside a test');
    return `${server.url}/graphql`;
  };
}
