import { InputValidationError } from '@pothos/plugin-validation';
import {
  IdempotencyKeyReusedError,
  InProgressError,
  NoActiveServicesError,
  NotAuthorizedError,
  NotFoundError,
  RateLimitedError,
  ServicesRequestRejectedError,
  StoreUnavailableError,
  UnexpectedError,
  UpstreamBudgetExceededError,
  UpstreamUnavailableError,
} from '../../errors.js';
// A mutation that lists these classes needs their GraphQL types registered on the builder.
import './backend-errors.js';
import './gateway-errors.js';

/**
 * What every WiFi cloud mutation can fail with before its own rows: an open breaker, a rate limit,
 * idempotency keys and their store, and anything unexpected (as data, so sibling mutations keep theirs).
 */
export const wifiErrors = [
  InputValidationError,
  NotAuthorizedError,
  NotFoundError,
  UpstreamUnavailableError,
  RateLimitedError,
  UpstreamBudgetExceededError,
  IdempotencyKeyReusedError,
  InProgressError,
  StoreUnavailableError,
  UnexpectedError,
];
/** What every services mutation can fail with (the owner is checked in the WiFi cloud first). */
export const servicesErrors = [...wifiErrors, NoActiveServicesError, ServicesRequestRejectedError];
