import type { ChildProcess } from 'node:child_process';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server-process.js';

/**
 * The GraphQL-over-HTTP spec, checked by graphql-http's own audit against the gateway as `npm start` runs
 * it (a separate process on the simulators), and the statuses of refused persisted operations.
 */

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill('SIGTERM');
});

const post = (url: string, body: string, accept: string, contentType = 'application/json') =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': contentType, accept }, body });

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

describe('the default gateway', () => {
  let url: string;
  beforeAll(async () => {
    // As `npm start` runs it: NODE_ENV=production.
    ({ url } = await startServer({ NODE_ENV: 'production' }, running));
  });

  it("passes graphql-http's server audit with no warn and no error", async () => {
    const results = await Promise.all(serverAudits({ url: `${url}/graphql` }).map((audit) => audit.fn()));
    const problems = results
      .filter((result) => result.status === 'warn' || result.status === 'error')
      .map(
        (result) =>
          `${result.status} ${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`,
      );
    expect(problems).toEqual([]);
    expect(results.filter((result) => result.status === 'ok').length).toBeGreaterThan(40);
  });

  it.each(['application/json', GRAPHQL_RESPONSE])(
    'answers a body that is not JSON, or has no query, with 400 under %s',
    async (accept) => {
      for (const body of ['{"query": "{', '', '{}', '{"variables": {}}']) {
        const response = await post(url, body, accept);
        expect([body, response.status]).toEqual([body, 400]);
        const answer = (await response.json()) as { errors: Array<{ message: string }> };
        expect(answer.errors[0]?.message).not.toContain('{"query"');
      }
    },
  );
});

describe('PERSISTED_OPERATIONS=require', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startServer({ PERSISTED_OPERATIONS: 'require' }, running));
  });

  it('refuses a document with 400 and an unknown id with 404 under graphql-response+json', async () => {
    const document = await post(url, JSON.stringify({ query: '{ __typename }' }), GRAPHQL_RESPONSE);
    expect(document.status).toBe(400);
    const unknown = await post(
      url,
      JSON.stringify({ documentId: `sha256:${'f'.repeat(64)}` }),
      GRAPHQL_RESPONSE,
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
    });
  });

  it('keeps 200 for both under legacy application/json (a well-formed request, as the spec says)', async () => {
    const document = await post(url, JSON.stringify({ query: '{ __typename }' }), 'application/json');
    expect(document.status).toBe(200);
    const unknown = await post(url, JSON.stringify({ documentId: 'f'.repeat(64) }), 'application/json');
    expect(unknown.status).toBe(200);
  });
});
