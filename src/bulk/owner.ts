import { actorOf } from '../observability/audit.js';

/**
 * Who owns a job or an upload: the caller's token, hashed as the audit trail names actors. `Bearer`, case
 * and spaces around it do not make another caller. Without a token there is no owner (NotAuthorizedError).
 */
export function ownerOf(authorization: string | undefined): string | undefined {
  const token = authorization
    ?.trim()
    .replace(/^bearer\s+/i, '')
    .trim();
  return token ? actorOf(token) : undefined;
}
