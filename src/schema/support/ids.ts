import { PothosValidationError } from '@pothos/core';
import { type GlobalTypename, type IdParts, idsIn } from '../../domain/global-ids.js';

/**
 * `id.parse` of a node type: the ids inside its global ID, for node(id:)/nodes(ids:). A malformed one is
 * an input error (BAD_USER_INPUT, see src/yoga.ts), so it never reaches a loader.
 */
export function splitIds<T extends GlobalTypename>(typename: T, inner: string): IdParts[T] {
  const ids = idsIn(typename, inner);
  if (!ids) throw new PothosValidationError(`Invalid ${typename} global ID: malformed ids inside it.`);
  return ids;
}
