import { createPlumeApp } from './app.js';
import { injectedErrorBody } from './errors.js';
import { PlumeState } from './state.js';
import { SandboxControl } from '../control.js';
import { type ErrorStyle, errorStyleFromEnv } from '../error-style.js';
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

/**
 * Starts a fresh WiFi cloud simulator seeded from `../seed.ts` (or `seed`), on loopback (ephemeral port by
 * default). `errorStyle` shapes its error bodies (default: SANDBOX_ERROR_STYLE, else `coded`).
 */
export async function startPlumeSimulator({
  errorStyle = errorStyleFromEnv(),
  seed,
  ...opts
}: {
  port?: number;
  host?: string;
  errorStyle?: ErrorStyle;
  seed?: SandboxSeed;
} = {}): Promise<PlumeSimulator> {
  const state = new PlumeState({ seed });
  const control = new SandboxControl(injectedErrorBody(errorStyle));
  const { url, close } = await listen(createPlumeApp(state, control, errorStyle), opts);
  return { url, state, control, close };
}
