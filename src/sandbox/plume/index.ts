import { createPlumeApp } from './app.js';
import { injectedErrorBody } from './errors.js';
import { PlumeState } from './state.js';
import { SandboxControl } from '../control.js';
import { listen } from '../listen.js';
import type { SandboxSeed } from '../scale-seed.js';

export { createPlumeApp } from './app.js';
export { PlumeState, type CustomerInspection, type PlumeStateOptions } from './state.js';
export { PlumeError, injectedErrorBody, type LoopBackErrorBody, type PlumeErrorCode } from './errors.js';
export type * from './models.js';

export interface PlumeSimulator {
  /** Base URL without a trailing slash; the API lives under `${url}/api`. */
  url: string;
  state: PlumeState;
  control: SandboxControl;
  close(): Promise<void>;
}

/** Starts a fresh WiFi cloud simulator seeded from `../seed.ts`, on loopback (ephemeral port by default). */
export async function startPlumeSimulator(
  opts: { port?: number; host?: string; seed?: SandboxSeed } = {},
): Promise<PlumeSimulator> {
  const state = new PlumeState({ seed: opts.seed });
  const control = new SandboxControl(injectedErrorBody);
  const { url, close } = await listen(createPlumeApp(state, control), opts);
  return { url, state, control, close };
}
