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

/** How long an opened credential stays in a worker's memory. */
const OPENED_FOR_MS = 60_000;

/**
 * The credentials of the jobs a worker is running, opened in its memory only. The sealed value is read each
 * time (a resume seals a new one; an ended job has none), opened once per sealed value, and kept a minute at
 * most.
 */
export class OpenedCredentials {
  private readonly opened = new Map<string, { sealed: string; authorization?: string; until: number }>();

  constructor(
    private readonly seal: CredentialSeal,
    /** The job's sealed credential, as stored. */
    private readonly sealedOf: (jobId: string) => Promise<string | undefined>,
  ) {}

  /** The job's credential; undefined when it has none or it was sealed under another key. */
  async open(jobId: string): Promise<string | undefined> {
    const now = Date.now();
    for (const [job, entry] of this.opened) if (entry.until < now) this.opened.delete(job);
    const sealed = await this.sealedOf(jobId);
    if (!sealed) return undefined;
    const cached = this.opened.get(jobId);
    if (cached?.sealed === sealed) return cached.authorization;
    const authorization = this.seal.open(jobId, sealed);
    this.opened.set(jobId, { sealed, authorization, until: now + OPENED_FOR_MS });
    return authorization;
  }

  forget(jobId: string): void {
    this.opened.delete(jobId);
  }
}
