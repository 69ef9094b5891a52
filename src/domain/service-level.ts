/**
 * A location's service level, as the WiFi cloud names it (contract: Account Suspension / Reduced
 * functionality). Shared by the adapter, the domain errors and the workflows, so none imports another.
 */
export const serviceLevelStatuses = ['noService', 'basicService', 'fullService'] as const;
export type ServiceLevelStatus = (typeof serviceLevelStatuses)[number];
