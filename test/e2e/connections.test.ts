import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';
import { startServer as startServerProcess } from '../helpers/server-process.js';

/**
 * The gateway's own connection limits, on the server as a separate process over raw TCP: the connection
 * cap (and its rate-limited log line), the headers and body deadlines, and the keep-alive timeout.
 */

const running: ChildProcess[] = [];
const sockets: Socket[] = [];
const startServer = (env: Record<string, string>) => startServerProcess(env, running);

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A raw TCP connection that records what it receives and when it is closed. */
async function openSocket(url: string, send = '') {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk));
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  // A connection past the cap may be reset before it is even seen as connected.
  await Promise.race([once(socket, 'connect'), closed]);
  if (send && !socket.destroyed) socket.write(send);
  return { socket, closed, received: () => received };
}

async function readAda(url: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: DEMO_ADMIN_TOKEN },
    body: JSON.stringify({ query: '{ customer(id: "650000000000000000000001") { name } }' }),
  });
  return response.json();
}

const ADA = { data: { customer: { name: 'Ada Lovelace' } } };
const dropLines = (output: string) => output.split('\n').filter((line) => line.includes('MAX_CONNECTIONS'));

describe('connection limits', () => {
  it('refuses connections past MAX_CONNECTIONS, logs it once, stays alive, and serves once they close', async () => {
    const { child, url, output } = await startServer({ MAX_CONNECTIONS: '20' });
    const idle = await Promise.all(Array.from({ length: 30 }, () => openSocket(url)));
    // The ten past the cap are closed by the gateway at once; the twenty within it stay open.
    await expect
      .poll(() => idle.filter(({ socket }) => socket.destroyed).length, { timeout: 10_000 })
      .toBe(10);
    await expect.poll(() => dropLines(output()).length, { timeout: 5_000 }).toBe(1);
    expect(JSON.parse(dropLines(output())[0]!)).toMatchObject({ level: 40, maxConnections: 20 });
    // At the cap, a new client is closed unanswered; the line is not repeated within its 10 s.
    const late = await openSocket(url, 'GET /healthz HTTP/1.1\r\nhost: gateway\r\n\r\n');
    expect(await late.closed).toBe('');
    expect(dropLines(output())).toHaveLength(1);

    for (const { socket } of idle) socket.destroy();
    await expect.poll(() => readAda(url).catch(() => undefined), { timeout: 5_000 }).toEqual(ADA);
    expect(child.exitCode).toBeNull();
  });

  it.each([
    [
      'a body that never finishes',
      'POST /graphql HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"query":',
    ],
    ['headers that never finish', 'POST /graphql HTTP/1.1\r\nhost: gateway\r\ncontent-type: appl'],
  ])('cuts off %s after its deadline, with 408', async (_, partial) => {
    const { child, url } = await startServer({ HEADERS_TIMEOUT_MS: '500', REQUEST_BODY_TIMEOUT_MS: '1000' });
    const stalled = await openSocket(url, partial);
    const started = Date.now();
    const answer = await stalled.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    // Generous: the point is seconds, not Node's default of 300 s.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await readAda(url)).toEqual(ADA);
    expect(child.exitCode).toBeNull();
  });

  it('keeps an idle keep-alive connection open for KEEP_ALIVE_TIMEOUT_MS, then closes it', async () => {
    const { url } = await startServer({ KEEP_ALIVE_TIMEOUT_MS: '1000' });
    const client = await openSocket(url, 'GET /healthz HTTP/1.1\r\nhost: gateway\r\n\r\n');
    await expect.poll(client.received, { timeout: 5_000 }).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(client.received()).toMatch(/\r\nKeep-Alive: timeout=1\r\n/);
    await client.closed;
    expect(client.socket.destroyed).toBe(true);
  });

  it('tells clients the default keep-alive, above a load balancer idle timeout of 60 s', async () => {
    const { url } = await startServer({});
    const client = await openSocket(url, 'GET /healthz HTTP/1.1\r\nhost: gateway\r\n\r\n');
    await expect.poll(client.received, { timeout: 5_000 }).toMatch(/\r\nKeep-Alive: timeout=65\r\n/);
  });
});
