import { readdirSync, readFileSync } from 'node:fs';
import {
  buildSchema,
  type DocumentNode,
  getNamedType,
  isAbstractType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from 'graphql';
import { customerIds, DEMO_ADMIN_TOKEN, locationIds } from '../../src/sandbox/seed.js';
import { toGlobalId } from '../../src/domain/global-ids.js';

/**
 * What the persisted-operation client tests share: every operation of clients/ (read from its file as an
 * app ships it), variables for its queries, a fetch that counts requests, and a check that an answer holds
 * every field its document asked for.
 */

export interface ClientOperation {
  /** Path under clients/. */
  file: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  text: string;
  document: DocumentNode;
}

const clients = new URL('../../clients/', import.meta.url);

export const clientOperations: ClientOperation[] = readdirSync(clients, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.graphql'))
  .sort()
  .map((file) => {
    const text = readFileSync(new URL(file, clients), 'utf8');
    const document = parse(text);
    const operation = document.definitions[0] as OperationDefinitionNode;
    return { file, name: operation.name!.value, type: operation.operation, text, document };
  });

export const clientQueries = clientOperations.filter((operation) => operation.type === 'query');

/** A value for each variable the clients' queries take, by name: Ada's data. */
const valuesByName: Record<string, unknown> = {
  customerId: toGlobalId('Customer', customerIds.ada),
  id: toGlobalId('WifiNode', customerIds.ada, locationIds.adaHome, 'AA11000001'),
  locationId: toGlobalId('Location', customerIds.ada, locationIds.adaHome),
};

/** The variables a query needs (its required ones; a new name fails here until it gets a value above). */
export function variablesFor(document: DocumentNode): Record<string, unknown> {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  const variables: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (name in valuesByName) variables[name] = valuesByName[name];
    else if (definition.type.kind === Kind.NON_NULL_TYPE && !definition.defaultValue) {
      throw new Error(`no test value for the variable $${name}: add one to valuesByName`);
    }
  }
  return variables;
}

export const authorization = { authorization: DEMO_ADMIN_TOKEN };

/** A fetch that counts the requests a client sends, and keeps their bodies (or GET URLs). */
export function countingFetch() {
  const counter = {
    sent: [] as Array<{ method: string; url: string; body?: string }>,
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      counter.sent.push({
        method: init?.method ?? 'GET',
        url,
        body: typeof init?.body === 'string' ? init.body : undefined,
      });
      return fetch(input, init);
    },
  };
  return counter;
}

const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

/**
 * The paths of the fields `document` selects that `data` lacks (undefined): what a client whose cache
 * drops fields (a document run without `__typename`) would show. Type conditions are matched with the
 * schema, by the object's `__typename`; its absence is missing data, unless `untyped` (Relay's reader
 * data has no `__typename` that was not asked for: those fragments are left to Relay's isMissingData).
 */
export function missingFields(document: DocumentNode, data: unknown, { untyped = false } = {}): string[] {
  const missing: string[] = [];
  const walk = (selectionSet: SelectionSetNode, value: unknown, path: string) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(selectionSet, item, `${path}.${index}`));
      return;
    }
    const object = value as Record<string, unknown>;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (!(key in object) || object[key] === undefined) missing.push(`${path}.${key}`);
        else if (selection.selectionSet) walk(selection.selectionSet, object[key], `${path}.${key}`);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        const typename = object.__typename as string | undefined;
        if (!condition) {
          walk(selection.selectionSet, value, path);
          continue;
        }
        if (typename === undefined) {
          if (!untyped) missing.push(`${path}.__typename (for ... on ${condition})`);
          continue;
        }
        const conditionType = getNamedType(schema.getType(condition));
        const objectType = schema.getType(typename);
        const applies =
          condition === typename ||
          (conditionType && objectType && isAbstractType(conditionType)
            ? schema.isSubType(conditionType, objectType as never)
            : false);
        if (applies) walk(selection.selectionSet, value, path);
      }
    }
  };
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operation?.kind === Kind.OPERATION_DEFINITION) walk(operation.selectionSet, data, 'data');
  return missing;
}
