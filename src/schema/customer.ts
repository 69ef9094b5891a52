import { builder } from '../builder.js';
import { NotFoundError } from '../errors.js';
import { itemOrError } from '../loaders.js';
import { confirmWrite, type Confirmed } from '../upstream/http/ambiguity.js';
import type { Customer } from '../upstream/plume/plume-model.js';
import { destructiveField } from './support/mutation.js';
import { wifiErrors } from './error-types/mutation-errors.js';
import { customerRefSchema, toGlobalId } from '../domain/global-ids.js';
import { splitIds } from './support/ids.js';
import { MAX_IDS, perId, UPSTREAM_CALL, UPSTREAM_LIST } from './support/cost.js';
import { confirmedByField } from './support/read-back.js';
import { CustomerRef, LocationRef, SubAccountServiceRef } from './refs.js';
import { selects } from './support/selection.js';
import { servicesConnectionField } from './service-list.js';

/** A subscriber in the WiFi cloud, with its sub-account in the services backend. */
builder.node(CustomerRef, {
  description: 'A subscriber (WiFi cloud customer) and the services on its sub-account.',
  id: { resolve: (customer) => customer.id, parse: (id) => splitIds('Customer', id)[0] },
  loadOne: (id, ctx) => itemOrError(ctx.loaders.customer.load(id)),
  fields: (t) => ({
    customerId: t.exposeString('id', { description: 'The WiFi cloud customer id.' }),
    accountId: t.exposeString('accountId', { description: "The ISP's account id for this customer." }),
    subAccountId: t.string({
      description: 'The services backend sub-account of this customer (see the id mapping in the README).',
      resolve: (customer, _, ctx) => ctx.mapping.subAccountId(customer),
    }),
    name: t.exposeString('name', { description: 'Full name.' }),
    email: t.field({ type: 'EmailAddress', description: 'Contact email.', resolve: (c) => c.email }),
    autoProvisioned: t.exposeBoolean('autoProvisioned', {
      description: 'Auto-provisioned customers may have zero locations; others always keep at least one.',
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the customer was created.',
      resolve: (c) => c.createdAt,
    }),
    locations: t.field({
      type: [LocationRef],
      nullable: true,
      description:
        "The customer's locations (homes), oldest first. Null (with its error at this path) when reading them fails.",
      complexity: UPSTREAM_LIST,
      args: {
        includeArchived: t.arg.boolean({
          required: true,
          defaultValue: false,
          description: 'Also list archived (cancelled) locations.',
        }),
      },
      resolve: async (customer, { includeArchived }, ctx) =>
        (await ctx.loaders.locations.load(customer.id))
          .filter((l) => includeArchived || !l.archived)
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    }),
    services: servicesConnectionField(
      t,
      SubAccountServiceRef,
      "Services on the customer's sub-account (services contract: Services: List (Sub-Account)).",
      (customer, ctx) => ({
        list: { scope: 'subAccount', ownerId: ctx.mapping.subAccountId(customer) },
        owner: { customerId: customer.id },
      }),
    ),
  }),
});

builder.queryFields((t) => ({
  customer: t.field({
    type: CustomerRef,
    nullable: true,
    description:
      'A customer by global ID or WiFi cloud customer id, as the Authorization token allows. Null (with its error at this path) when it cannot be read.',
    complexity: UPSTREAM_CALL,
    args: {
      id: t.arg
        .id({ required: true, description: 'Customer global ID or WiFi cloud customer id.' })
        .validate(customerRefSchema),
    },
    resolve: (_, { id }, ctx, info) => {
      // The locations list needs only the customer id: read it beside the customer, not one wave later.
      // Through the same loader, so Customer.locations makes no second call; a failure surfaces there.
      if (selects(info, 'locations')) ctx.loaders.locations.load(id).catch(() => undefined);
      return ctx.loaders.customer.load(id);
    },
  }),
  customers: t.field({
    type: [CustomerRef],
    nullable: { list: false, items: true },
    description:
      'Several customers in one call (batched upstream); null, with an error, for each one that cannot be read.',
    args: {
      ids: t.arg
        .idList({
          required: true,
          description: `Customer global IDs or WiFi cloud customer ids (at most ${MAX_IDS}).`,
        })
        .validate(customerRefSchema.array().max(MAX_IDS, `at most ${MAX_IDS} ids`)),
    },
    complexity: perId,
    // graphql-js turns an Error item into null plus a located error for that item.
    resolve: (_, { ids }, ctx) => ctx.loaders.customer.loadMany(ids) as Promise<Customer[]>,
  }),
}));

const DeleteCustomerInput = builder.inputType('DeleteCustomerInput', {
  description: 'The customer to delete.',
  fields: (t) => ({
    customerId: t
      .id({ required: true, description: 'The Customer global ID, or the WiFi cloud customer id.' })
      .validate(customerRefSchema),
  }),
});

const DeleteCustomerSuccess = builder
  .objectRef<Confirmed<{ customerId: string; count: number }>>('DeleteCustomerSuccess')
  .implement({
    description:
      'The customer was deleted, its locations archived and its nodes unclaimed; a GDPR delete has started.',
    fields: (t) => ({
      deletedCustomerId: t.id({
        description: 'Global ID of the deleted customer.',
        resolve: (r) => toGlobalId('Customer', r.customerId),
      }),
      customerId: t.exposeString('customerId', {
        description: 'The WiFi cloud customer id.',
        deprecationReason:
          "A raw WiFi cloud id beside the global one: use deletedCustomerId (for Relay's @deleteRecord, Apollo's cache.evict).",
      }),
      count: t.exposeInt('count', {
        description:
          'How many customers the WiFi cloud deleted (1; also 1 when a read-back found the customer gone).',
      }),
      confirmedBy: t.field(confirmedByField),
    }),
  });

builder.mutationField('deleteCustomer', (t) =>
  t.field({
    type: DeleteCustomerSuccess,
    description:
      'Full account service cancellation (WiFi cloud contract): deletes the customer, archives all its locations, unclaims all its hardware and starts a GDPR delete. License note: reduces the number of Plume licenses consumed by the ISP. Services on the sub-account are not touched: cancel them with cancelAllSubAccountServices.',
    ...destructiveField(DeleteCustomerInput, [...wifiErrors], (input, ctx) => {
      const { customerId } = input;
      return confirmWrite(ctx, {
        operation: 'deleteCustomer',
        // A second delete of the same customer is a 404: harmless, and no second GDPR delete starts.
        safeToRetry: true,
        write: async () => ({ customerId, count: (await ctx.plume.deleteCustomer(customerId)).count }),
        check: () =>
          ctx.plume.getCustomer(customerId).then(
            () => undefined,
            (error: unknown) =>
              error instanceof NotFoundError && error.resource === 'Customer'
                ? { customerId, count: 1 }
                : undefined,
          ),
        forget: () => {
          ctx.loaders.customer.clear(customerId);
          ctx.loaders.locations.clear(customerId);
        },
      });
    }),
  }),
);
