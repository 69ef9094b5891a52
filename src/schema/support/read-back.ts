import { builder } from '../../builder.js';
import type { ConfirmedBy as ConfirmedByValue } from '../../upstream/http/ambiguity.js';

/** How each destructive mutation's success was established (src/upstream/http/ambiguity.ts). */

export const ConfirmedBy = builder.enumType('ConfirmedBy', {
  description: 'How the gateway knows a change took effect.',
  values: {
    RESPONSE: { description: "The backend's own answer to the change." },
    READ_BACK: {
      description:
        'The backend did not answer (timeout, connection lost, 5xx); the gateway did not resend the change, re-read the target and found the change in effect.',
    },
  } as const satisfies Record<ConfirmedByValue, { description: string }>,
});

/** The `confirmedBy` field every destructive mutation's Success type has. */
export const confirmedByField = {
  type: ConfirmedBy,
  description:
    'RESPONSE when the backend answered the change; READ_BACK when its answer was lost and a re-read showed the change in effect.',
  resolve: (result: { confirmedBy: ConfirmedByValue }) => result.confirmedBy,
} as const;
