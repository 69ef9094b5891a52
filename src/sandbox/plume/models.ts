import type { SeedCustomer, SeedNode, ServiceLevelStatus } from '../seed.js';

/** The JSON shapes the WiFi cloud answers with (docs/backends.md, "Models"), and the records behind them. */

export const serviceLevelStatuses = [
  'noService',
  'basicService',
  'fullService',
] as const satisfies readonly ServiceLevelStatus[];

export type Customer = SeedCustomer;

export interface Location {
  id: string;
  customerId: string;
  name: string;
  createdAt: string;
  archived: boolean;
  archivedAt: string | null;
}

export type ConnectionState = 'connected' | 'disconnected';

export interface Node {
  id: string;
  serialNumber: string;
  locationId: string;
  model: string;
  nickname: string;
  firmwareVersion: string;
  connectionState: ConnectionState;
  claimedAt: string;
}

export interface ServiceLevel {
  status: ServiceLevelStatus;
  createdAt: string;
  updatedAt: string;
}

/** A LoopBack access token as login returns it; `ttl` is in seconds. */
export interface AccessToken {
  id: string;
  ttl: number;
  created: string;
  userId: string;
}

/** What the GDPR delete workflow was asked to erase (contract: "Full Account Service Cancellation"). */
export interface GdprDeleteRequest {
  customerId: string;
  accountId: string;
  requestedAt: string;
}

export interface CustomerRecord extends Customer {
  deletedAt: string | null;
}

export interface LocationRecord extends Omit<Location, 'archived'> {
  serviceLevel: ServiceLevel;
}

export type NodeRecord = SeedNode;

export function toCustomer({ deletedAt: _deletedAt, ...customer }: CustomerRecord): Customer {
  return customer;
}

export function toLocation({ id, customerId, name, createdAt, archivedAt }: LocationRecord): Location {
  return { id, customerId, name, createdAt, archived: archivedAt !== null, archivedAt };
}

/** Pods stop reporting when the service level turns WiFi off; otherwise the simulator keeps them online. */
export function toNode(node: NodeRecord, location: LocationRecord): Node {
  const { serialNumber, locationId, model, nickname, firmwareVersion, claimedAt } = node;
  const connectionState = location.serviceLevel.status === 'noService' ? 'disconnected' : 'connected';
  return {
    id: serialNumber,
    serialNumber,
    locationId,
    model,
    nickname,
    firmwareVersion,
    connectionState,
    claimedAt,
  };
}

export function toServiceLevel(location: LocationRecord): ServiceLevel {
  return { ...location.serviceLevel };
}
