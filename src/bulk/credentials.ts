import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The credential a running job needs (its owner's Authorization header), sealed with AES-256-GCM under
 * BULK_CREDENTIAL_KEY before it reaches Redis: Redis, its backups and an operator reading it see only
 * ciphertext. The job id is the associated data, so a sealed credential cannot be moved to another job.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class CredentialSeal {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('a credential key is 32 bytes');
  }

  /** A key for this process alone: the embedded Redis dies with it, so no other replica needs it. */
  static ephemeral(): CredentialSeal {
    return new CredentialSeal(randomBytes(32));
  }

  seal(jobId: string, authorization: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(jobId));
    const body = Buffer.concat([cipher.update(authorization, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The credential, or undefined when it was sealed under another key or for another job. */
  open(jobId: string, sealed: string): string | undefined {
    try {
      const bytes = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(jobId));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
