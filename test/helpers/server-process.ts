import { type ChildProcess, spawn } from 'node:child_process';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { DEMO_ADMIN_TOKEN } from '../../src/sandbox/seed.js';

/**
 * The gateway as `npm start` runs it: a separate process, real HTTP only. PORT=0 lets the OS pick a free
 * port; the start-up log line says which.
 */

const serverEntry = new URL('../../src/server.ts', import.meta.url).pathname;
// Node itself with tsx's loader, not the tsx wrapper: one process, so signals reach the server directly
// and a killed test leaves no orphan holding ports.
export const nodeArgs = ['--import', 'tsx', serverEntry];

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

export function startServer(
  env: Record<string, string> = {},
  running: ChildProcess[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
      if (match) resolve({ child, url: match[1]!, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

/** The simulators' base URLs, from the line a gateway on the embedded default logs when it starts them. */
export function simulatorUrls(output: string): { plume: string; services: string } {
  const match = /"plume":"(http:[^"]+)","services":"(http:[^"]+)"/.exec(output);
  if (!match) throw new Error(`the gateway logged no simulators:\n${output}`);
  return { plume: match[1]!, services: match[2]! };
}

/** Runs a typed operation against a gateway at `url` with the demo admin token. */
export async function executeAt<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<{ data?: TResult; errors?: unknown[] }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: DEMO_ADMIN_TOKEN },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as { data?: TResult; errors?: unknown[] };
}
