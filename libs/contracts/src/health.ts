import { z } from 'zod';

export const HEALTH_DEPENDENCIES = ['postgres', 'redis', 'clickhouse'] as const;
export type HealthDependency = (typeof HEALTH_DEPENDENCIES)[number];

export const dependencyHealthSchema = z.object({
  status: z.enum(['up', 'down']),
  latency_ms: z.number().nonnegative().nullable(),
  message: z.string().optional(),
});

/** Body of `GET /health` (200 when every dependency is up, 503 otherwise). */
export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'error']),
  checked_at: z.string(),
  dependencies: z.record(z.enum(HEALTH_DEPENDENCIES), dependencyHealthSchema),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
