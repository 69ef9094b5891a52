import {
  type FieldNode,
  getArgumentValues,
  type GraphQLResolveInfo,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { customerRefSchema, locationGlobalIdSchema } from '../../domain/global-ids.js';

/**
 * The customer (and location) the mutation being answered acts on, decoded from its `input` as sent.
 * Errors and reports name raw upstream ids; a Location's or WifiNode's global ID also needs the customer,
 * which only the mutation's input holds. Resolvers nested under a mutation field read it from here, so
 * no error class has to carry ids it does not need for its own message.
 */
export interface MutationTarget {
  customerId?: string;
  locationId?: string;
}

/** The root field node whose answer `info` is inside (matched by response key, through fragments). */
function rootFieldNode(info: GraphQLResolveInfo): FieldNode | undefined {
  let path = info.path;
  while (path.prev) path = path.prev;
  const find = (selectionSet: SelectionSetNode): FieldNode | undefined => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if ((selection.alias ?? selection.name).value === path.key) return selection;
      } else {
        const set =
          selection.kind === Kind.INLINE_FRAGMENT
            ? selection.selectionSet
            : info.fragments[selection.name.value]?.selectionSet;
        const found = set && find(set);
        if (found) return found;
      }
    }
    return undefined;
  };
  return find(info.operation.selectionSet);
}

export function mutationTarget(info: GraphQLResolveInfo): MutationTarget {
  const node = rootFieldNode(info);
  const field = node && info.schema.getMutationType()?.getFields()[node.name.value];
  if (info.operation.operation !== 'mutation' || !node || !field) return {};
  const { input } = getArgumentValues(field, node, info.variableValues) as { input?: unknown };
  if (!input || typeof input !== 'object') return {};
  const { locationId, customerId } = input as Record<string, unknown>;
  const location = locationGlobalIdSchema.safeParse(locationId).data;
  if (location) return location;
  return { customerId: customerRefSchema.safeParse(customerId).data };
}
