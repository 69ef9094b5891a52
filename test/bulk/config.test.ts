import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The bulk-job settings: their defaults, and each bad value refused at start with its name. */

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return undefined;
};

describe('bulk-job settings', () => {
  it('default to 20 requests per second toward each backend, 4 items per replica, half the event loop, and no key', () => {
    expect(loadConfig({}).bulk).toEqual({
      rates: { plume: 20, services: 20 },
      concurrency: 4,
      loopShare: 0.5,
      credentialKey: undefined,
    });
  });

  it('read rates, concurrency, the loop share and the credential key', () => {
    const key = randomBytes(32);
    const { bulk } = loadConfig({
      BULK_RATE_PLUME: '2.5',
      BULK_RATE_SERVICES: '50',
      BULK_CONCURRENCY: '8',
      BULK_LOOP_SHARE: '1',
      BULK_CREDENTIAL_KEY: key.toString('base64'),
    });
    expect(bulk).toEqual({
      rates: { plume: 2.5, services: 50 },
      concurrency: 8,
      loopShare: 1,
      credentialKey: key,
    });
  });

  it('refuse a key that is not 32 bytes of base64, without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    const message = refusal({ BULK_CREDENTIAL_KEY: short });
    expect(message).toMatch(/BULK_CREDENTIAL_KEY: must be 32 bytes, base64-encoded/);
    expect(message).not.toContain(short);
  });

  it('refuse a rate of 0, a loop share outside 0.1–1, and a concurrency above a quarter of UPSTREAM_CONNECTIONS', () => {
    expect(refusal({ BULK_RATE_PLUME: '0' })).toMatch(/BULK_RATE_PLUME/);
    expect(refusal({ BULK_LOOP_SHARE: '0' })).toMatch(/BULK_LOOP_SHARE/);
    expect(refusal({ BULK_LOOP_SHARE: '1.5' })).toMatch(/BULK_LOOP_SHARE/);
    expect(refusal({ BULK_CONCURRENCY: '9' })).toMatch(
      /BULK_CONCURRENCY: must be at most a quarter of UPSTREAM_CONNECTIONS/,
    );
    expect(refusal({ BULK_CONCURRENCY: '16', UPSTREAM_CONNECTIONS: '64' })).toBeUndefined();
  });
});
