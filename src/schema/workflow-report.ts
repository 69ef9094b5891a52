import { builder } from '../builder.js';
import type { PlannedService, Preview, StepReport, WorkflowReport } from '../workflows/report.js';
import { ServiceLevel } from './refs.js';

/** The report every workflow answers with, for a preview, a real run, a resume and a replay alike. */

const StepStatus = builder.enumType('WorkflowStepStatus', {
  description: 'Where a workflow step stands.',
  values: {
    PLANNED: { description: 'Dry run: the step would run.' },
    DONE: { description: 'The step ran and changed what it names.' },
    ALREADY_DONE: {
      description: 'The work was found done already (stopped, archived, deleted): nothing left to change.',
    },
    FAILED: { description: 'The step failed; run again with the same idempotencyKey to resume here.' },
    NOT_STARTED: { description: 'An earlier step failed, so this one did not run.' },
  } as const,
});

const Backend = builder.enumType('WorkflowBackend', {
  description: 'Where a step acts.',
  values: {
    WIFI_CLOUD: { description: 'The WiFi cloud.' },
    SERVICES: { description: 'The services backend.' },
    GATEWAY: { description: "The gateway's own store (e.g. the level remembered for restoreLocation)." },
  } as const,
});

const StepError = builder.objectRef<{ code: string; message: string }>('WorkflowStepError').implement({
  description: 'Why a step failed.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'The error code, e.g. NOT_FOUND or UPSTREAM_ERROR.' }),
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
  }),
});

const Step = builder.objectRef<StepReport>('WorkflowStep').implement({
  description: 'One step of a workflow: one write to one backend.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The step, e.g. stopLocationServices.' }),
    backend: t.field({ type: Backend, description: 'Where it acts.', resolve: (s) => s.backend }),
    status: t.field({ type: StepStatus, description: 'Where it stands.', resolve: (s) => s.status }),
    detail: t.exposeString('detail', { description: 'What it does, with the ids it acts on.' }),
    licenseEffect: t.exposeString('licenseEffect', {
      description: 'Its effect on Plume licenses, as the contracts state it.',
    }),
    upstreamRequestIds: t.exposeStringList('upstreamRequestIds', {
      description: "The backend's own request ids for this step's calls, where it sends them.",
    }),
    error: t.field({
      type: StepError,
      nullable: true,
      description: 'Why it failed; null unless FAILED.',
      resolve: (s) => s.error ?? null,
    }),
  }),
});

const PlannedServiceType = builder.objectRef<PlannedService>('PlannedService').implement({
  description: 'A service a workflow stops, as the plan read it.',
  fields: (t) => ({
    serviceId: t.exposeInt('serviceId', { description: 'The services backend id.' }),
    sku: t.exposeString('sku', { description: 'The SKU.' }),
    quantity: t.exposeInt('quantity', { description: 'Units provisioned (1 for location services).' }),
    agreementId: t.exposeInt('agreementId', { description: 'The agreement it is under.' }),
    ownerId: t.exposeString('ownerId', { description: 'The services location id or sub-account id.' }),
  }),
});

const LevelChange = builder.objectRef<NonNullable<Preview['serviceLevel']>>('ServiceLevelChange').implement({
  description: 'A service level change.',
  fields: (t) => ({
    from: t.field({ type: ServiceLevel, description: 'The level now.', resolve: (c) => c.from as never }),
    to: t.field({ type: ServiceLevel, description: 'The level after.', resolve: (c) => c.to as never }),
  }),
});

const PreviewType = builder.objectRef<Preview>('WorkflowPreview').implement({
  description: 'What the workflow does, from live reads made when it was planned.',
  fields: (t) => ({
    nodesToUnclaim: t.exposeStringList('nodesToUnclaim', { description: 'Serials of nodes it unclaims.' }),
    servicesToStop: t.field({
      type: [PlannedServiceType],
      description: 'Services it stops.',
      resolve: (p) => p.servicesToStop,
    }),
    locationsToArchive: t.exposeStringList('locationsToArchive', {
      description: 'WiFi cloud ids of the locations it archives.',
    }),
    newEmptyLocation: t.exposeBoolean('newEmptyLocation', {
      description:
        "Whether the WiFi cloud then creates a new empty location: the last live location of a customer that is not auto-provisioned (contract's last-location rule).",
    }),
    gdprDeleteStarts: t.exposeBoolean('gdprDeleteStarts', {
      description: 'Whether a GDPR delete of the customer starts.',
    }),
    serviceLevel: t.field({
      type: LevelChange,
      nullable: true,
      description: 'The service level change, for suspend and restore.',
      resolve: (p) => p.serviceLevel ?? null,
    }),
  }),
});

export const WorkflowReportRef = builder.objectRef<WorkflowReport>('WorkflowReport').implement({
  description:
    'What a workflow did (or, with dryRun, would do): its preview and each step. Run again with the same idempotencyKey to resume an incomplete one.',
  fields: (t) => ({
    workflow: t.exposeString('workflow', { description: 'The workflow, e.g. cancelLocationService.' }),
    dryRun: t.exposeBoolean('dryRun', { description: 'A preview: nothing was changed.' }),
    replayed: t.exposeBoolean('replayed', {
      description:
        'The outcome of an earlier run with this idempotencyKey, returned without any upstream call.',
    }),
    completed: t.exposeBoolean('completed', { description: 'Every step is DONE or ALREADY_DONE.' }),
    preview: t.field({ type: PreviewType, description: 'What it does.', resolve: (r) => r.preview }),
    steps: t.field({ type: [Step], description: 'Each step, in order.', resolve: (r) => r.steps }),
  }),
});
