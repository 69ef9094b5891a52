import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy for the bench. With `oneWayMs` it holds every chunk that long in each direction, so a client
 * behind it sees a round trip of 2 × oneWayMs (this kernel has no netem; timers add about 1 ms of slack each
 * way; equal delays fire in order, so chunks keep theirs). With `onRequest` it reports the time each HTTP/1.1
 * request starts (a client chunk opening with a method), to see how a server's upstream calls line up.
 */
export interface TcpProxy {
  url: string;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  oneWayMs?: number;
  onRequest?: (at: number) => void;
}

const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /;

function pipe(from: Socket, to: Socket, oneWayMs: number, onChunk?: (chunk: Buffer) => void): void {
  from.on('data', (chunk: Buffer) => {
    onChunk?.(chunk);
    if (oneWayMs === 0) to.write(chunk);
    else setTimeout(() => to.destroyed || to.write(chunk), oneWayMs);
  });
  from.on('end', () => setTimeout(() => to.end(), oneWayMs));
  from.on('error', () => to.destroy());
}

export async function startTcpProxy(
  targetUrl: string,
  { oneWayMs = 0, onRequest }: TcpProxyOptions = {},
): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const onChunk = onRequest
    ? (chunk: Buffer) => REQUEST_LINE.test(chunk.toString('latin1', 0, 8)) && onRequest(performance.now())
    : undefined;
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    pipe(client, upstream, oneWayMs, onChunk);
    pipe(upstream, client, oneWayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `${target.protocol}//127.0.0.1:${port}${target.pathname === '/' ? '' : target.pathname}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Sequential upstream waves among calls started at `starts` (ms), each held at least `delayMs` by the
 * simulators: a call starting `delayMs` or more after another began cannot have run beside it.
 */
export function countWaves(starts: number[], delayMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  const depth: number[] = [];
  sorted.forEach((start, i) => {
    let best = 0;
    for (let j = 0; j < i; j++) if (sorted[j]! + delayMs <= start) best = Math.max(best, depth[j]!);
    depth.push(best + 1);
  });
  return Math.max(0, ...depth);
}
