import { pino, type Logger } from 'pino';

/**
 * The one logger. Redaction is a second line of defence: no code path logs headers, but if one ever
 * does, tokens and API keys are censored rather than written out.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'subscriber-graph' },
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        '*.headers.authorization',
        '*.headers["api-key"]',
        'apiKey',
        '*.apiKey',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
