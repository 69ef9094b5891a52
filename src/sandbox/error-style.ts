/**
 * How a simulator renders its error bodies (SANDBOX_ERROR_STYLE). Neither contract publishes error bodies,
 * so the gateway must not depend on the codes the simulators chose: `coded` is the simulator's own body
 * with a `code`, `plain` is LoopBack's default shape without one, `empty` sends no body at all.
 */
export const errorStyles = ['coded', 'plain', 'empty'] as const;
export type ErrorStyle = (typeof errorStyles)[number];

/** The style named by SANDBOX_ERROR_STYLE (default `coded`); any other value stops the start with a message. */
export function errorStyleFromEnv(env: NodeJS.ProcessEnv = process.env): ErrorStyle {
  const value = env.SANDBOX_ERROR_STYLE ?? 'coded';
  if ((errorStyles as readonly string[]).includes(value)) return value as ErrorStyle;
  throw new Error(
    `SANDBOX_ERROR_STYLE must be one of ${errorStyles.join(', ')}; got ${JSON.stringify(value)}`,
  );
}
