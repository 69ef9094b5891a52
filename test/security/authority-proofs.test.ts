import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthorityProofs } from '../../src/security/identity.js';

/**
 * A proof that a token reaches a customer stands for that token and customer only, for its TTL; reads in
 * flight together are one read, and a refused read proves nothing.
 */
describe('AuthorityProofs', () => {
  afterEach(() => vi.useRealTimers());

  const counting = () => {
    const read = vi.fn(async () => {});
    return read;
  };

  it('holds for the same token and customer only', async () => {
    const proofs = new AuthorityProofs(60_000);
    const read = counting();
    await proofs.prove('Bearer admin', 'c1', read);
    await proofs.prove('Bearer admin', 'c1', read);
    expect(read).toHaveBeenCalledTimes(1);
    await proofs.prove('Bearer admin', 'c2', read);
    await proofs.prove('Bearer partner', 'c1', read);
    await proofs.prove(undefined, 'c1', read);
    expect(read).toHaveBeenCalledTimes(4);
  });

  it('shares one read among proofs in flight together, and a refusal with all of them, remembering nothing', async () => {
    const proofs = new AuthorityProofs(60_000);
    const refused = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error('401');
    });
    const answers = await Promise.allSettled([1, 2, 3].map(() => proofs.prove('t', 'c1', refused)));
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(refused).toHaveBeenCalledTimes(1);
    await expect(proofs.prove('t', 'c1', refused)).rejects.toThrow('401');
    expect(refused).toHaveBeenCalledTimes(2);
  });

  it('lapses after its TTL', async () => {
    vi.useFakeTimers();
    const proofs = new AuthorityProofs(60_000);
    const read = counting();
    await proofs.prove('t', 'c1', read);
    vi.advanceTimersByTime(59_000);
    await proofs.prove('t', 'c1', read);
    expect(read).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2_000);
    await proofs.prove('t', 'c1', read);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
