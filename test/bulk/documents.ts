import { customerIds, locationIds } from '../../src/sandbox/seed.js';
import { graphql } from '../gql/index.js';

/** Every live location of the seed, as (customer, location) pairs: the rows of the bulk tests' uploads. */
export const LIVE_LOCATIONS = [
  [customerIds.ada, locationIds.adaHome],
  [customerIds.ada, locationIds.adaCottage],
  [customerIds.grace, locationIds.graceApartment],
  [customerIds.linus, locationIds.linusHome],
  [customerIds.linus, locationIds.linusGarage],
  [customerIds.margaret, locationIds.margaretOffice],
] as const;

/** The operations the bulk-job tests run (typed by `npm run codegen`). */

graphql(`
  fragment BulkJobFields on BulkJob {
    id
    action
    status
    dryRun
    objectCount
    succeeded
    failed
    skipped
    createdAt
    startedAt
    completedAt
    errorCode
  }
`);

export const StartBulkJob = graphql(`
  mutation BulkStart($input: StartBulkJobInput!) {
    startBulkJob(input: $input) {
      __typename
      ... on StartBulkJobSuccess {
        job {
          ...BulkJobFields
        }
      }
      ... on InputValidationError {
        issues {
          path
          message
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

export const CancelBulkJob = graphql(`
  mutation BulkCancel($id: ID!) {
    cancelBulkJob(input: { id: $id }) {
      __typename
      ... on CancelBulkJobSuccess {
        job {
          ...BulkJobFields
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

export const BulkJobNode = graphql(`
  query BulkJobNode($id: ID!) {
    node(id: $id) {
      __typename
      ... on BulkJob {
        ...BulkJobFields
        preview {
          nodesToUnclaim
          servicesToStop
          locationsToArchive
          gdprDeletes
          newEmptyLocations
          serviceLevelChanges
          licenseEffect
        }
      }
    }
  }
`);

export const BulkJobItems = graphql(`
  query BulkJobItems($id: ID!, $outcome: [BulkItemOutcome!], $first: Int, $after: String) {
    node(id: $id) {
      __typename
      ... on BulkJob {
        items(outcome: $outcome, first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              line
              itemId
              outcome
              error {
                code
                message
              }
              report {
                workflow
                dryRun
                completed
                steps {
                  name
                  status
                  error {
                    code
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`);

export const BulkJobs = graphql(`
  query BulkJobsList($status: [BulkJobStatus!], $first: Int, $after: String) {
    bulkJobs(status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          status
        }
      }
    }
  }
`);

export const BulkJobProgress = graphql(`
  subscription BulkProgress($id: ID!) {
    bulkJobProgress(id: $id) {
      id
      status
      succeeded
      failed
      skipped
      objectCount
    }
  }
`);
