import { builder } from '../builder.js';
import './error-types/mutation-errors.js';
import './support/error-targets.js';
import './service-cancel.js';
import './customer.js';
import './location.js';
import './wifi-node.js';
import './workflows.js';
import './workflow-changes.js';
import './archived-services.js';
import './bulk-job.js';
import './bulk-job-mutations.js';

/** Every schema file registers its types on the builder; this builds the one schema from them. */
export const schema = builder.toSchema({ sortSchema: true });
