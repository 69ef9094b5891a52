import type { RecordedRequest } from '../../src/sandbox/control.js';

/**
 * The simulators' test controls over HTTP (`/__sandbox/...`, src/sandbox/control.ts), for a simulator a
 * test reaches only by its URL: one a gateway process started, or the controls themselves under test.
 * A gateway in the test's own process (test/helpers/gateway.ts) has them as `sandbox.<backend>.control`.
 */

/**
 * Makes the simulator at `simulatorUrl` fail or stall the requests a fault matches (its fields: `Fault` in
 * src/sandbox/control.ts). Resolves to the control's status: 204, or 400 for a malformed fault.
 */
export async function injectFault(simulatorUrl: string, fault: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${simulatorUrl}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  await response.body?.cancel();
  return response.status;
}

/** Removes every fault injected into the simulator at `simulatorUrl`; resolves to the control's status. */
export async function clearFaults(simulatorUrl: string): Promise<number> {
  const response = await fetch(`${simulatorUrl}/__sandbox/faults`, { method: 'DELETE' });
  await response.body?.cancel();
  return response.status;
}

/** The API requests the simulator at `simulatorUrl` served since its log was last cleared. */
export async function recordedRequests(simulatorUrl: string): Promise<RecordedRequest[]> {
  return (await (await fetch(`${simulatorUrl}/__sandbox/requests`)).json()) as RecordedRequest[];
}

/** Empties the request log of the simulator at `simulatorUrl`. */
export async function clearRecordedRequests(simulatorUrl: string): Promise<void> {
  await (await fetch(`${simulatorUrl}/__sandbox/requests`, { method: 'DELETE' })).body?.cancel();
}
