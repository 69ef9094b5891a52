import { readdirSync, readFileSync } from 'node:fs';

/**
 * The README tour: one GraphQL document per step, in file order. GraphiQL opens on them (embedded
 * default only), the README shows them, and a test runs each against fresh simulators.
 */
export interface TourStep {
  file: string;
  document: string;
}

const folder = new URL('./', import.meta.url);

export const tourSteps: TourStep[] = readdirSync(folder)
  .filter((file) => file.endsWith('.graphql'))
  .sort()
  .map((file) => ({ file, document: readFileSync(new URL(file, folder), 'utf8') }));
