/**
 * What a workflow plans and reports, as plain data: the schema (src/schema/workflow-report.ts) and bulk
 * jobs' items read it without the runner (src/workflows/runner.ts), which needs the request context.
 */

export type Backend = 'WIFI_CLOUD' | 'SERVICES' | 'GATEWAY';
export type StepStatus = 'PLANNED' | 'DONE' | 'ALREADY_DONE' | 'FAILED' | 'NOT_STARTED';

export interface PlannedService {
  kind: 'location' | 'subAccount';
  serviceId: number;
  sku: string;
  quantity: number;
  agreementId: number;
  ownerId: string;
}

/** What a workflow will do, from live reads, in the shape a preview and a report share. */
export interface Preview {
  nodesToUnclaim: string[];
  servicesToStop: PlannedService[];
  locationsToArchive: string[];
  newEmptyLocation: boolean;
  gdprDeleteStarts: boolean;
  serviceLevel?: { from: string; to: string };
}

/** A preview with nothing in it, for workflows that touch none of these (suspend, restore). */
export const NOTHING_REMOVED: Omit<Preview, 'serviceLevel'> = {
  nodesToUnclaim: [],
  servicesToStop: [],
  locationsToArchive: [],
  newEmptyLocation: false,
  gdprDeleteStarts: false,
};

export interface StepReport {
  name: string;
  backend: Backend;
  status: StepStatus;
  detail: string;
  licenseEffect: string;
  upstreamRequestIds: string[];
  error?: { code: string; message: string };
}

export interface WorkflowReport {
  workflow: string;
  dryRun: boolean;
  replayed: boolean;
  completed: boolean;
  preview: Preview;
  steps: StepReport[];
}
