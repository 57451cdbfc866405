import { z } from 'zod';
import { idSchema, paginated, paginationQuerySchema } from './common';

/** What the audit log records changes of. */
export const AUDIT_OBJECT_TYPES = ['AD_ACCOUNT', 'CAMPAIGN', 'AD_GROUP', 'AD', 'PIN', 'MEMBER', 'INVITATION', 'TOKEN'] as const;
export const auditObjectTypeSchema = z.enum(AUDIT_OBJECT_TYPES, {
  error: `must be one of ${AUDIT_OBJECT_TYPES.join(', ')}`,
});
export type AuditObjectType = z.infer<typeof auditObjectTypeSchema>;

export const AUDIT_ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'INVITE', 'REVOKE'] as const;
export const auditActionSchema = z.enum(AUDIT_ACTIONS, { error: `must be one of ${AUDIT_ACTIONS.join(', ')}` });
export type AuditAction = z.infer<typeof auditActionSchema>;

const unixSecondsQuery = z.coerce
  .number({ error: 'must be unix seconds' })
  .int('must be a whole number of unix seconds')
  .min(0, 'must not be negative')
  .max(4_102_444_800, 'must be before the year 2100');

/**
 * GET /v5/ad_accounts/{ad_account_id}/audit_log (Loupe extension). Filters are ANDed;
 * `start_time` and `end_time` are unix seconds, both inclusive.
 */
export const auditLogQuerySchema = paginationQuerySchema
  .extend({
    object_type: auditObjectTypeSchema.optional(),
    object_id: z.string().trim().min(1).max(64).optional(),
    action: auditActionSchema.optional(),
    actor_user_id: idSchema.optional(),
    start_time: unixSecondsQuery.optional(),
    end_time: unixSecondsQuery.optional(),
  })
  .refine((q) => q.start_time === undefined || q.end_time === undefined || q.start_time <= q.end_time, {
    path: ['end_time'],
    message: 'must not be before start_time',
  });
export type AuditLogQuery = z.infer<typeof auditLogQuerySchema>;

/** One change: who made it, when, to which object, and the fields before and after. */
export const auditLogEntrySchema = z.object({
  id: idSchema,
  created_time: z.number().int(),
  /** Null only if the acting user no longer exists. */
  actor: z.object({ id: idSchema, username: z.string() }).nullable(),
  object_type: auditObjectTypeSchema,
  object_id: z.string(),
  action: auditActionSchema,
  /** For updates, only the fields that changed. */
  old_values: z.record(z.string(), z.unknown()).nullable(),
  new_values: z.record(z.string(), z.unknown()).nullable(),
  /** The correlation id of the request that made the change (x-request-id). */
  request_id: z.string().nullable(),
});
export type AuditLogEntry = z.infer<typeof auditLogEntrySchema>;
export const auditLogPageSchema = paginated(auditLogEntrySchema);
