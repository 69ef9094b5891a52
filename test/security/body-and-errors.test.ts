import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { customerIds } from '../../src/sandbox/seed.js';
import { startTestGateway, useSharedGateway } from '../helpers/gateway.js';
import { codesOf, expectStillServes, post, send } from './requests.js';

const { maxRequestBodyBytes } = loadConfig({}).limits;

/** A POST whose body is streamed in chunks with no Content-Length (Transfer-Encoding: chunked). */
function postChunked(url: string, chunks: string[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A connection of its own: after a 413 the server drops the rest of that connection's body.
      agent: false,
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    // The gateway may answer 413 and close before the whole body is sent.
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('request body size', () => {
  const gateway = useSharedGateway();

  it(`admits a body of exactly ${maxRequestBodyBytes} bytes`, async () => {
    // Padded after the JSON: whitespace, as valid as it is long.
    const exact = JSON.stringify({ query: `{ customer(id: "${customerIds.ada}") { name } }` }).padEnd(
      maxRequestBodyBytes,
      ' ',
    );
    expect(Buffer.byteLength(exact)).toBe(maxRequestBodyBytes);
    const response = await send(gateway().url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'sandbox-admin-token' },
      body: exact,
    });
    expect(response.json).toEqual({ data: { customer: { name: 'Ada Lovelace' } } });
  });

  it('refuses one byte more with 413 before parsing, and no upstream call', async () => {
    const body = JSON.stringify({ query: `{ customer(id: "${customerIds.ada}") { name } }` }).padEnd(
      maxRequestBodyBytes + 1,
      ' ',
    );
    const response = await send(gateway().url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(413);
    expect(codesOf(response)).toEqual(['REQUEST_ENTITY_TOO_LARGE']);
    expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
    await expectStillServes(gateway());
  });

  it('closes the connection after a 413, so an oversized body is dropped rather than read to its end', async () => {
    const body = ' '.repeat(20 * maxRequestBodyBytes);
    const keepAlive = new Agent({ keepAlive: true });
    const answer = await new Promise<{ status?: number; connection?: string }>((resolve, reject) => {
      const req = request(`${gateway().url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        // A client that asks to keep the connection: the gateway still closes it.
        agent: keepAlive,
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode, connection: res.headers.connection });
      });
      req.on('error', reject);
      req.end(body);
    });
    keepAlive.destroy();
    expect(answer).toEqual({ status: 413, connection: 'close' });
    await expectStillServes(gateway());
  });

  it('refuses the 20 MB document of __typename with 413, without echoing it', async () => {
    const body = JSON.stringify({ query: `{ ${'__typename '.repeat(2_000_000)}}` });
    expect(body.length).toBeGreaterThan(20_000_000);
    const response = await send(gateway().url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(413);
    expect(response.text.length).toBeLessThan(500);
    expect(response.text).not.toContain('__typename');
    await expectStillServes(gateway());
  });

  it('refuses a chunked body with no Content-Length as soon as it passes the limit', async () => {
    const chunk = ' '.repeat(64 * 1024);
    const chunks = ['{"query":"{ __typename }"', ...Array(32).fill(chunk), '}'];
    const response = await postChunked(gateway().url, chunks);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    await expectStillServes(gateway());
  });

  it('admits a small chunked body', async () => {
    const response = await postChunked(gateway().url, ['{"query":', '"{ __typename }"}']);
    expect(JSON.parse(response.text)).toEqual({ data: { __typename: 'Query' } });
  });

  it('takes no multipart body (file uploads): nothing here accepts one', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: `{ customer(id: "${customerIds.ada}") { name } }` }));
    form.set('map', '{}');
    const response = await send(gateway().url, {
      method: 'POST',
      // Past CSRF prevention, so the refusal seen is the body's own.
      headers: { 'x-graphql-yoga-csrf': '1', authorization: 'sandbox-admin-token' },
      body: form,
    });
    expect(response.status).toBe(415);
    expect(response.json?.data).toBeUndefined();
    expect(gateway().upstreamCalls()).toEqual({ plume: 0, services: 0 });
  });
});

describe('error messages never echo the request', () => {
  const gateway = useSharedGateway();

  it('malformed JSON: BAD_REQUEST, and the body sent appears nowhere in the answer', async () => {
    const secretish = 'x'.repeat(50_000) + 'sandbox-admin-token';
    const response = await send(gateway().url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query": "${secretish}`,
    });
    expect(response.json?.errors).toEqual([
      { message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } },
    ]);
    expect(response.text).not.toContain('xxxx');
    await expectStillServes(gateway());
  });

  it('a syntax error names the position, not the document', async () => {
    const response = await post(gateway(), { query: `{ customer(id: "${'y'.repeat(5000)}") { name ` });
    expect(response.json?.errors?.[0]?.message).toMatch(/^Syntax Error: Expected Name, found <EOF>\.$/);
    expect(response.text).not.toContain('yyyy');
  });
});

describe('the upstream call budget', () => {
  it('stops a request past UPSTREAM_CALL_BUDGET with UPSTREAM_BUDGET_EXCEEDED, within that many calls', async () => {
    const gateway = await startTestGateway({ upstreamCallBudget: 3 });
    try {
      // Ada's overview: customer, locations, then per location its service level, nodes and services.
      const query = `{ customer(id: "${customerIds.ada}") { name locations { name serviceLevel { level } nodes { serialNumber } services { totalCount } } } }`;
      const response = await post(gateway, { query });
      const codes = codesOf(response);
      expect(codes.length).toBeGreaterThan(0);
      expect(new Set(codes)).toEqual(new Set(['UPSTREAM_BUDGET_EXCEEDED']));
      expect(response.json?.errors?.[0]?.message).toBe(
        'This request needs more than 3 upstream calls; ask for less in one request.',
      );
      // Never more calls than the budget (the last admitted one may still be in flight when the error
      // nulls the answer).
      const calls = gateway.upstreamCalls();
      expect(calls.plume + calls.services).toBeGreaterThanOrEqual(2);
      expect(calls.plume + calls.services).toBeLessThanOrEqual(3);
      // Within the budget, the request is served whole, and the next request has a budget of its own.
      await expectStillServes(gateway);
    } finally {
      await gateway.close();
    }
  });
});
