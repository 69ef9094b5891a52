import { z } from 'zod';
import { serviceLevelStatuses } from '../../domain/service-level.js';

/** The WiFi cloud's models: wire shapes checked at the boundary, the same camelCase the graph uses. */

export const customerSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  email: z.string(),
  autoProvisioned: z.boolean(),
  createdAt: z.string(),
});
export const locationSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  archived: z.boolean(),
  archivedAt: z.string().nullish(),
});
const nodeSchema = z.object({
  id: z.string(),
  serialNumber: z.string(),
  locationId: z.string(),
  model: z.string(),
  nickname: z.string().nullish(),
  firmwareVersion: z.string().nullish(),
  connectionState: z.string(),
  claimedAt: z.string().nullish(),
});
export const serviceLevelSchema = z.object({
  status: z.enum(serviceLevelStatuses),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// Built once (zod compiles a schema on first use), not per call.
export const customersSchema = z.array(customerSchema);
export const locationsSchema = z.array(locationSchema);
export const nodesSchema = z.object({ nodes: z.array(nodeSchema) });
export const deletedSchema = z.object({ count: z.number() });

export type Customer = z.infer<typeof customerSchema>;
export type Location = z.infer<typeof locationSchema>;
export type WifiNode = z.infer<typeof nodeSchema>;
export type ServiceLevel = z.infer<typeof serviceLevelSchema>;
