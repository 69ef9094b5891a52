import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tourSteps } from '../src/tour/index.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';

/** The README tour, run as written, in order, against one fresh embedded default. */
describe('README tour', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('has the six steps, each shown verbatim in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(tourSteps.map((s) => s.file)).toEqual([
      '1-customer-overview.graphql',
      '2-rma.graphql',
      '3-suspension.graphql',
      '4-location-cancellation.graphql',
      '5-full-cancellation.graphql',
      '6-cancellation-workflow.graphql',
    ]);
    for (const step of tourSteps) expect(readme).toContain('```graphql\n' + step.document + '```');
  });

  it('runs every step without an error, each mutation answering its Success type', async () => {
    const typenames: string[] = [];
    for (const step of tourSteps) {
      const result = await gw.execute(parse(step.document));
      expect(result.errors, step.file).toBeUndefined();
      for (const value of Object.values(result.data as Record<string, { __typename?: string }>)) {
        if (value.__typename) typenames.push(value.__typename);
      }
    }
    expect(typenames).toEqual([
      'UnclaimNodeSuccess',
      'SetServiceLevelSuccess',
      'CancelServicesSuccess',
      'ArchiveLocationSuccess',
      'CancelAllSubAccountServicesSuccess',
      'DeleteCustomerSuccess',
      'WorkflowReport',
      'WorkflowReport',
      'WorkflowReport',
    ]);
  });

  it('leaves the simulators as the tour says', () => {
    const grace = gw.sandbox.plume.state.gdprDeletes.map((d) => d.customerId);
    expect(grace).toEqual(['650000000000000000000002']);
    const cottage = gw.sandbox.plume.state
      .inspectCustomer('650000000000000000000001')
      ?.locations.find((l) => l.id === '660000000000000000000102');
    expect(cottage?.archived).toBe(true);
  });
});
