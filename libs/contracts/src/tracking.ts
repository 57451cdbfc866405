import { z } from 'zod';
import { ENGAGEMENT_TYPES } from './events';

/**
 * Tracking endpoints (`/t/i`, `/t/c`, `/t/e`): public, reached by a person's browser or
 * app through the signed URLs the auction returned. The token is opaque to clients; the
 * API verifies its HMAC (apps/api/src/tracking/signed-event.ts).
 */
export const trackingTokenParamSchema = z.object({
  token: z.string().min(1, 'is required').max(4096, 'must be at most 4096 characters'),
});
export type TrackingTokenParam = z.infer<typeof trackingTokenParamSchema>;

/** POST /t/e/{token}: one engagement with the promoted pin the token names. */
export const engagementBodySchema = z
  .object({
    type: z.enum(ENGAGEMENT_TYPES, { error: `must be one of ${ENGAGEMENT_TYPES.join(', ')}` }),
  })
  .strict();
export type EngagementBody = z.infer<typeof engagementBodySchema>;
